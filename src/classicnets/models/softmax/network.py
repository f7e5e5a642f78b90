"""Softmax regression: one dense layer from pixels to class probabilities."""

from __future__ import annotations

import keras

from classicnets.models.layers import classifier_head
from classicnets.models.softmax import SoftmaxOptions


def build_softmax(options: SoftmaxOptions, input_shape: tuple[int, ...], num_classes: int) -> keras.Model:
    """Flatten the input and map it linearly to class probabilities."""
    head = classifier_head(num_classes)
    if options.l2:
        head.kernel_regularizer = keras.regularizers.L2(options.l2)
    return keras.Sequential(
        [keras.Input(input_shape), keras.layers.Flatten(), head], name="softmax_regression"
    )
