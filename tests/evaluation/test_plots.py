"""Tests for plot_history and plot_confusion_matrix: each writes a readable PNG."""

from pathlib import Path

import numpy as np
import pytest

from classicnets.evaluation import plot_confusion_matrix, plot_history
from classicnets.evaluation.plots import metric_families

FULL_HISTORY = {
    "epoch": [1, 2, 3],
    "loss": [1.2, 0.8, 0.6],
    "val_loss": [1.3, 0.9, 0.8],
    "accuracy": [0.5, 0.7, 0.8],
    "val_accuracy": [0.45, 0.65, 0.7],
    "seconds": [3.1, 2.9, 3.0],
    "lr": [1e-3, 1e-3, 5e-4],
}


def test_history_writes_png_with_one_panel_per_metric(tmp_path, read_png):
    two_metrics = read_png(plot_history(FULL_HISTORY, tmp_path / "two.png"))
    loss_only = {key: FULL_HISTORY[key] for key in ("epoch", "loss", "val_loss", "seconds", "lr")}
    one_metric = read_png(plot_history(loss_only, tmp_path / "one.png"))
    # "seconds" and "lr" add no panel, so two metrics make a figure about twice as wide as one.
    assert two_metrics.shape[1] == pytest.approx(2 * one_metric.shape[1], rel=0.05)


def test_history_with_one_epoch(tmp_path, read_png):
    path = plot_history({"epoch": [1], "loss": [0.7], "val_loss": [0.9]}, tmp_path / "one_epoch.png")
    read_png(path)


def test_history_without_validation_or_epoch_keys(tmp_path, read_png):
    path = plot_history({"loss": [1.0, 0.5], "accuracy": [0.4, 0.6]}, str(tmp_path / "train_only.png"))
    assert isinstance(path, Path)
    read_png(path)


def test_history_creates_parent_folders(tmp_path, read_png):
    path = tmp_path / "run" / "plots" / "history.png"
    assert plot_history(FULL_HISTORY, path) == path
    read_png(path)


def test_history_without_metrics_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="no metrics"):
        plot_history({"epoch": [1, 2], "seconds": [1.0, 1.0]}, tmp_path / "empty.png")
    assert not (tmp_path / "empty.png").exists()


def test_history_with_mismatched_lengths_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="val_loss"):
        plot_history({"epoch": [1, 2], "loss": [1.0, 0.5], "val_loss": [1.0]}, tmp_path / "bad.png")


@pytest.mark.parametrize("normalize", [True, False])
def test_confusion_matrix_writes_png(tmp_path, read_png, normalize):
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 3, size=50)
    y_pred = np.where(rng.random(50) < 0.8, y_true, 0)
    path = plot_confusion_matrix(y_true, y_pred, ["zero", "one", "two"], tmp_path / "cm.png", normalize=normalize)
    pixels = read_png(path)
    assert pixels.shape[0] >= 400


def test_confusion_matrix_grows_with_many_long_class_names(tmp_path, read_png):
    names = [f"class number {i}" for i in range(25)]
    labels = np.arange(25)
    small = read_png(plot_confusion_matrix(labels[:3], labels[:3], names[:3], tmp_path / "small.png"))
    large = read_png(plot_confusion_matrix(labels, np.roll(labels, 1), names, tmp_path / "large.png"))
    assert large.shape[0] > small.shape[0]


def test_confusion_matrix_rejects_labels_beyond_class_names(tmp_path):
    with pytest.raises(ValueError, match="y_pred holds 3"):
        plot_confusion_matrix(np.array([0, 1]), np.array([0, 3]), ["a", "b"], tmp_path / "cm.png")


def test_test_split_columns_join_their_metric_and_the_epoch_times_are_not_plotted():
    history = {"epoch": [1, 2], "loss": [1.0, 0.5], "val_loss": [1.1, 0.6], "test_loss": [1.2, 0.7],
               "accuracy": [0.5, 0.8], "test_accuracy": [0.4, 0.7], "wall_time": [1.8e9, 1.8e9 + 2], "seconds": [1, 1]}
    assert metric_families(history) == {"loss": ["loss", "val_loss", "test_loss"],
                                        "accuracy": ["accuracy", "test_accuracy"]}
