"""The sequence recipe: cross-entropy of every next token, padding (id 0) masked out.

y holds the token each position should predict (the next letter, or <end>) and 0 after the word's end.
Each word's loss is the mean over its own tokens, so long and short words weigh the same, and
tf.nn.compute_average_loss divides by the global batch size as for the classifiers. Evaluators are looked
up by task name, so the one recipe is registered twice: autocomplete trains as 'next-letter', seq2seq
(whose x already holds the true previous letters: teacher forcing) as 'translation'."""

from __future__ import annotations

import keras
import tensorflow as tf

from classicnets.config import TrainConfig
from classicnets.training.tasks import optimizer_from_config, register_task


@register_task("next-letter")
@register_task("translation")
class SequenceTask:
    """Masked per-token cross-entropy on a model that outputs (B, T, vocabulary) probabilities."""

    # loss: mean over each word's tokens; token_accuracy: share of a word's tokens right;
    # word_accuracy: all of a word's tokens right (with the true previous letters given)
    sum_names = ("loss", "token_accuracy", "word_accuracy", "count")

    def __init__(self, model: keras.Model, optimizer: keras.optimizers.Optimizer) -> None:
        self.model = model
        self.optimizer = optimizer
        model.compile(optimizer=optimizer)  # callbacks (TensorBoard's learning rate) look for model.optimizer
        optimizer.build(model.trainable_variables)  # slots exist now, so checkpoints can restore into them

    @classmethod
    def create(cls, model: keras.Model, train: TrainConfig, total_steps: int) -> "SequenceTask":
        """The task with the optimizer the config asks for."""
        return cls(model, optimizer_from_config(train, total_steps))

    def _per_word(self, y: tf.Tensor, probabilities: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
        """Per-word mean loss, share of tokens right and all-right flag, each (B,)."""
        real = tf.cast(tf.not_equal(y, 0), tf.float32)  # (B, T)
        tokens = tf.maximum(tf.reduce_sum(real, axis=1), 1.0)  # (B,)
        token_loss = keras.losses.sparse_categorical_crossentropy(y, probabilities)  # (B, T)
        finite = tf.reduce_all(tf.math.is_finite(probabilities), axis=[1, 2])  # clipping hides NaN: report it
        loss = tf.where(finite, tf.reduce_sum(token_loss * real, axis=1) / tokens, float("nan"))
        right = tf.cast(tf.equal(tf.argmax(probabilities, axis=-1, output_type=tf.int32), y), tf.float32) * real
        share = tf.reduce_sum(right, axis=1) / tokens
        return loss, share, tf.cast(tf.equal(share, 1.0), tf.float32)

    def _sums(self, loss: tf.Tensor, share: tf.Tensor, whole: tf.Tensor) -> tuple[tf.Tensor, ...]:
        count = tf.cast(tf.shape(loss)[0], tf.float32)
        return tf.reduce_sum(loss), tf.reduce_sum(share), tf.reduce_sum(whole), count

    def train_step(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """One optimizer step on a (replica's share of a) batch of words."""
        with tf.GradientTape() as tape:
            probabilities = self.model(x, training=True)  # (B, T, V)
            loss, share, whole = self._per_word(y, probabilities)
            average = tf.nn.compute_average_loss(loss)
            if self.model.losses:
                average += tf.nn.scale_regularization_loss(tf.add_n(self.model.losses))
        gradients = tape.gradient(average, self.model.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.model.trainable_variables))
        return self._sums(loss, share, whole)

    def test_step(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """Loss and accuracy sums on a batch, without training."""
        return self._sums(*self._per_word(y, self.model(x, training=False)))

    def variables(self) -> dict[str, list]:
        """Everything a checkpoint must hold to resume exactly."""
        return {"model": list(self.model.variables), "optimizer": list(self.optimizer.variables)}
