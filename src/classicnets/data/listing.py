"""list_datasets: which known datasets are here, where, and how big, read from file headers only."""

from __future__ import annotations

from typing import Any

import numpy as np

from classicnets.data.bundled import DIGITS_SOURCE, read_digits
from classicnets.data.catalog import KNOWN_DATASETS, KnownDataset
from classicnets.data.idx import LABELS_MAGIC, read_idx, read_idx_shape
from classicnets.data.labels import stratified_split
from classicnets.data.loading import DEFAULT_TEST_FRACTION
from classicnets.data.npz import read_npz_shapes
from classicnets.data.sources import LocalCopy, find_local
from classicnets.errors import UserError


def _sample_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    """Per-sample shape as the loader returns it: grayscale images gain a channel axis."""
    return (*shape[1:], 1) if len(shape) == 3 else tuple(shape[1:])


def _default_split_sizes(labels: np.ndarray) -> tuple[int, int]:
    """Train/test sizes that load_dataset's default stratified split gives for these labels."""
    train, test = stratified_split(labels, DEFAULT_TEST_FRACTION, 0, "listing")
    return len(train), len(test)


def _sizes(copy: LocalCopy) -> dict[str, Any]:
    """train_size, test_size and sample_shape of a found copy."""
    if copy.kind == "npz":
        shapes = read_npz_shapes(copy.files["npz"])
        train_shape, test_size = shapes["x_train"], shapes["x_test"][0]
    elif copy.kind == "idx":
        train_shape = read_idx_shape(copy.files["train images"])
        test_size = read_idx_shape(copy.files["test images"])[0]
    else:
        labels = read_idx(copy.files["test labels"], LABELS_MAGIC)
        train_size, test_size = _default_split_sizes(labels)
        train_shape = (train_size, *read_idx_shape(copy.files["test images"])[1:])
    return {"train_size": train_shape[0], "test_size": test_size, "sample_shape": _sample_shape(train_shape)}


def _describe(known: KnownDataset, data_dir: str | None) -> dict[str, Any]:
    """One listing row for a known dataset."""
    row = {"name": known.name, "available": False, "where": None, "train_size": None, "test_size": None,
           "sample_shape": None, "description": known.description}
    if known.name == "digits":
        images, labels = read_digits()
        train_size, test_size = _default_split_sizes(labels)
        return row | {"available": True, "where": DIGITS_SOURCE, "train_size": train_size, "test_size": test_size,
                      "sample_shape": images.shape[1:]}
    copy, _ = find_local(known, data_dir)
    if copy is None:
        return row | {"where": f"not found; to get it, {known.how_to_get}"}
    try:
        note = " (only the t10k test files: split into train/test)" if copy.kind == "idx-test-only" else ""
        where = copy.where + note
        return row | {"available": True, "where": where, **_sizes(copy)}
    except UserError as error:
        return row | {"where": f"{copy.where} (unreadable: {error})"}


def list_datasets(data_dir: str | None = None) -> list[dict[str, Any]]:
    """One dict per known dataset: name, available, where, train_size, test_size, sample_shape, description."""
    return [_describe(known, data_dir) for known in KNOWN_DATASETS.values()]
