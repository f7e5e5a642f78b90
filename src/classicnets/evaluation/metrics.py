"""Classification metrics from true labels and predicted probabilities, as plain JSON-ready values."""

import numpy as np
from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix

# Probabilities are clipped to [PROBABILITY_FLOOR, 1] so a confident mistake costs a finite loss.
PROBABILITY_FLOOR = 1e-7
ROW_SUM_TOLERANCE = 1e-3


def check_labels(labels: np.ndarray, num_classes: int, name: str) -> np.ndarray:
    """Return `labels` as a 1-D int array, raising if any label is not a class index."""
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class indices. Received shape: {labels.shape}")
    if labels.size and not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"{name} must hold integer class indices. Received dtype: {labels.dtype}")
    bad = labels[(labels < 0) | (labels >= num_classes)]
    if bad.size:
        raise ValueError(
            f"{name} holds {bad[0]}, which is not a class index in [0, {num_classes}); "
            f"check that class_names lists all {num_classes} classes."
        )
    return labels.astype(np.int64)


def confusion_counts(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """Return the (K, K) count matrix: row = true class, column = predicted class."""
    y_true = check_labels(y_true, num_classes, "y_true")
    y_pred = check_labels(y_pred, num_classes, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred differ in length: {len(y_true)} vs {len(y_pred)}")
    return sklearn_confusion_matrix(y_true, y_pred, labels=np.arange(num_classes))


def check_probabilities(probabilities: np.ndarray, num_classes: int) -> np.ndarray:
    """Return `probabilities` as a float64 (N, K) array, raising if rows are not distributions."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or probabilities.shape[1] != num_classes:
        raise ValueError(
            f"probabilities must have shape (N, {num_classes}) to match class_names. "
            f"Received shape: {probabilities.shape}"
        )
    row_sums = probabilities.sum(axis=1)
    if probabilities.min(initial=0.0) < 0 or not np.allclose(row_sums, 1.0, atol=ROW_SUM_TOLERANCE):
        raise ValueError(
            "probabilities rows must be non-negative and sum to 1; "
            "apply softmax to logits first. "
            f"Received row sums from {row_sums.min():.4f} to {row_sums.max():.4f}"
        )
    return probabilities


def cross_entropy(y_true: np.ndarray, probabilities: np.ndarray) -> float:
    """Return the mean negative log-probability given to the true class."""
    true_class_probability = probabilities[np.arange(len(y_true)), y_true]
    return float(-np.mean(np.log(np.clip(true_class_probability, PROBABILITY_FLOOR, 1.0))))


def top_k_accuracy(y_true: np.ndarray, probabilities: np.ndarray, k: int) -> float:
    """Return the fraction of examples whose true class is among the k most probable."""
    top_classes = np.argsort(-probabilities, axis=1, kind="stable")[:, :k]  # (N, k)
    return float(np.mean(np.any(top_classes == y_true[:, None], axis=1)))


def per_class_accuracy(counts: np.ndarray, class_names: list[str]) -> dict[str, float | None]:
    """Return each class's accuracy (recall); None for a class with no examples."""
    examples_per_class = counts.sum(axis=1)
    return {
        name: float(counts[i, i] / examples_per_class[i]) if examples_per_class[i] else None
        for i, name in enumerate(class_names)
    }


def classification_metrics(y_true: np.ndarray, probabilities: np.ndarray, class_names: list[str]) -> dict:
    """Return accuracy, loss, per-class accuracy and confusion matrix as plain Python values."""
    num_classes = len(class_names)
    y_true = check_labels(y_true, num_classes, "y_true")
    probabilities = check_probabilities(probabilities, num_classes)
    if len(y_true) != len(probabilities) or len(y_true) == 0:
        raise ValueError(
            "y_true and probabilities must hold the same, non-zero number of examples. "
            f"Received: {len(y_true)} labels and {len(probabilities)} probability rows"
        )
    y_pred = probabilities.argmax(axis=1)
    counts = confusion_counts(y_true, y_pred, num_classes)
    metrics = {
        "accuracy": float(np.mean(y_pred == y_true)),
        "loss": cross_entropy(y_true, probabilities),
    }
    if num_classes > 3:
        metrics["top3_accuracy"] = top_k_accuracy(y_true, probabilities, k=3)
    metrics["num_examples"] = int(len(y_true))
    metrics["per_class_accuracy"] = per_class_accuracy(counts, class_names)
    metrics["confusion_matrix"] = counts.astype(int).tolist()
    return metrics


def top_k(probabilities_row: np.ndarray, class_names: list[str], k: int = 3) -> list[dict]:
    """Return the k most probable classes as [{"label", "probability"}], highest first."""
    probabilities_row = np.asarray(probabilities_row, dtype=np.float64)
    if probabilities_row.shape != (len(class_names),):
        raise ValueError(
            f"probabilities_row must have shape ({len(class_names)},) to match class_names. "
            f"Received shape: {probabilities_row.shape}"
        )
    if k < 1:
        raise ValueError(f"k must be at least 1. Received: k={k}")
    best_first = np.argsort(-probabilities_row, kind="stable")[:k]
    return [{"label": class_names[i], "probability": float(probabilities_row[i])} for i in best_first]
