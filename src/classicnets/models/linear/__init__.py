"""The notes' first models: linear regression (y = Wx + b) and a linear classifier (score = Wx + b, class 1
when the score passes 0.5), both on tables of features."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from classicnets.models.registry import ModelSpec

DECISION_THRESHOLD = 0.5  # the notes: class 1 where the score is above 0.5 (targets are 0 and 1)


CLASS_COLUMN_HELP = "CSV column holding each row's class (numbers or text) (default: label)"


@dataclass(frozen=True)
class LinearRegressionOptions:
    """No options: the line's weights are all it learns (its CSV column to predict is a data setting, target)."""


@dataclass(frozen=True)
class LinearClassifierOptions:
    """No options: its weights are all it learns (its CSV column of classes is a data setting, target)."""


def score_count(num_classes: int) -> int:
    """Two classes share one score (class 1 above 0.5); more classes get one score each."""
    return 1 if num_classes <= 2 else num_classes


def classes_from_scores(scores: np.ndarray) -> np.ndarray:
    """Class indices from scores (N, 1) or (N, K)."""
    scores = np.asarray(scores)
    if scores.shape[1] == 1:
        return (scores[:, 0] > DECISION_THRESHOLD).astype(np.int64)
    return scores.argmax(axis=1)


REGRESSION = ModelSpec("linear-regression", "linear regression y = Wx + b (the notes' line: x=1..4, y=2x)",
                       LinearRegressionOptions, "classicnets.models.linear.network:build_linear_regression",
                       task="regression",
                       steps="classicnets.models.linear.steps:RegressionSteps",
                       data_loader="classicnets.data.regression:load_regression",
                       target_help="CSV column to predict; every other column is a feature (default: y)",
                       uses_extra=True, train_defaults={"epochs": 150, "learning_rate": 0.3})
CLASSIFIER = ModelSpec("linear-classifier", "linear classifier trained by a hand-written gradient-descent step "
                       "(the notes' two Gaussian clouds)", LinearClassifierOptions,
                       "classicnets.models.linear.network:build_linear_classifier", task="linear-classifier",
                       steps="classicnets.models.linear.steps:LinearClassifierSteps",
                       data_loader="classicnets.data.lessons:load_clouds", target_help=CLASS_COLUMN_HELP,
                       train_defaults={"epochs": 40, "learning_rate": 0.5, "optimizer": "sgd", "schedule": "constant",
                                       "batch_size": 2048})
