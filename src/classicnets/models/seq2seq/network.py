"""Seq2seq: the notes' encoder-decoder that translates words letter by letter (English -> Korean).

The encoder reads the source word; its final state starts the decoder, which reads <start> + the
translation so far and predicts the next letter or <end>. Both halves take one input tensor: the source
ids (padded to source_length) followed by the decoder's ids, so the one trainer and one saved model
serve training (teacher forcing) and greedy decoding (classicnets.use.translation). Dropout is active only
in training: the notes' version also dropped units while translating, which made outputs random."""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from classicnets.models.layers import classifier_head
from classicnets.models.rnn.network import CELLS
from classicnets.models.seq2seq import Seq2SeqOptions
from classicnets.models.word_steps import WordObjective


@keras.saving.register_keras_serializable(package="classicnets")
class Seq2Seq(WordObjective, keras.Model):
    """Encoder-decoder over letter ids; input (B, source_length + T), output (B, T, target vocabulary)."""

    def __init__(self, source_vocabulary_size: int, target_vocabulary_size: int, source_length: int,
                 cell: str = "lstm", units: int = 128, embedding_dim: int = 32, dropout: float = 0.0,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = {"source_vocabulary_size": source_vocabulary_size, "source_length": source_length,
                         "target_vocabulary_size": target_vocabulary_size, "cell": cell, "units": units,
                         "embedding_dim": embedding_dim, "dropout": dropout}
        self.source_length = source_length
        self.source_embedding = keras.layers.Embedding(source_vocabulary_size, embedding_dim, name="source_embedding")
        self.target_embedding = keras.layers.Embedding(target_vocabulary_size, embedding_dim, name="target_embedding")
        self.encoder = CELLS[cell](units, return_state=True, name="encoder")
        self.decoder = CELLS[cell](units, return_sequences=True, name="decoder")
        self.dropout = keras.layers.Dropout(dropout)
        self.head = classifier_head(target_vocabulary_size)

    def call(self, x: tf.Tensor, training: bool = False) -> tf.Tensor:
        x = tf.cast(x, tf.int32)
        source, decoder_in = x[:, :self.source_length], x[:, self.source_length:]  # (B, S), (B, T)
        _, *state = self.encoder(self.source_embedding(source), mask=tf.not_equal(source, 0), training=training)
        hidden = self.decoder(self.target_embedding(decoder_in), initial_state=state,
                              mask=tf.not_equal(decoder_in, 0), training=training)  # (B, T, units)
        return self.head(self.dropout(hidden, training=training))  # (B, T, target vocabulary)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **self.settings}


def build_seq2seq(options: Seq2SeqOptions, input_shape: tuple[int, ...], num_classes: int,
                  extra: dict[str, Any]) -> keras.Model:
    """The encoder-decoder sized by the data's vocabularies and longest source word."""
    model = Seq2Seq(len(extra["source_vocabulary"]), num_classes, int(extra["source_length"]), cell=options.cell,
                    units=options.units, embedding_dim=options.embedding_dim, dropout=options.dropout, name="seq2seq")
    model(tf.ones((1,) + tuple(input_shape), tf.int32))  # create the weights now: the trainer and checkpoints need them
    return model
