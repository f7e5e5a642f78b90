"""Training recipes of the notes' first lessons: linear regression (mean squared error, any optimizer) and
the linear classifier (the notes' hand-written step: GradientTape, squared error, W -= lr * dW)."""

from __future__ import annotations

import keras
import tensorflow as tf

from classicnets.config import TrainConfig
from classicnets.errors import UserError
from classicnets.training.tasks import optimizer_from_config, register_task


def squared_errors(targets: tf.Tensor, predictions: tf.Tensor) -> tf.Tensor:
    """Per-example squared error summed over outputs: (B,)."""
    return tf.reduce_sum(tf.square(targets - predictions), axis=-1)


@register_task("regression")
class RegressionTask:
    """Mean squared error between a model's single output and float targets."""

    sum_names = ("loss", "count")  # loss: the summed squared error, so the epoch's loss is the MSE

    def __init__(self, model: keras.Model, optimizer: keras.optimizers.Optimizer) -> None:
        self.model = model
        self.optimizer = optimizer
        model.compile(optimizer=optimizer, loss="mse")  # so model.keras can be trained further with fit()
        optimizer.build(model.trainable_variables)

    @classmethod
    def create(cls, model: keras.Model, train: TrainConfig, total_steps: int) -> "RegressionTask":
        """The task with the optimizer the config asks for."""
        return cls(model, optimizer_from_config(train, total_steps))

    def _sums(self, y: tf.Tensor, predictions: tf.Tensor) -> tuple[tf.Tensor, ...]:
        errors = squared_errors(y[:, None], predictions)  # (B,)
        return tf.reduce_sum(errors), tf.cast(tf.shape(y)[0], tf.float32)

    def train_step(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """One optimizer step on the mean squared error."""
        with tf.GradientTape() as tape:
            predictions = self.model(x, training=True)  # (B, 1)
            loss = tf.nn.compute_average_loss(squared_errors(y[:, None], predictions))
        gradients = tape.gradient(loss, self.model.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.model.trainable_variables))
        return self._sums(y, predictions)

    def test_step(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """Squared-error sum on a batch, without training."""
        return self._sums(y, self.model(x, training=False))

    def variables(self) -> dict[str, list]:
        """Weights and optimizer state."""
        return {"model": list(self.model.variables), "optimizer": list(self.optimizer.variables)}


@register_task("linear-classifier")
class LinearClassifierTask:
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
    def create(cls, model: keras.Model, train: TrainConfig, total_steps: int) -> "LinearClassifierTask":
        """The task with the config's learning rate (constant: the notes' plain gradient descent)."""
        if train.distribute != "none":
            raise UserError("linear-classifier trains with a hand-written gradient-descent step on one device; "
                            "train it without --distribute")
        if train.optimizer != "sgd" or train.schedule != "constant":
            raise UserError("linear-classifier updates W -= lr * dW by hand (plain gradient descent, constant "
                            "rate); train it with --optimizer sgd --schedule constant (its defaults)")
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
        return tf.reduce_sum(errors), correct, tf.cast(tf.shape(y)[0], tf.float32)

    def train_step(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """Squared error under a GradientTape, then W -= lr * dW and b -= lr * db, as in the notes."""
        weights = self.model.trainable_variables  # [W (F, S), b (S,)]
        with tf.GradientTape() as tape:
            scores = self.model(x, training=True)  # (B, S)
            loss = tf.reduce_mean(squared_errors(self._targets(y, scores), scores))
        for variable, gradient in zip(weights, tape.gradient(loss, weights)):
            variable.assign_sub(self.learning_rate * gradient)
        self.global_step.assign_add(1)
        return self._sums(y, scores)

    def test_step(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """Squared error and accuracy on a batch, without training."""
        return self._sums(y, self.model(x, training=False))

    def variables(self) -> dict[str, list]:
        """Weights and the global step counter."""
        return {"model": list(self.model.variables), "step": [self.global_step]}
