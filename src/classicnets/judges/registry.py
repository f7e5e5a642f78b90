"""What judging a kind of run means: test metrics + plots, and a one-line summary of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Evaluator:
    """Judges trained models of one task.

    evaluate(model, config, dataset, plots, history) -> metrics: computed on the dataset's test split; writes
        PNGs into `plots`; metrics["test"] holds the test numbers. Raises UserError when the dataset does not
        fit the run (other shape, other classes). `history` (list of per-epoch dicts) is None in
        `classicnets evaluate`.
    summarize(metrics) -> str: e.g. "test accuracy 0.9123, loss 0.3011".
    headline(metrics) -> (name, value): the one number a comparison table shows, e.g. ("accuracy", 0.91).
    training_callbacks(run_dir, dataset) -> keras callbacks that watch training (the chief runs them), e.g. a
        GAN's sample grids; None: no more than the TensorBoard logs every run has.
    """

    evaluate: Callable[..., dict[str, Any]]
    summarize: Callable[[dict[str, Any]], str]
    headline: Callable[[dict[str, Any]], tuple[str, float]]
    training_callbacks: Callable[..., list] | None = None
