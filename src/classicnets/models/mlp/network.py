"""The multi-layer perceptron (the notes' 'ANN')."""

from __future__ import annotations

from dataclasses import dataclass

import keras

from classicnets.models.layers import (
    ACTIVATIONS, INITIALIZERS, check_choice, check_positive, check_rate, classifier_head, initializer,
)
from classicnets.models.registry import ModelSpec, option, register


@dataclass(frozen=True)
class MLPOptions:
    hidden: tuple[int, ...] = option((256, 256), "hidden layer sizes, comma separated ('' for none)")
    activation: str = option("relu", "hidden activation", ACTIVATIONS)
    dropout: float = option(0.2, "dropout rate after each hidden layer")
    batch_norm: bool = option(False, "batch normalisation before each activation")
    initializer: str = option("he_normal", "weight initialiser (the notes: random_normal)", INITIALIZERS)
    init_stddev: float = option(1.0, "standard deviation for --initializer random_normal")

    def check(self) -> None:
        check_positive("hidden", self.hidden)
        check_choice("activation", self.activation, ACTIVATIONS)
        check_choice("initializer", self.initializer, INITIALIZERS)
        check_rate("dropout", self.dropout)


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


register(ModelSpec("mlp", "multi-layer perceptron (the notes: 784-256-256-10, ~94% on MNIST)", MLPOptions, build_mlp))
