"""The linear models: MSE (regression) or accuracy (classifier), the learned W and b in the data's own units,
and plots of the data with the fitted line or the decision line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from classicnets.config import RunConfig
from classicnets.data import Dataset
from classicnets.data.columns import unscale_features
from classicnets.evaluation import plot_confusion_matrix
from classicnets.evaluation.lines import plot_decision_line, plot_fit, plot_predicted_vs_true
from classicnets.evaluation.metrics import confusion_counts, per_class_accuracy
from classicnets.judges.classifier import check_same_classes, plot_history_rows
from classicnets.judges.registry import Evaluator
from classicnets.use.inference import predict_outputs
from classicnets.models.linear import DECISION_THRESHOLD, classes_from_scores

SHOWN_PREDICTIONS = 20  # test predictions listed in metrics.json when the test split is this small


def feature_bounds(config: RunConfig, dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """The min-max scaling of the run's features (the run's own, so another dataset is judged consistently)."""
    info = config.data_info
    low = np.asarray(info.get("feature_min", dataset.feature_min), dtype=np.float64)
    high = np.asarray(info.get("feature_max", dataset.feature_max), dtype=np.float64)
    return low, high


def learned_line(model: Any, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """W (F, S) and b (S,) such that output = x @ W + b for x in the data's own units (scaling folded in)."""
    dense = next(layer for layer in model.layers if layer.__class__.__name__ == "Dense")
    kernel, bias = (np.asarray(v, dtype=np.float64) for v in dense.get_weights())
    span = np.where(high > low, high - low, 1.0)
    weights, bias = kernel / span[:, None], bias - (low / span) @ kernel  # (x - low) / span @ K + b
    rescale = [layer for layer in model.layers if layer.__class__.__name__ == "Rescaling"]
    if rescale:  # output = line * scale + offset
        scale, offset = float(rescale[0].scale), float(rescale[0].offset)
        weights, bias = weights * scale, bias * scale + offset
    return weights, bias


def evaluate_regression(model: Any, config: RunConfig, dataset: Dataset, plots: Path,
                        history: list[dict] | None = None) -> dict[str, Any]:
    """Test MSE, the learned W and b, and data vs fit (one feature) or predicted vs true (several)."""
    predicted = predict_outputs(model, dataset.x_test)[:, 0]
    errors = predicted - dataset.y_test
    low, high = feature_bounds(config, dataset)
    weights, bias = learned_line(model, low, high)
    names = dataset.extra.get("feature_names", [f"x{i + 1}" for i in range(len(low))])
    target = dataset.extra.get("target", "y")
    test = {"mse": float(np.mean(errors ** 2)), "mae": float(np.mean(np.abs(errors))),
            "num_examples": int(len(errors))}
    if len(errors) <= SHOWN_PREDICTIONS:
        test["predictions"] = [float(v) for v in predicted]
        test["targets"] = [float(v) for v in dataset.y_test]
    metrics = {"test": test, "W": {name: float(w) for name, w in zip(names, weights[:, 0])}, "b": float(bias[0])}
    if len(names) == 1:
        plot_fit(unscale_features(dataset.x_train, low, high)[:, 0], dataset.y_train,
                 unscale_features(dataset.x_test, low, high)[:, 0], dataset.y_test,
                 float(weights[0, 0]), float(bias[0]), plots / "fit.png", names[0], target)
    else:
        plot_predicted_vs_true(dataset.y_test, predicted, plots / "fit.png", target)
    plot_history_rows(history, plots / "history.png")
    return metrics


def summarize_regression(metrics: dict[str, Any]) -> str:
    """'test MSE 0.0001 (W x=2.0001, b=-0.0003)'."""
    weights = ", ".join(f"{name}={value:.4g}" for name, value in list(metrics["W"].items())[:5])
    more = ", ..." if len(metrics["W"]) > 5 else ""
    return f"test MSE {metrics['test']['mse']:.4g} (W {weights}{more}; b={metrics['b']:.4g})"


def evaluate_linear_classifier(model: Any, config: RunConfig, dataset: Dataset, plots: Path,
                               history: list[dict] | None = None) -> dict[str, Any]:
    """Test accuracy and squared error, W and b, confusion matrix, and the points with the decision line."""
    check_same_classes(config, dataset)
    scores = predict_outputs(model, dataset.x_test)
    predicted = classes_from_scores(scores)
    targets = np.eye(scores.shape[1])[dataset.y_test] if scores.shape[1] > 1 else dataset.y_test[:, None]
    counts = confusion_counts(dataset.y_test, predicted, dataset.num_classes)
    test = {"accuracy": float(np.mean(predicted == dataset.y_test)),
            "loss": float(np.mean(np.sum((scores - targets) ** 2, axis=1))), "num_examples": int(len(predicted)),
            "per_class_accuracy": per_class_accuracy(counts, list(dataset.class_names)),
            "confusion_matrix": counts.astype(int).tolist()}
    low, high = feature_bounds(config, dataset)
    weights, bias = learned_line(model, low, high)
    metrics = {"test": test, "W": weights.tolist(), "b": bias.tolist()}
    plot_confusion_matrix(dataset.y_test, predicted, list(dataset.class_names), plots / "confusion_matrix.png")
    if weights.shape == (2, 1):
        names = tuple(dataset.extra.get("feature_names", ["x1", "x2"]))
        plot_decision_line(unscale_features(dataset.x_test, low, high), dataset.y_test, weights[:, 0], float(bias[0]),
                           DECISION_THRESHOLD, plots / "decision_line.png", list(dataset.class_names), names)
    plot_history_rows(history, plots / "history.png")
    return metrics


def summarize_classifier(metrics: dict[str, Any]) -> str:
    """'test accuracy 0.9900, squared error 0.0312'."""
    return f"test accuracy {metrics['test']['accuracy']:.4f}, squared error {metrics['test']['loss']:.4f}"


REGRESSION = Evaluator(evaluate_regression, summarize_regression,
                       lambda metrics: ("mse", float(metrics["test"]["mse"])))
CLASSIFIER = Evaluator(evaluate_linear_classifier, summarize_classifier,
                       lambda metrics: ("accuracy", float(metrics["test"]["accuracy"])))
