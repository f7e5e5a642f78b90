"""Using a trained classifier: probabilities for arrays and for the user's own image files."""

from __future__ import annotations

from typing import Any

import numpy as np

from classicnets.config import RunConfig
from classicnets.data import load_image_files
from classicnets.errors import UserError
from classicnets.evaluation import top_k


def predict_probabilities(model: Any, x: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Class probabilities (N, K) for stored inputs (uint8 pixels or [0,1] features)."""
    inputs = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    return np.asarray(model.predict(inputs, batch_size=batch_size, verbose=0))


def match_background(images: np.ndarray, dark_background: bool) -> np.ndarray:
    """Invert photos whose background is the opposite of the training data's (black ink on white paper
    vs MNIST's white on black); judged per image from its border pixels."""
    border = np.concatenate([images[:, 0], images[:, -1], images[:, :, 0], images[:, :, -1]], axis=1)
    light = border.reshape(len(images), -1).mean(axis=1) >= 128
    flip = light if dark_background else ~light
    images = images.copy()
    images[flip] = 255 - images[flip]
    return images


def predict_files(model: Any, config: RunConfig, paths: list[str], k: int = 3) -> list[dict[str, Any]]:
    """Predicted label, confidence and top-k for each image file, converted to the run's input shape."""
    info = config.data_info
    if not info.get("is_image", True):
        raise_not_image(config)
    height, width, channels = info["input_shape"]
    images = load_image_files(paths, (height, width), channels)
    images = match_background(images, info.get("dark_background", True))
    probabilities = predict_probabilities(model, images)
    results = []
    for path, row in zip(paths, probabilities):
        best = top_k(row, info["class_names"], k)
        results.append({"file": str(path), "label": best[0]["label"], "confidence": best[0]["probability"], "top_k": best})
    return results


def raise_not_image(config: RunConfig) -> None:
    """Predicting on image files needs a run trained on images."""
    raise UserError(
        f"this run was trained on feature vectors from {config.data.dataset!r}, not images, so it cannot "
        "classify image files; train on an image dataset (mnist, fashion-mnist, digits, a folder of images)"
    )
