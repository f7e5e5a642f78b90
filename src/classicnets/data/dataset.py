"""The Dataset every loader returns: train/test arrays, class names, and where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from classicnets.data.stored import CHUNK, StoredImages, in_chunks


@dataclass(repr=False, eq=False)  # arrays make == and the default repr unhelpful
class Dataset:
    """A labelled dataset split into train and test.

    Images are uint8 (N, H, W, C) with C = 1 or 3 and values 0..255. Feature tables are
    float32 (N, F) min-max scaled with `feature_min` / `feature_max` taken from the train split.
    Labels are int64 class indices into `class_names`. Models with their own data (ModelSpec.load_data)
    may store int token sequences as x and y, or float targets as y.
    """

    name: str
    source: str
    x_train: np.ndarray | StoredImages  # StoredImages: an image folder read from its cache a batch at a time
    y_train: np.ndarray
    x_test: np.ndarray | StoredImages
    y_test: np.ndarray
    class_names: list[str]
    feature_min: np.ndarray | None = None
    feature_max: np.ndarray | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # JSON-able facts a model needs (vocabularies...)

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one sample, e.g. (28, 28, 1) or (4,)."""
        return tuple(int(size) for size in self.x_train.shape[1:])

    @property
    def num_classes(self) -> int:
        """Number of classes."""
        return len(self.class_names)

    @property
    def is_image(self) -> bool:
        """True for images (N, H, W, C), False for feature tables (N, F)."""
        return self.x_train.ndim == 4

    @property
    def dark_background(self) -> bool:
        """True when the training images have dark borders (MNIST-like light strokes on black)."""
        if not self.is_image or len(self.x_train) == 0:
            return False
        border_sum = sum(_border_sum(images) for images in in_chunks(self.x_train, CHUNK))
        height, width, channels = self.x_train.shape[1:]
        border_count = len(self.x_train) * channels * (2 * width + 2 * max(height - 2, 0))
        return border_sum / border_count < 128

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, source={self.source!r}, train={len(self.y_train)}, "
            f"test={len(self.y_test)}, input_shape={self.input_shape}, classes={self.num_classes})"
        )


def _border_sum(images: np.ndarray) -> float:
    """The sum of the pixels on the edges of images (N, H, W, C)."""
    return float(images[:, 0].sum(dtype=np.float64) + images[:, -1].sum(dtype=np.float64)
                 + images[:, 1:-1, 0].sum(dtype=np.float64) + images[:, 1:-1, -1].sum(dtype=np.float64))
