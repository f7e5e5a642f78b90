"""Softmax regression: one dense layer from pixels to class probabilities."""

from __future__ import annotations

from dataclasses import dataclass

import keras

from classicnets.models.layers import classifier_head
from classicnets.models.registry import ModelSpec, option, register


@dataclass(frozen=True)
class SoftmaxOptions:
    l2: float = option(0.0, "L2 weight penalty on the weights (0 turns it off)")


def build_softmax(options: SoftmaxOptions, input_shape: tuple[int, ...], num_classes: int) -> keras.Model:
    """Flatten the input and map it linearly to class probabilities."""
    head = classifier_head(num_classes)
    if options.l2:
        head.kernel_regularizer = keras.regularizers.L2(options.l2)
    return keras.Sequential(
        [keras.Input(input_shape), keras.layers.Flatten(), head], name="softmax_regression"
    )


register(ModelSpec("softmax", "softmax regression (the notes: ~91% on MNIST)", SoftmaxOptions, build_softmax))
