"""tf.data pipelines: validation split, per-epoch seeded shuffling, batching, scaling to [0, 1]."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from classicnets.data.stored import StoredImages, take


STREAM_PREFETCH = 4  # batches read ahead from a file: memory is bounded by the batch, not the dataset


@dataclass(frozen=True)
class ArraySplit:
    """Inputs and integer labels of one split, as stored (uint8 images or float32 features; images in memory or
    in a file, read a batch at a time)."""

    x: np.ndarray | StoredImages
    y: np.ndarray

    def __len__(self) -> int:
        return len(self.y)

    @property
    def streamed(self) -> bool:
        """Whether the inputs are read from a file a batch at a time."""
        return isinstance(self.x, StoredImages)


def split_validation(x: np.ndarray, y: np.ndarray, fraction: float, seed: int) -> tuple[ArraySplit, ArraySplit]:
    """Hold out `fraction` of the training data (a seeded random pick) for validation."""
    order = np.random.default_rng(seed).permutation(len(y))
    count = int(round(len(y) * fraction))
    held, kept = order[:count], order[count:]
    return ArraySplit(take(x, kept), y[kept]), ArraySplit(take(x, held), y[held])


def to_unit_range(x: tf.Tensor) -> tf.Tensor:
    """uint8 pixels -> float32 in [0, 1]; float features are already scaled; integer tokens stay integers."""
    if x.dtype == tf.uint8:
        return tf.cast(x, tf.float32) / 255.0
    if x.dtype.is_integer:
        return tf.cast(x, tf.int32)
    return tf.cast(x, tf.float32)


def as_tensor(values: np.ndarray) -> tf.Tensor:
    """Labels/targets as a constant: integers as int32, floats as float32, uint8 images kept as they are."""
    if values.dtype == np.uint8:
        return tf.constant(values)
    if np.issubdtype(values.dtype, np.integer):
        return tf.constant(values.astype(np.int32))
    return tf.constant(values.astype(np.float32))


def epoch_order(size: int, seed: int, epoch: int) -> np.ndarray:
    """The shuffled order of epoch `epoch`: depends only on (seed, epoch), so a resumed run sees the same order."""
    return np.random.default_rng([seed, epoch]).permutation(size)


def _read_batch(images: StoredImages) -> Callable[[tf.Tensor], tf.Tensor]:
    """positions -> the uint8 images there, read from the file by tf.data's threads."""
    shape = [None, *images.shape[1:]]

    def read(positions: tf.Tensor) -> tf.Tensor:
        batch = tf.numpy_function(images.read, [positions], tf.uint8, stateful=False)
        return tf.ensure_shape(batch, shape)

    return read


def batches(split: ArraySplit, batch_size: int, order: np.ndarray | None = None) -> tf.data.Dataset:
    """Batches of (x as stored, y) in `order` (default: as stored), gathered in one vectorised op per batch;
    stored images are read from their file, a batch at a time, by parallel calls kept in order. The training
    loop scales x with to_unit_range, in its own graph, as it does for a split in memory (the same numbers)."""
    gather_x = _read_batch(split.x) if split.streamed else (lambda idx, x=as_tensor(split.x): tf.gather(x, idx))
    y = as_tensor(split.y)
    indices = np.arange(len(split)) if order is None else order
    dataset = tf.data.Dataset.from_tensor_slices(indices.astype(np.int64)).batch(batch_size)
    dataset = dataset.map(lambda idx: (gather_x(idx), tf.gather(y, idx)),
                          num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return dataset.with_options(options).prefetch(STREAM_PREFETCH if split.streamed else tf.data.AUTOTUNE)


def steps_per_epoch(size: int, batch_size: int) -> int:
    """Number of batches in one pass, the last one possibly partial."""
    return max(1, math.ceil(size / batch_size))
