"""Fashion-MNIST for the peer scripts of bench/time_to_accuracy.py, read straight from the IDX .gz files
(what a PyTorch or Keras user would do without classicnets): uint8 images (N, 28, 28) and int64 labels."""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import numpy as np

FOLDER = Path("/usr/share/datasets/fashion-mnist")  # apt-get install dataset-fashion-mnist


def read_idx(path: Path) -> np.ndarray:
    """One IDX file: a big-endian header of dimension sizes, then unsigned bytes."""
    with gzip.open(path, "rb") as stream:
        raw = stream.read()
    dimensions = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dimensions))
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * dimensions).reshape(shape)


def load(folder: Path = FOLDER) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """x_train, y_train, x_test, y_test."""
    part = {name: read_idx(folder / f"{name}-ubyte.gz") for name in
            ("train-images-idx3", "train-labels-idx1", "t10k-images-idx3", "t10k-labels-idx1")}
    return (part["train-images-idx3"], part["train-labels-idx1"].astype(np.int64),
            part["t10k-images-idx3"], part["t10k-labels-idx1"].astype(np.int64))


def held_out(x: np.ndarray, y: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The training images left after holding out `fraction` at random (classicnets' validation share)."""
    keep = np.random.default_rng(seed).permutation(len(y))[int(round(len(y) * fraction)):]
    return x[keep], y[keep]


def learning_rate_at(step: int, peak: float, total_steps: int, schedule: str) -> float:
    """The rate of one step: constant, or cosine decay from `peak` to 0 over `total_steps` (what
    keras.optimizers.schedules.CosineDecay computes)."""
    if schedule == "constant":
        return peak
    return peak * 0.5 * (1 + math.cos(math.pi * min(step, total_steps) / max(total_steps, 1)))
