"""Plots of a GAN run: both networks' losses per epoch, and the judge's verdict (arrays in, PNG out)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.ticker import MaxNLocator

from classicnets.evaluation._figures import new_figure, save_figure


def plot_adversarial_losses(history: dict[str, list[float]], path: str | Path) -> Path:
    """Generator and discriminator loss per epoch (train and validation), and the discriminator's scores."""
    epochs = np.asarray(history.get("epoch", np.arange(1, len(history["generator_loss"]) + 1)))
    figure = new_figure(10, 3.8)
    losses, scores = figure.subplots(1, 2)
    for key, label, style, color in (("generator_loss", "generator", "-", "tab:blue"),
                                     ("discriminator_loss", "discriminator", "-", "tab:orange"),
                                     ("val_generator_loss", "generator (validation)", "--", "tab:blue"),
                                     ("val_discriminator_loss", "discriminator (validation)", "--", "tab:orange")):
        if history.get(key):
            losses.plot(epochs[:len(history[key])], history[key], style, color=color, label=label)
    losses.set(title="Losses of both networks", xlabel="epoch", ylabel="cross-entropy")
    for key, label in (("real_score", "D(real image)"), ("fake_score", "D(generated image)")):
        if history.get(key):
            scores.plot(epochs[:len(history[key])], history[key], label=label)
    scores.axhline(0.5, color="gray", linewidth=0.8)
    scores.set(title="Discriminator's probability of 'real'", xlabel="epoch", ylim=(0, 1))
    for axes in (losses, scores):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(alpha=0.3)
        axes.legend(fontsize=8)
    return save_figure(figure, path)


def plot_judge(class_names: list[str], shares: list[float], agreement: list[float] | None,
               frechet_by_epoch: dict[int, float], title: str, path: str | Path) -> Path:
    """Bars: which class the judge sees in generated images (and, for a cgan, agreement per requested class);
    a curve: the Frechet distance at each sample-grid epoch."""
    panels = 2 if frechet_by_epoch else 1
    figure = new_figure(6 + 4 * (panels - 1), 4.2)
    axes = np.atleast_1d(figure.subplots(1, panels))
    positions = np.arange(len(class_names))
    width = 0.4 if agreement is not None else 0.8
    axes[0].bar(positions - (width / 2 if agreement is not None else 0), shares, width, label="share of samples")
    if agreement is not None:
        axes[0].bar(positions + width / 2, agreement, width, label="judge agrees with requested class")
    else:
        axes[0].axhline(0.25, color="tab:red", linewidth=0.8, label="25% (mode collapse above)")
    long_names = max((len(name) for name in class_names), default=0) > 3
    axes[0].set_xticks(positions, class_names, rotation=45 if long_names else 0, ha="right" if long_names else "center")
    axes[0].set(ylim=(0, 1.05), title="Judge's classes of generated images")
    axes[0].legend(fontsize=8)
    if frechet_by_epoch:
        epochs = sorted(frechet_by_epoch)
        axes[1].plot(epochs, [frechet_by_epoch[e] for e in epochs], marker="o")
        axes[1].set(title="Frechet distance to real test images", xlabel="epoch", ylabel="distance (judge features)")
        axes[1].xaxis.set_major_locator(MaxNLocator(integer=True))
        axes[1].grid(alpha=0.3)
    figure.suptitle(title)
    return save_figure(figure, path)
