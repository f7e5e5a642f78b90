"""Training: the trainer that runs a family's steps (classicnets.models.steps) on one device or under
tf.distribute, checkpoints, precision and distribution settings."""
