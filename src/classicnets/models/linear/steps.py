"""How the notes' first lessons learn: linear regression (mean squared error, any optimizer) and
the linear classifier (the notes' hand-written step: GradientTape, squared error, W -= lr * dW)."""

from __future__ import annotations

import keras
import tensorflow as tf

from classicnets.config import TrainConfig
from classicnets.errors import SettingsError
from classicnets.models.steps import OneOptimizerSteps, apply_loss, count


def squared_errors(targets: tf.Tensor, predictions: tf.Tensor) -> tf.Tensor:
    """Per-example squared error summed over outputs: (B,)."""
    return tf.reduce_sum(tf.square(targets - predictions), axis=-1)


class RegressionSteps(OneOptimizerSteps):
    """Mean squared error between a model's single output and float targets (Keras fit() with loss "mse" is
    the same objective)."""

    sum_names = ("loss", "count")  # loss: the summed squared error, so the epoch's loss is the MSE
    compile_loss = "mse"

    def _sums(self, y: tf.Tensor, predictions: tf.Tensor) -> tuple[tf.Tensor, ...]:
        return tf.reduce_sum(squared_errors(y[:, None], predictions)), count(y)

    def train_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """One optimizer step on the mean squared error."""
        with tf.GradientTape() as tape:
            predictions = self.model(x, training=True)  # (B, 1)
            loss = tf.nn.compute_average_loss(squared_errors(y[:, None], predictions))
        apply_loss(tape, loss, self.model, self.optimizer)
        return self._sums(y, predictions)

    def test_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """Squared-error sum on a batch, without training."""
        return self._sums(y, self.model(x, training=False))


class LinearClassifierSteps:
    """The notes' linear classifier: scores Wx + b fitted to 0/1 targets by plain gradient descent, written out."""

    sum_names = ("loss", "accuracy", "count")

    def __init__(self, model: keras.Model, learning_rate: float) -> None:
        self.model = model
        self.learning_rate = learning_rate
        self.global_step = tf.Variable(0, dtype=tf.int64, trainable=False, name="global_step")
        # The step below updates the weights by hand; the compiled SGD is the same rule, kept so model.keras can be
        # trained further with fit() and TensorBoard can read the learning rate.
        model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")

    @classmethod
    def create(cls, model: keras.Model, train: TrainConfig, total_steps: int) -> "LinearClassifierSteps":
        """The steps with the config's learning rate (constant: the notes' plain gradient descent)."""
        if train.distribute != "none":
            raise SettingsError.about("linear-classifier trains with a hand-written gradient-descent step on one "
                                      "device; train it without {distribute}", "distribute")
        if train.optimizer != "sgd" or train.schedule != "constant":
            raise SettingsError.about("linear-classifier updates W -= lr * dW by hand (plain gradient descent, "
                                      "constant rate); train it with {optimizer} sgd {schedule} constant (its "
                                      "defaults)", "optimizer", "schedule")
        return cls(model, train.learning_rate)

    def _targets(self, y: tf.Tensor, scores: tf.Tensor) -> tf.Tensor:
        """0/1 targets shaped like the scores: (B, 1) for one score, one-hot (B, K) for one per class."""
        if scores.shape[-1] == 1:
            return tf.cast(y, tf.float32)[:, None]
        return tf.one_hot(y, scores.shape[-1])

    def _sums(self, y: tf.Tensor, scores: tf.Tensor) -> tuple[tf.Tensor, ...]:
        errors = squared_errors(self._targets(y, scores), scores)
        if scores.shape[-1] == 1:
            predicted = tf.cast(scores[:, 0] > 0.5, tf.int32)
        else:
            predicted = tf.argmax(scores, axis=-1, output_type=tf.int32)
        correct = tf.reduce_sum(tf.cast(tf.equal(predicted, tf.cast(y, tf.int32)), tf.float32))
        return tf.reduce_sum(errors), correct, count(y)

    def train_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """Squared error under a GradientTape, then W -= lr * dW and b -= lr * db, as in the notes."""
        weights = self.model.trainable_variables  # [W (F, S), b (S,)]
        with tf.GradientTape() as tape:
            scores = self.model(x, training=True)  # (B, S)
            loss = tf.reduce_mean(squared_errors(self._targets(y, scores), scores))
        for variable, gradient in zip(weights, tape.gradient(loss, weights)):
            variable.assign_sub(self.learning_rate * gradient)
        self.global_step.assign_add(1)
        return self._sums(y, scores)

    def test_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """Squared error and accuracy on a batch, without training."""
        return self._sums(y, self.model(x, training=False))

    def variables(self) -> dict[str, list]:
        """Weights and the global step counter."""
        return {"model": list(self.model.variables), "step": [self.global_step]}
