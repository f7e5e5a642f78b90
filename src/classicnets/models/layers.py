"""Pieces shared by the model builders."""

from __future__ import annotations

from typing import Any

import keras

from classicnets.errors import UserError
from classicnets.models.checks import INITIALIZERS


def initializer(name: str, stddev: float = 1.0, seed: int | None = None) -> keras.initializers.Initializer:
    """Keras initializer by name; 'random_normal' uses `stddev` (the notes use stddev=1)."""
    if name == "random_normal":
        return keras.initializers.RandomNormal(stddev=stddev, seed=seed)
    if name not in INITIALIZERS:
        raise UserError(f"unknown initializer {name!r}; choose one of {', '.join(INITIALIZERS)}")
    return keras.initializers.get({"class_name": name, "config": {"seed": seed}})


def classifier_head(num_classes: int) -> keras.layers.Layer:
    """Final layer: class probabilities, kept in float32 even under mixed precision."""
    return keras.layers.Dense(num_classes, activation="softmax", dtype="float32", name="probabilities")


@keras.saving.register_keras_serializable(package="classicnets")
class BatchSpread(keras.layers.Layer):
    """Appends one feature to each row: the mean over features of their standard deviation across the batch
    (the minibatch standard deviation of Karras et al. 2018). A discriminator that sees it can tell a batch of
    near-identical generated images from a varied real one, which pushes the generator away from mode collapse."""

    def call(self, features: Any) -> Any:
        """(B, F) -> (B, F + 1)."""
        spread = keras.ops.mean(keras.ops.std(features, axis=0))  # scalar
        column = keras.ops.ones_like(features[:, :1]) * spread  # (B, 1)
        return keras.ops.concatenate([features, column], axis=-1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*input_shape[:-1], input_shape[-1] + 1)
