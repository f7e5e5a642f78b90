"""Where a classifier goes wrong, in numbers: precision, recall and F1 per class (scikit-learn's), the pairs of
classes it confuses most, the test examples it gets most confidently wrong, and how well its probabilities are
calibrated (the reliability diagram's bins and the expected calibration error)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

CALIBRATION_BINS = 10


def per_class_scores(y_true: np.ndarray, y_pred: np.ndarray, class_names: list[str]) -> dict[str, dict[str, Any]]:
    """{class: {"precision", "recall", "f1", "support"}}; a class never predicted has precision 0."""
    labels = list(range(len(class_names)))
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {name: {"precision": float(precision[i]), "recall": float(recall[i]), "f1": float(f1[i]),
                   "support": int(support[i])} for i, name in enumerate(class_names)}


def most_confused(counts: np.ndarray, class_names: list[str], most: int = 5) -> list[dict[str, Any]]:
    """The (true, predicted) pairs of different classes with the most test examples, most first (ties: by the
    classes' order); pairs never confused are left out."""
    off_diagonal = np.array(counts, dtype=np.int64)
    np.fill_diagonal(off_diagonal, 0)
    order = np.argsort(-off_diagonal, axis=None, kind="stable")[:most]
    pairs = []
    for flat in order:
        true, predicted = divmod(int(flat), len(class_names))
        if off_diagonal[true, predicted] == 0:
            break
        pairs.append({"true": class_names[true], "predicted": class_names[predicted],
                      "count": int(off_diagonal[true, predicted]),
                      "share_of_true": float(off_diagonal[true, predicted] / max(int(counts[true].sum()), 1))})
    return pairs


def example_losses(y_true: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """Each example's cross-entropy, -log p(true class)."""
    chosen = probabilities[np.arange(len(y_true)), y_true]
    return -np.log(np.clip(chosen, 1e-12, 1.0))


def top_losses(y_true: np.ndarray, probabilities: np.ndarray, most: int = 16) -> np.ndarray:
    """Indices of the examples with the highest loss, highest first: the most confident mistakes lead."""
    return np.argsort(-example_losses(y_true, probabilities), kind="stable")[:most]


def calibration(y_true: np.ndarray, probabilities: np.ndarray, bins: int = CALIBRATION_BINS) -> dict[str, Any]:
    """The reliability diagram of the top-class probability: per equal-width bin of confidence, its examples'
    mean confidence and accuracy; and the expected calibration error, the examples-weighted mean gap."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == y_true
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    rows, gap = [], 0.0
    for index in range(bins):
        inside = which == index
        count = int(inside.sum())
        if count:
            mean_confidence, accuracy = float(confidence[inside].mean()), float(correct[inside].mean())
            gap += count * abs(mean_confidence - accuracy)
            rows.append({"from": float(edges[index]), "to": float(edges[index + 1]), "count": count,
                         "confidence": mean_confidence, "accuracy": accuracy})
    return {"expected_calibration_error": gap / max(len(y_true), 1), "bins": rows}


def mistakes_report(y_true: np.ndarray, probabilities: np.ndarray, counts: np.ndarray,
                    class_names: list[str]) -> dict[str, Any]:
    """What metrics.json keeps of the error analysis."""
    predicted = probabilities.argmax(axis=1)
    calibrated = calibration(y_true, probabilities)
    return {"per_class": per_class_scores(y_true, predicted, class_names),
            "most_confused": most_confused(counts, class_names),
            "expected_calibration_error": calibrated["expected_calibration_error"],
            "calibration_bins": calibrated["bins"]}
