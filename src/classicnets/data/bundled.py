"""scikit-learn's bundled 8x8 digits: always available, no files, no network."""

from __future__ import annotations

import numpy as np

from classicnets.data.arrays import split_dataset
from classicnets.data.catalog import DIGIT_NAMES
from classicnets.data.dataset import Dataset

DIGITS_SOURCE = "scikit-learn bundled digits"


def read_digits() -> tuple[np.ndarray, np.ndarray]:
    """All 1,797 digits as uint8 (N, 8, 8, 1) in 0..255, and their int64 labels."""
    from sklearn.datasets import load_digits  # imported here: scikit-learn is slow to import and rarely needed

    digits = load_digits()
    images = np.round(digits.images * (255.0 / 16.0)).astype(np.uint8)[..., np.newaxis]  # values 0..16 -> 0..255
    return images, digits.target.astype(np.int64)


def load_digits_dataset(test_fraction: float, seed: int) -> Dataset:
    """The bundled digits, split stratified by `test_fraction` and `seed`."""
    images, labels = read_digits()
    return split_dataset("digits", DIGITS_SOURCE, images, labels, test_fraction, seed, list(DIGIT_NAMES))
