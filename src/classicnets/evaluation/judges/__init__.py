"""How each kind of run is judged after training (ModelSpec.task names the kind)."""

from classicnets.errors import UserError
from classicnets.evaluation.judges import ae_classifier, autoencoder, classifier, gan, linear, sequences
from classicnets.evaluation.judges.registry import Evaluator

__all__ = ["EVALUATORS", "Evaluator", "get_evaluator"]

EVALUATORS: dict[str, Evaluator] = {
    "classifier": classifier.EVALUATOR,
    "regression": linear.REGRESSION,
    "linear-classifier": linear.CLASSIFIER,
    "autoencoder": autoencoder.EVALUATOR,
    "ae-classifier": ae_classifier.EVALUATOR,
    "next-letter": sequences.AUTOCOMPLETE,
    "translation": sequences.TRANSLATION,
    "gan": gan.EVALUATOR,
    "cgan": gan.EVALUATOR,
}


def get_evaluator(task: str) -> Evaluator:
    """The evaluator of a kind of run."""
    if task not in EVALUATORS:
        raise UserError(f"no evaluator for task {task!r}; known: {', '.join(EVALUATORS)}")
    return EVALUATORS[task]
