"""Autocomplete: the notes' LSTM that reads the first letters of a word and predicts the next one.

Going further than the notes (fixed 3 letters in, one out): words of any length are read letter by
letter after a <start> token, and at every step the network predicts the next letter or <end>. Padding
(id 0) is masked, so short and long words train together. Completing a prefix searches over the letters
until <end> (classicnets.use.completion)."""

from __future__ import annotations

import keras

from classicnets.models.autocomplete import AutocompleteOptions
from classicnets.models.layers import classifier_head
from classicnets.models.rnn.network import CELLS
from classicnets.models.word_steps import WordObjective


@keras.saving.register_keras_serializable(package="classicnets")
class Autocomplete(WordObjective, keras.Sequential):
    """A stack of layers from letter ids to next-letter probabilities that owns the word models' objective."""


def build_autocomplete(options: AutocompleteOptions, input_shape: tuple[int, ...], num_classes: int) -> keras.Model:
    """Letter ids (B, T) -> next-letter probabilities (B, T, vocabulary); any T, padding masked."""
    layers: list[keras.layers.Layer] = [
        keras.Input((None,), dtype="int32"),
        keras.layers.Embedding(num_classes, options.embedding_dim, mask_zero=True),  # (B, T, E)
    ]
    for _ in range(options.layers):
        layers.append(CELLS[options.cell](options.units, return_sequences=True))  # (B, T, units)
    if options.dropout:
        layers.append(keras.layers.Dropout(options.dropout))
    layers.append(classifier_head(num_classes))  # (B, T, vocabulary)
    return Autocomplete(layers, name=f"autocomplete_{options.cell}")
