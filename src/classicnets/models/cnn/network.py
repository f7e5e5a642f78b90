"""The convolutional network of the notes: conv-pool-conv-pool-dense-dropout-softmax."""

from __future__ import annotations

import keras

from classicnets.models.cnn import CNNOptions
from classicnets.models.layers import classifier_head


def build_cnn(options: CNNOptions, input_shape: tuple[int, ...], num_classes: int) -> keras.Model:
    """Conv blocks with 'same' padding, so any input size works (8x8 digits too)."""
    if len(input_shape) == 1:  # feature vectors: one row of 1 channel
        layers: list[keras.layers.Layer] = [keras.Input(input_shape), keras.layers.Reshape((1, input_shape[0], 1))]
    else:
        layers = [keras.Input(input_shape)]
    for count in options.filters:
        layers.append(keras.layers.Conv2D(count, options.kernel_size, padding="same", use_bias=not options.batch_norm))
        if options.batch_norm:
            layers.append(keras.layers.BatchNormalization())
        layers.append(keras.layers.Activation("relu"))
        layers.append(keras.layers.MaxPooling2D(2, padding="same"))  # ceil: 1x1 stays 1x1
    layers.append(keras.layers.Flatten())
    if options.dense:
        layers.append(keras.layers.Dense(options.dense, activation="relu"))
    if options.dropout:
        layers.append(keras.layers.Dropout(options.dropout))
    layers.append(classifier_head(num_classes))
    return keras.Sequential(layers, name="cnn")
