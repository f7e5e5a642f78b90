"""tf.data pipelines: validation split, per-epoch seeded shuffling, batching, scaling to [0, 1]."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import tensorflow as tf


@dataclass(frozen=True)
class ArraySplit:
    """Inputs and integer labels of one split, as stored (uint8 images or float32 features)."""

    x: np.ndarray
    y: np.ndarray

    def __len__(self) -> int:
        return len(self.y)


def split_validation(x: np.ndarray, y: np.ndarray, fraction: float, seed: int) -> tuple[ArraySplit, ArraySplit]:
    """Hold out `fraction` of the training data (a seeded random pick) for validation."""
    order = np.random.default_rng(seed).permutation(len(y))
    count = int(round(len(y) * fraction))
    held, kept = order[:count], order[count:]
    return ArraySplit(x[kept], y[kept]), ArraySplit(x[held], y[held])


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


def batches(split: ArraySplit, batch_size: int, order: np.ndarray | None = None) -> tf.data.Dataset:
    """Batches of (x in [0,1] or int tokens, y) in `order` (default: as stored), gathered in one vectorised op per batch."""
    x, y = as_tensor(split.x), as_tensor(split.y)
    indices = np.arange(len(split)) if order is None else order
    dataset = tf.data.Dataset.from_tensor_slices(indices.astype(np.int64)).batch(batch_size)
    dataset = dataset.map(lambda idx: (to_unit_range(tf.gather(x, idx)), tf.gather(y, idx)),
                          num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return dataset.with_options(options).prefetch(tf.data.AUTOTUNE)


def steps_per_epoch(size: int, batch_size: int) -> int:
    """Number of batches in one pass, the last one possibly partial."""
    return max(1, math.ceil(size / batch_size))
