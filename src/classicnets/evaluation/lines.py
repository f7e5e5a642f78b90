"""Plots of the linear models: data with the fitted line, predicted vs true, points with the decision line."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from classicnets.evaluation._figures import new_figure, save_figure


def signed(value: float) -> str:
    """' + 0.5' or ' - 0.5': a term added to an equation."""
    return f" {'-' if value < 0 else '+'} {abs(value):.3g}"


def plot_fit(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray,
             weight: float, bias: float, path: str | Path, x_name: str = "x", y_name: str = "y") -> Path:
    """One feature: training and test points and the learned line y = weight * x + bias."""
    figure = new_figure(5.0, 3.8)
    axes = figure.subplots()
    axes.scatter(x_train, y_train, label="training data", color="tab:blue")
    axes.scatter(x_test, y_test, label="test data", color="tab:orange", marker="s")
    ends = np.array([min(x_train.min(), x_test.min()), max(x_train.max(), x_test.max())])
    axes.plot(ends, weight * ends + bias, color="tab:red", label=f"fit: y = {weight:.4g} x{signed(bias)}")
    axes.set_xlabel(x_name)
    axes.set_ylabel(y_name)
    axes.legend()
    axes.set_title("Data and the learned line")
    return save_figure(figure, path)


def plot_predicted_vs_true(y_true: np.ndarray, y_predicted: np.ndarray, path: str | Path, y_name: str = "y") -> Path:
    """Several features: each test example's prediction against its true value, with the y = x diagonal."""
    figure = new_figure(4.5, 4.2)
    axes = figure.subplots()
    axes.scatter(y_true, y_predicted, color="tab:blue", s=12)
    ends = [min(y_true.min(), y_predicted.min()), max(y_true.max(), y_predicted.max())]
    axes.plot(ends, ends, color="tab:gray", linestyle="--", label="perfect")
    axes.set_xlabel(f"true {y_name}")
    axes.set_ylabel(f"predicted {y_name}")
    axes.legend()
    axes.set_title("Test predictions")
    return save_figure(figure, path)


def plot_decision_line(points: np.ndarray, labels: np.ndarray, weights: np.ndarray, bias: float, threshold: float,
                       path: str | Path, class_names: list[str], axis_names: tuple[str, str] = ("x1", "x2")) -> Path:
    """Two features, two classes: the points coloured by class and the line w1 x1 + w2 x2 + b = threshold."""
    figure = new_figure(5.0, 4.5)
    axes = figure.subplots()
    for index, name in enumerate(class_names):
        chosen = labels == index
        axes.scatter(points[chosen, 0], points[chosen, 1], s=6, alpha=0.6, label=f"class {name}")
    x1 = np.linspace(points[:, 0].min(), points[:, 0].max(), 100)
    if abs(weights[1]) > 1e-12:
        axes.plot(x1, (threshold - bias - weights[0] * x1) / weights[1], color="black", label="decision line")
        axes.set_ylim(points[:, 1].min() - 0.5, points[:, 1].max() + 0.5)
    else:  # a vertical line: x1 = (threshold - b) / w1
        axes.axvline((threshold - bias) / weights[0], color="black", label="decision line")
    axes.set_xlabel(axis_names[0])
    axes.set_ylabel(axis_names[1])
    axes.legend()
    axes.set_title(f"{weights[0]:.3g} {axis_names[0]}{signed(weights[1])} {axis_names[1]}{signed(bias)} = {threshold:g}")
    return save_figure(figure, path)
