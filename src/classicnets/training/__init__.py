"""Training: recipes (tasks), the trainer, checkpoints, distribution strategies."""
