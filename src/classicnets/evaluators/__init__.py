"""Per-task judging of trained models; importing this package registers every evaluator."""

from classicnets.evaluators import classifier  # noqa: F401
from classicnets.evaluators import autoencoder  # noqa: F401,I001
from classicnets.evaluators import ae_classifier  # noqa: F401,I001
from classicnets.evaluators import linear  # noqa: F401,I001
from classicnets.evaluators import gan  # noqa: F401,I001
from classicnets.evaluators import sequences  # noqa: F401,I001
from classicnets.evaluators.registry import EVALUATORS, Evaluator, get_evaluator, register_evaluator

__all__ = ["EVALUATORS", "Evaluator", "get_evaluator", "register_evaluator"]
