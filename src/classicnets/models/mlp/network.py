"""The multi-layer perceptron (the notes' 'ANN')."""

from __future__ import annotations

import keras

from classicnets.models.layers import classifier_head, initializer
from classicnets.models.mlp import MLPOptions


def build_mlp(options: MLPOptions, input_shape: tuple[int, ...], num_classes: int) -> keras.Model:
    """Flatten, then dense hidden layers, then class probabilities."""
    layers: list[keras.layers.Layer] = [keras.Input(input_shape), keras.layers.Flatten()]
    for size in options.hidden:
        init = initializer(options.initializer, options.init_stddev)
        layers.append(keras.layers.Dense(size, kernel_initializer=init, use_bias=not options.batch_norm))
        if options.batch_norm:
            layers.append(keras.layers.BatchNormalization())
        layers.append(keras.layers.Activation(options.activation))
        if options.dropout:
            layers.append(keras.layers.Dropout(options.dropout))
    layers.append(classifier_head(num_classes))
    return keras.Sequential(layers, name="mlp")
