"""Training: recipes (tasks), the trainer, checkpoints, distribution strategies.
Importing this package registers every task."""

from classicnets.training import tasks  # noqa: F401
from classicnets.training import regression  # noqa: F401,I001
from classicnets.training import reconstruction  # noqa: F401,I001
from classicnets.training import finetune  # noqa: F401,I001
from classicnets.training import adversarial  # noqa: F401,I001
from classicnets.training import sequences  # noqa: F401,I001
