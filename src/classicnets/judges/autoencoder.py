"""Autoencoders: per-pixel test MSE, a reconstruction grid, a scatter of the codes, denoising and VAE extras."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from classicnets.data.stored import in_chunks
from classicnets.use.autoencoding import (BATCH, add_noise, check_same_shape, encode, mean_squared_error, reconstruct,
                                          reconstruction_errors, sample_images)
from classicnets.config import RunConfig
from classicnets.data import Dataset
from classicnets.evaluation import plot_image_grid
from classicnets.evaluation.codes import plot_codes
from classicnets.judges.classifier import plot_history_rows
from classicnets.judges.registry import Evaluator

GRID_IMAGES = 10  # as in the notes
SAMPLES = 16


def per_class_mse(errors: np.ndarray, labels: np.ndarray, class_names: list[str]) -> dict[str, float]:
    """Mean reconstruction error of each class's test examples."""
    return {name: float(errors[labels == index].mean()) for index, name in enumerate(class_names)
            if np.any(labels == index)}


def denoising_metrics(model: Any, x: Any, plots: Path, is_image: bool) -> dict[str, float]:
    """MSE of test inputs noised as in training: the noisy input's own and after denoising, and their ratio."""
    noise = np.random.default_rng(0)  # one stream of noise over the batches
    noisy_errors, denoised_errors, first = [], [], None
    for batch in in_chunks(x, BATCH):
        noisy = add_noise(batch, model.noise, noise)
        denoised = reconstruct(model, noisy)
        noisy_errors.append(mean_squared_error(batch, noisy))
        denoised_errors.append(mean_squared_error(batch, denoised))
        first = first or (batch, noisy, denoised)
    noisy_input = float(np.concatenate(noisy_errors).mean())
    denoised_mse = float(np.concatenate(denoised_errors).mean())
    if is_image:
        count = min(GRID_IMAGES, len(x))
        clean, noisy, denoised = first
        plot_image_grid([noisy[:count], denoised[:count], clean[:count]], plots / "denoising.png",
                        row_titles=["noisy", "denoised", "original"],
                        title=f"Denoising (noise std {model.noise:g}): MSE {noisy_input:.4f} -> {denoised_mse:.4f}")
    return {"noise": model.noise, "noisy_input_mse": noisy_input, "denoised_mse": denoised_mse,
            "noise_reduction": noisy_input / max(denoised_mse, 1e-12)}


def evaluate(model: Any, config: RunConfig, dataset: Dataset, plots: Path,
             history: list[dict] | None = None) -> dict[str, Any]:
    """Test-split reconstruction MSE (per pixel, inputs in [0, 1]) and the plots of an autoencoder run."""
    check_same_shape(config, dataset)
    x, labels, names = dataset.x_test, dataset.y_test, list(dataset.class_names)
    errors = reconstruction_errors(model, x)
    test: dict[str, Any] = {"mse": float(errors.mean()), "num_examples": int(len(x)),
                            "per_class_mse": per_class_mse(errors, labels, names)}
    if getattr(model, "noise", 0.0):
        test.update(denoising_metrics(model, x, plots, dataset.is_image))
    if dataset.is_image:
        count = min(GRID_IMAGES, len(x))
        originals = x[:count]
        plot_image_grid([originals, reconstruct(model, originals)], plots / "reconstructions.png",
                        row_titles=["original", "reconstructed"],
                        title=f"Test images and their reconstructions (test MSE {test['mse']:.4f})")
    if hasattr(model, "encode"):  # the family's autoencoders; a user's network may have no encoder of its own
        plot_codes(encode(model, x), labels, names, plots / "codes.png", seed=config.train.seed)
    if hasattr(model, "generate") and dataset.is_image:
        plot_image_grid(list(sample_images(model, SAMPLES, config.train.seed).reshape(4, 4, *x.shape[1:])),
                        plots / "samples.png", title="New images decoded from codes drawn from N(0, I)")
    plot_history_rows(history, plots / "history.png")
    return {"test": test}


def summarize(metrics: dict[str, Any]) -> str:
    """'test MSE 0.0061 per pixel' (+ the denoising numbers)."""
    test = metrics["test"]
    text = f"test MSE {test['mse']:.4f} per pixel"
    if "denoised_mse" in test:
        text += (f"; noisy inputs {test['noisy_input_mse']:.4f} -> denoised {test['denoised_mse']:.4f} "
                 f"({test['noise_reduction']:.1f}x lower)")
    return text


def headline(metrics: dict[str, Any]) -> tuple[str, float]:
    """Per-pixel test MSE is what an autoencoder is compared by (lower is better)."""
    return "mse", float(metrics["test"]["mse"])


EVALUATOR = Evaluator(evaluate, summarize, headline)
