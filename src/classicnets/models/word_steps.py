"""How the word models learn, owned by the models (autocomplete and seq2seq mix this in): cross-entropy of every
next token, padding (id 0) masked out.

y holds the token each position should predict (the next letter, or <end>) and 0 after the word's end.
Each word's loss is the mean over its own tokens, so long and short words weigh the same, and
tf.nn.compute_average_loss divides by the global batch size as for the classifiers. autocomplete and seq2seq
(whose x already holds the true previous letters: teacher forcing) both learn this way: in classicnets' trainer
through train_sums/test_sums, and with `model.compile(optimizer="adam"); model.fit(x, y)` on one device."""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from classicnets.models import steps  # module, not names: importing steps can register this module with Keras


class WordObjective(steps.OwnObjective):
    """Masked per-token cross-entropy, each word weighing the same, on a model that outputs (B, T, vocabulary)
    probabilities."""

    # loss: mean over each word's tokens; token_accuracy: share of a word's tokens right;
    # word_accuracy: all of a word's tokens right (with the true previous letters given)
    sum_names = ("loss", "token_accuracy", "word_accuracy", "count")

    def per_word(self, y: tf.Tensor, probabilities: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
        """Per-word mean loss, share of tokens right and all-right flag, each (B,)."""
        real = tf.cast(tf.not_equal(y, 0), tf.float32)  # (B, T)
        tokens = tf.maximum(tf.reduce_sum(real, axis=1), 1.0)  # (B,)
        token_loss = keras.losses.sparse_categorical_crossentropy(y, probabilities)  # (B, T)
        finite = tf.reduce_all(tf.math.is_finite(probabilities), axis=[1, 2])  # clipping hides NaN: report it
        loss = tf.where(finite, tf.reduce_sum(token_loss * real, axis=1) / tokens, float("nan"))
        right = tf.cast(tf.equal(tf.argmax(probabilities, axis=-1, output_type=tf.int32), y), tf.float32) * real
        share = tf.reduce_sum(right, axis=1) / tokens
        return loss, share, tf.cast(tf.equal(share, 1.0), tf.float32)

    @staticmethod
    def _sums(loss: tf.Tensor, share: tf.Tensor, whole: tf.Tensor) -> tuple[tf.Tensor, ...]:
        return tf.reduce_sum(loss), tf.reduce_sum(share), tf.reduce_sum(whole), steps.count(loss)

    def train_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """One step of the compiled optimizer on a (replica's share of a) batch of words."""
        with tf.GradientTape() as tape:
            probabilities = self(x, training=True)  # (B, T, V)
            loss, share, whole = self.per_word(y, probabilities)
            average = steps.regularised(tf.nn.compute_average_loss(loss), self)
        steps.apply_loss(tape, average, self, self.optimizer)
        return self._sums(loss, share, whole)

    def test_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """Loss and accuracy sums on a batch, without training."""
        return self._sums(*self.per_word(y, self(x, training=False)))

    def fit_batch(self, data: Any) -> tuple[tf.Tensor, tf.Tensor]:
        """fit()'s batch as (token ids, next-token ids), both int32."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None:
            raise ValueError(f"{self.name} learns the next token of each position: call fit(x, y)")
        return tf.cast(x, tf.int32), tf.cast(y, tf.int32)
