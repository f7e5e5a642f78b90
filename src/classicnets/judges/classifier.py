"""Classifiers: accuracy, loss, per-class accuracy, confusion matrix, prediction grid, loss curves, and where they go
wrong: per-class precision, recall and F1, the most confused pairs, calibration, the top losses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from classicnets.config import RunConfig
from classicnets.data import Dataset
from classicnets.errors import UserError
from classicnets.evaluation import classification_metrics, plot_confusion_matrix, plot_history, plot_prediction_grid
from classicnets.evaluation.mistake_plots import plot_calibration, plot_confused_pairs, plot_per_class, plot_top_losses
from classicnets.evaluation.mistakes import mistakes_report, top_losses
from classicnets.judges.registry import Evaluator
from classicnets.use.inference import predict_probabilities


def check_same_classes(config: RunConfig, dataset: Dataset) -> None:
    """A classifier can only be judged on data with the classes it was trained on."""
    known = config.data_info.get("class_names", [])
    if len(dataset.class_names) != len(known):
        raise UserError(f"dataset {dataset.name!r} has {len(dataset.class_names)} classes, the run knows "
                        f"{len(known)}; evaluate it on data with the same classes")


def plot_history_rows(history: list[dict] | None, path: Path) -> None:
    """Loss/metric curves from the trainer's per-epoch rows."""
    if history:
        columns = {key: [row[key] for row in history if key in row] for key in history[-1]}
        plot_history(columns, path)


def evaluate(model: Any, config: RunConfig, dataset: Dataset, plots: Path,
             history: list[dict] | None = None) -> dict[str, Any]:
    """Test-split metrics, plus loss curves, confusion matrix and a prediction grid as PNGs."""
    check_same_classes(config, dataset)
    probabilities = predict_probabilities(model, dataset.x_test)
    class_names = list(dataset.class_names)
    metrics = {"test": classification_metrics(dataset.y_test, probabilities, class_names)}
    predicted = probabilities.argmax(axis=1)
    plot_confusion_matrix(dataset.y_test, predicted, class_names, plots / "confusion_matrix.png")
    if dataset.is_image:
        plot_prediction_grid(dataset.x_test[:16], dataset.y_test, predicted, class_names,
                             plots / "predictions.png", n=16, probabilities=probabilities)
    plot_history_rows(history, plots / "history.png")
    metrics["test"].update(write_mistakes(dataset, probabilities, metrics["test"]["confusion_matrix"], plots))
    return metrics


def write_mistakes(dataset: Dataset, probabilities: Any, counts: list[list[int]], plots: Path) -> dict[str, Any]:
    """The error analysis: per-class precision, recall and F1, the most confused pairs, calibration (numbers for
    metrics.json, and their plots), and for images the top losses and the confused pairs' examples."""
    class_names = list(dataset.class_names)
    y_true = np.asarray(dataset.y_test)
    found = mistakes_report(y_true, probabilities, np.asarray(counts), class_names)
    plot_per_class(found["per_class"], plots / "per_class.png")
    plot_calibration({"expected_calibration_error": found["expected_calibration_error"],
                      "bins": found["calibration_bins"]}, plots / "calibration.png")
    if dataset.is_image:
        plot_top_losses(dataset.x_test, y_true, probabilities, top_losses(y_true, probabilities), class_names,
                        plots / "top_losses.png")
        plot_confused_pairs(dataset.x_test, y_true, probabilities.argmax(axis=1), found["most_confused"][:4],
                            class_names, plots / "confused_pairs.png")
    return found


def summarize(metrics: dict[str, Any]) -> str:
    """'test accuracy 0.9123, loss 0.3011'."""
    return f"test accuracy {metrics['test']['accuracy']:.4f}, loss {metrics['test']['loss']:.4f}"


def headline(metrics: dict[str, Any]) -> tuple[str, float]:
    """Test accuracy is what a classifier is compared by."""
    return "accuracy", float(metrics["test"]["accuracy"])


EVALUATOR = Evaluator(evaluate, summarize, headline)
