"""Training recipes (tasks): what one step computes for a family of models. The trainer runs any of them,
on one device or many.

A task class has:
  sum_names                 names of what a step returns; must include "count" (examples in the step) and
                            "loss" (validation loss drives early stopping). Others are divided by count.
  create(model, train, total_steps)   classmethod: make the optimizer(s) from a TrainConfig and return the task
  model                     the keras.Model saved as model.keras and shown to callbacks (TensorBoard)
  train_step(x, y)          one optimizer step; returns per-replica SUMS in sum_names order
  test_step(x, y)           the same sums without training
  variables()               dict of variable lists a checkpoint must hold to resume exactly

Steps return per-replica sums so the trainer can add them across replicas and batches and divide once;
losses use tf.nn.compute_average_loss, which divides by the global batch size, so gradients are the same
on 1 or N replicas. Register a task with @register_task("name") and name it in ModelSpec.task.
"""

from __future__ import annotations

from typing import Callable

import keras
import tensorflow as tf

from classicnets.config import TrainConfig, sized_for
from classicnets.errors import UserError

OPTIMIZERS = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD, "rmsprop": keras.optimizers.RMSprop}


def make_optimizer(name: str, learning_rate: float, schedule: str = "constant",
                   total_steps: int = 1) -> keras.optimizers.Optimizer:
    """An optimizer by name; schedule 'cosine' decays the learning rate to 0 over `total_steps`."""
    if name not in OPTIMIZERS:
        raise UserError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    rate: float | keras.optimizers.schedules.LearningRateSchedule = learning_rate
    if schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=max(total_steps, 1))
    return OPTIMIZERS[name](learning_rate=rate)


TASKS: dict[str, type] = {}


def register_task(name: str) -> Callable[[type], type]:
    """Class decorator: make a task available to ModelSpec.task = name."""
    def add(cls: type) -> type:
        TASKS[name] = cls
        return cls
    return add


def get_task(name: str) -> type:
    """The task class registered as `name`."""
    if name not in TASKS:
        raise UserError(f"unknown training task {name!r}; known: {', '.join(TASKS)}")
    return TASKS[name]


def optimizer_from_config(train: TrainConfig, total_steps: int,
                          learning_rate: float | None = None) -> keras.optimizers.Optimizer:
    """The optimizer a TrainConfig asks for (a task with two networks calls this twice)."""
    rate = learning_rate or sized_for(train, None).learning_rate  # a config not yet sized for its data: 0.001
    return make_optimizer(train.optimizer, rate, train.schedule, total_steps)


@register_task("classifier")
class ClassifierTask:
    """Sparse categorical cross-entropy on a model that outputs class probabilities."""

    sum_names = ("loss", "accuracy", "count")  # loss and accuracy are summed over examples

    def __init__(self, model: keras.Model, optimizer: keras.optimizers.Optimizer) -> None:
        self.model = model
        self.optimizer = optimizer
        # Compiled so the saved .keras file can be loaded and trained further with plain Keras fit().
        model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        optimizer.build(model.trainable_variables)  # slots exist now, so checkpoints can restore into them

    @classmethod
    def create(cls, model: keras.Model, train: TrainConfig, total_steps: int) -> "ClassifierTask":
        """The task with the optimizer the config asks for."""
        return cls(model, optimizer_from_config(train, total_steps))

    def _sums(self, y: tf.Tensor, probabilities: tf.Tensor, per_example_loss: tf.Tensor) -> tuple[tf.Tensor, ...]:
        predicted = tf.argmax(probabilities, axis=-1, output_type=tf.int32)
        # The loss clips probabilities, which hides NaN outputs: report NaN for them so training stops.
        finite = tf.reduce_all(tf.math.is_finite(probabilities), axis=-1)
        per_example_loss = tf.where(finite, per_example_loss, tf.fill(tf.shape(per_example_loss), float("nan")))
        correct = tf.reduce_sum(tf.cast(tf.equal(predicted, y), tf.float32))
        count = tf.cast(tf.shape(y)[0], tf.float32)
        return tf.reduce_sum(per_example_loss), correct, count

    def train_step(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """One optimizer step on a (replica's share of a) batch."""
        with tf.GradientTape() as tape:
            probabilities = self.model(x, training=True)  # (B, K)
            per_example_loss = keras.losses.sparse_categorical_crossentropy(y, probabilities)  # (B,)
            loss = tf.nn.compute_average_loss(per_example_loss)
            if self.model.losses:
                loss += tf.nn.scale_regularization_loss(tf.add_n(self.model.losses))
        gradients = tape.gradient(loss, self.model.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.model.trainable_variables))
        return self._sums(y, probabilities, per_example_loss)

    def test_step(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """Loss and accuracy sums on a batch, without training."""
        probabilities = self.model(x, training=False)
        return self._sums(y, probabilities, keras.losses.sparse_categorical_crossentropy(y, probabilities))

    def variables(self) -> dict[str, list]:
        """Everything a checkpoint must hold to resume exactly."""
        return {"model": list(self.model.variables), "optimizer": list(self.optimizer.variables)}

