"""What bench/speed.py trains three ways: the networks, batch size, learning rate, and how each is scored."""

from __future__ import annotations

import numpy as np

from classicnets.models import get_spec

BATCH, LEARNING_RATE = 128, 1e-3
NETWORKS = {  # classicnets model + options that give the network every implementation trains, and epochs
    "mlp": ("mlp", {"hidden": (256, 256), "dropout": 0.0, "batch_norm": False, "initializer": "glorot_uniform"}, 5),
    "cnn": ("cnn", {"filters": (32, 64), "dense": 256, "dropout": 0.5}, 2),
    "autoencoder": ("autoencoder", {"kind": "dense"}, 5),
}


def is_autoencoder(model_name: str) -> bool:
    """Whether the model is scored by reconstruction MSE rather than accuracy."""
    return get_spec(model_name).task != "classifier"


def test_metric(model_name: str, output: np.ndarray, x_test: np.ndarray, y_test: np.ndarray) -> dict:
    """Test accuracy for classifiers, per-pixel MSE for autoencoders."""
    if is_autoencoder(model_name):
        return {"test_mse": float(np.mean((output.reshape(x_test.shape) - x_test) ** 2))}
    return {"test_accuracy": float(np.mean(output.argmax(axis=1) == y_test))}
