"""Metrics and plots for trained models: numpy arrays in, numbers and PNG files out (no TensorFlow)."""

from classicnets.evaluation.metrics import classification_metrics, top_k
from classicnets.evaluation.plots import (
    plot_confusion_matrix,
    plot_history,
    plot_image_grid,
    plot_prediction_grid,
)

__all__ = [
    "classification_metrics",
    "plot_confusion_matrix",
    "plot_history",
    "plot_image_grid",
    "plot_prediction_grid",
    "top_k",
]
