"""Plots of the sequence models' results: top-k next-letter accuracy, and rates per data split.

Only numbers and split names are drawn (no words): the default fonts lack most non-Latin letters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.ticker import MaxNLocator

from classicnets.evaluation._figures import new_figure, save_figure


def plot_top_k_accuracy(curves: dict[str, list[float]], path: str | Path, title: str) -> Path:
    """One line per split: accuracy when the right answer may be among the k most likely, k = 1, 2, ..."""
    figure = new_figure(5.0, 3.6)
    axes = figure.subplots()
    for name, values in curves.items():
        axes.plot(np.arange(1, len(values) + 1), values, marker="o", label=name)
    axes.set_xlabel("k (right letter among the k most likely)")
    axes.set_ylabel("accuracy")
    axes.set_ylim(0, 1.02)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend()
    return save_figure(figure, path)


def plot_rates(rates: dict[str, float], counts: dict[str, int], path: str | Path, title: str) -> Path:
    """One bar per split with its rate, labelled with the rate and the number of examples."""
    figure = new_figure(5.0, 3.6)
    axes = figure.subplots()
    names = list(rates)
    bars = axes.bar(names, [rates[name] for name in names], color="tab:blue")
    for bar, name in zip(bars, names):
        axes.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 0.02,
                  f"{rates[name]:.0%} of {counts[name]}", ha="center", va="bottom")
    axes.set_ylim(0, 1.15)
    axes.set_ylabel("rate")
    axes.set_title(title)
    axes.grid(alpha=0.3, axis="y")
    return save_figure(figure, path)
