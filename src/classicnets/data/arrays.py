"""Turn loaded arrays into a checked Dataset: image or feature layout, label indices, matching counts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from classicnets.data.dataset import Dataset
from classicnets.data.labels import encode_labels, stratified_split
from classicnets.errors import UserError


LARGEST_VALUE = float(np.finfo(np.float32).max)  # features train as float32: beyond this they become inf


def out_of_range(values: np.ndarray) -> np.ndarray:
    """True where a value is nan, infinite or beyond +-LARGEST_VALUE (whole-number arrays are always in range)."""
    values = np.asarray(values)
    if values.dtype.kind != "f":
        return np.zeros(values.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        return ~(np.abs(values) <= LARGEST_VALUE)


def first_out_of_range(x: np.ndarray) -> int | None:
    """Index of the first sample of `x` (N, ...) holding a value out_of_range, or None."""
    if np.asarray(x).dtype.kind != "f":  # uint8 images: no copy
        return None
    bad = np.flatnonzero(out_of_range(x).reshape(len(x), -1).any(axis=1))
    return int(bad[0]) if len(bad) else None


def scale_features(x: np.ndarray, feature_min: np.ndarray, feature_max: np.ndarray) -> np.ndarray:
    """Min-max scale features to [0, 1] with saved per-feature bounds; constant features become 0."""
    span = np.where(feature_max > feature_min, feature_max - feature_min, 1.0)
    return ((np.asarray(x, dtype=np.float64) - feature_min) / span).astype(np.float32)


def as_images(x: np.ndarray, where: str) -> np.ndarray:
    """(N, H, W) or (N, H, W, 1|3) array of pixels -> uint8 (N, H, W, C); floats within 0..1 are scaled by 255."""
    if x.ndim == 3:
        x = x[..., np.newaxis]
    if x.ndim != 4 or x.shape[-1] not in (1, 3):
        raise UserError(
            f"{where}: inputs have shape {x.shape}; expected images (N, height, width) or (N, height, width, "
            f"1 or 3), or features (N, F). Save the arrays in one of those layouts."
        )
    if x.dtype == np.uint8:
        return x
    low, high = (float(x.min()), float(x.max())) if x.size else (0.0, 0.0)
    if x.dtype.kind == "f" and low >= 0 and high <= 1:
        return np.round(x * 255).astype(np.uint8)
    if x.dtype.kind in "iuf" and low >= 0 and high <= 255:
        return np.round(x).astype(np.uint8)
    raise UserError(
        f"{where}: image values run from {low} to {high} ({x.dtype}); expected pixels 0..255 or 0..1. "
        f"Rescale the images to 0..255 (uint8) before saving them."
    )


def _check_counts(x: np.ndarray, y: np.ndarray, split: str, where: str) -> None:
    """Raise UserError when a split's inputs and labels differ in number."""
    if len(x) != len(y):
        raise UserError(
            f"{where}: the {split} has {len(x)} inputs but {len(y)} labels. Each input needs exactly one "
            f"label; check that the images and labels files belong together."
        )
    if np.ndim(y) != 1:
        raise UserError(f"{where}: the {split} labels have shape {np.shape(y)}; expected one label per sample (N,).")


def _check_indices(y: np.ndarray, class_names: Sequence[str], where: str) -> np.ndarray:
    """Labels that already are class indices: check the range and return int64."""
    y = np.asarray(y)
    if y.dtype.kind not in "iu" or (y.size and (y.min() < 0 or y.max() >= len(class_names))):
        raise UserError(
            f"{where}: labels must be whole numbers 0..{len(class_names) - 1}; found {y.dtype} values"
            f"{f' {y.min()}..{y.max()}' if y.size else ''}. Check that the labels file is the right one."
        )
    return y.astype(np.int64)


def dataset_from_arrays(
    name: str, source: str, train: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray],
    class_names: Sequence[str] | None = None,
) -> Dataset:
    """Build a Dataset; without `class_names` the sorted label values become the classes."""
    (x_train, y_train), (x_test, y_test) = train, test
    _check_counts(x_train, y_train, "train split", source)
    _check_counts(x_test, y_test, "test split", source)
    if len(x_train) == 0 or len(x_test) == 0:
        raise UserError(f"{source}: the {'train' if len(x_train) == 0 else 'test'} split is empty; it needs samples.")
    if class_names is None:
        (y_train, y_test), class_names = encode_labels(y_train, y_test)
    else:
        y_train, y_test = (_check_indices(y, class_names, source) for y in (y_train, y_test))
    feature_min = feature_max = None
    if x_train.ndim == 2:
        feature_min, feature_max = x_train.min(axis=0).astype(np.float32), x_train.max(axis=0).astype(np.float32)
        x_train, x_test = (scale_features(x, feature_min, feature_max) for x in (x_train, x_test))
    else:
        x_train, x_test = as_images(x_train, source), as_images(x_test, source)
    if x_train.shape[1:] != x_test.shape[1:]:
        raise UserError(
            f"{source}: train samples have shape {x_train.shape[1:]} but test samples {x_test.shape[1:]}; "
            f"both splits must hold samples of the same shape."
        )
    return Dataset(name, source, x_train, y_train, x_test, y_test, list(class_names), feature_min, feature_max)


def split_dataset(
    name: str, source: str, x: np.ndarray, labels: np.ndarray, test_fraction: float, seed: int,
    class_names: Sequence[str] | None = None,
) -> Dataset:
    """Stratified, seeded train/test split of one pool of samples, then `dataset_from_arrays`."""
    _check_counts(x, labels, "data", source)
    train, test = stratified_split(labels, test_fraction, seed, source)
    return dataset_from_arrays(name, source, (x[train], labels[train]), (x[test], labels[test]), class_names)
