"""The convolutional network of the notes: conv-pool-conv-pool-dense-dropout-softmax."""

from __future__ import annotations

from dataclasses import dataclass

import keras

from classicnets.errors import UserError
from classicnets.models.layers import check_positive, check_rate, classifier_head
from classicnets.models.registry import ModelSpec, option, register


@dataclass(frozen=True)
class CNNOptions:
    filters: tuple[int, ...] = option((32, 64), "filters of each conv block (conv 3x3 + max-pool 2x2)")
    kernel_size: int = option(3, "convolution kernel size")
    dense: int = option(256, "size of the dense layer after the conv blocks (0 for none)")
    dropout: float = option(0.5, "dropout rate before the output layer")
    batch_norm: bool = option(False, "batch normalisation after each convolution")

    def check(self) -> None:
        check_positive("filters", self.filters)
        check_positive("kernel_size", self.kernel_size)
        check_rate("dropout", self.dropout)
        if self.dense < 0:
            raise UserError(f"dense must be >= 0 (0 for no dense layer). Received: dense={self.dense}")


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


register(ModelSpec("cnn", "convolutional network of the notes (conv32-pool-conv64-pool-dense256)", CNNOptions, build_cnn))
