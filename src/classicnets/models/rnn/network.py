"""Recurrent classifier: image rows are time steps (feature vectors: one feature per step)."""

from __future__ import annotations

import keras

from classicnets.models.layers import classifier_head
from classicnets.models.rnn import RNNOptions


CELLS = {"simple": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}


def build_rnn(options: RNNOptions, input_shape: tuple[int, ...], num_classes: int) -> keras.Model:
    """Read the image row by row; classify from the last hidden state."""
    if len(input_shape) == 3:
        height, width, channels = input_shape
        steps = keras.layers.Reshape((height, width * channels))  # (B, H, W*C): one row per step
    else:
        steps = keras.layers.Reshape((input_shape[0], 1))  # (B, F, 1): one feature per step
    layers: list[keras.layers.Layer] = [keras.Input(input_shape), steps]
    for index in range(options.layers):
        last = index == options.layers - 1
        layers.append(CELLS[options.cell](options.units, return_sequences=not last))
    if options.dropout:
        layers.append(keras.layers.Dropout(options.dropout))
    layers.append(classifier_head(num_classes))
    return keras.Sequential(layers, name=f"rnn_{options.cell}")
