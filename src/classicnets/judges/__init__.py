"""How each kind of run is judged after training: the judge its task declares (classicnets.models.tasks)."""

from classicnets.judges.registry import Evaluator
from classicnets.models.tasks import get_task

__all__ = ["Evaluator", "get_evaluator"]


def get_evaluator(task: str) -> Evaluator:
    """The evaluator of a kind of run."""
    return get_task(task).evaluator
