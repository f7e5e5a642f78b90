"""Training: recipes (tasks), the trainer, checkpoints, distribution strategies.
Importing this package registers every task."""

from classicnets.training import tasks  # noqa: F401
