"""Per-task judging of trained models; importing this package registers every evaluator."""

from classicnets.evaluation.judges import classifier  # noqa: F401
from classicnets.evaluation.judges import autoencoder  # noqa: F401,I001
from classicnets.evaluation.judges import ae_classifier  # noqa: F401,I001
from classicnets.evaluation.judges import linear  # noqa: F401,I001
from classicnets.evaluation.judges import gan  # noqa: F401,I001
from classicnets.evaluation.judges import sequences  # noqa: F401,I001
from classicnets.evaluation.judges.registry import EVALUATORS, Evaluator, get_evaluator, register_evaluator

__all__ = ["EVALUATORS", "Evaluator", "get_evaluator", "register_evaluator"]
