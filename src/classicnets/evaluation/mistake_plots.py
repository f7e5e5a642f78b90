"""Plots of where a classifier goes wrong: precision, recall and F1 per class, the reliability diagram, the
test images with the highest loss, and example images of the most confused pairs; each one PNG file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from classicnets.evaluation._figures import new_figure, save_figure
from classicnets.evaluation.plots import plot_image_grid, plot_prediction_grid

SCORES = ("precision", "recall", "f1")


def plot_per_class(scores: dict[str, dict[str, Any]], path: str | Path) -> Path:
    """Grouped bars of precision, recall and F1 for every class."""
    names = list(scores)
    figure = new_figure(max(5.0, 0.55 * len(names) + 1.5), 3.4)
    axes = figure.subplots()
    positions = np.arange(len(names))
    width = 0.27
    for offset, score in enumerate(SCORES):
        axes.bar(positions + (offset - 1) * width, [scores[name][score] for name in names], width,
                 label=score if score != "f1" else "F1")
    axes.set_xticks(positions, labels=names, rotation=45 if max(len(name) for name in names) > 3 else 0,
                    ha="right" if max(len(name) for name in names) > 3 else "center")
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("score on the test split")
    axes.legend(loc="lower right", ncols=3, fontsize=8)
    axes.set_title("Precision, recall and F1 per class")
    return save_figure(figure, path)


def plot_calibration(calibrated: dict[str, Any], path: str | Path) -> Path:
    """The reliability diagram: accuracy against mean confidence per bin (bar widths: the bins), the diagonal of
    perfect calibration, and the expected calibration error in the title."""
    figure = new_figure(4.2, 4.0)
    axes = figure.subplots()
    bins = calibrated["bins"]
    axes.bar([row["from"] for row in bins], [row["accuracy"] for row in bins],
             width=[row["to"] - row["from"] for row in bins], align="edge", edgecolor="white", label="accuracy")
    axes.plot([row["confidence"] for row in bins], [row["accuracy"] for row in bins], "o", color="black",
              markersize=3, label="mean confidence")
    axes.plot([0, 1], [0, 1], "--", color="gray", linewidth=1, label="perfectly calibrated")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_xlabel("confidence (top-class probability)")
    axes.set_ylabel("accuracy")
    axes.legend(loc="upper left", fontsize=8)
    axes.set_title(f"Calibration: expected error {calibrated['expected_calibration_error']:.3f}")
    return save_figure(figure, path)


def plot_top_losses(images: np.ndarray, y_true: np.ndarray, probabilities: np.ndarray, indices: np.ndarray,
                    class_names: list[str], path: str | Path) -> Path:
    """The test images at `indices` (highest loss first) with predicted and true class."""
    chosen = np.asarray(indices)
    return plot_prediction_grid(images[chosen], y_true[chosen], probabilities[chosen].argmax(axis=1), class_names,
                                path, n=len(chosen), probabilities=probabilities[chosen],
                                heading=f"The {len(chosen)} test images with the highest loss")


def plot_confused_pairs(images: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray, pairs: list[dict[str, Any]],
                        class_names: list[str], path: str | Path, per_pair: int = 8) -> Path | None:
    """One row of test images per confused pair (true class read as the predicted one); None without pairs."""
    rows, titles = [], []
    for pair in pairs:
        true, predicted = class_names.index(pair["true"]), class_names.index(pair["predicted"])
        found = np.flatnonzero((y_true == true) & (y_pred == predicted))[:per_pair]
        if len(found):
            rows.append(images[found])
            titles.append(f"{pair['true']} read as {pair['predicted']} ({pair['count']})")
    if not rows:
        return None
    return plot_image_grid(rows, path, row_titles=titles, title="The most confused pairs (true read as predicted)")
