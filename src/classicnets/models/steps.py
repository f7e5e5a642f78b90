"""How a model family learns, in the form classicnets' trainer runs on one device or under tf.distribute: the
Learning protocol, which every family's steps class (named in its ModelSpec.steps as "module:Class") implements.

Steps return per-replica sums so the trainer can add them across replicas and batches and divide once;
losses go through tf.nn.compute_average_loss, which divides by the global batch size, so gradients are the
same on 1 or N replicas. The protocol's step methods are train_sums/test_sums, not Keras' train_step/test_step
(which take a batch and return running means): where Keras' own fit() cannot know a family's objective (the
autoencoders, the GAN, the word models), the model owns it (OwnObjective: its train_sums/test_sums, and Keras'
train_step/test_step on top of them) and its steps class runs the model's own sums."""

from __future__ import annotations

from typing import Any, Protocol

import keras
import tensorflow as tf

from classicnets.config import TrainConfig
from classicnets.optimizers import optimizer_from_config


class Learning(Protocol):
    """What the trainer runs: a family's model and optimizers, and its steps as per-replica sums."""

    sum_names: tuple[str, ...]  # names of the sums a step returns; "loss" and, last, "count" (examples) among them
    model: keras.Model  # saved as model.keras and shown to callbacks (TensorBoard)

    @classmethod
    def create(cls, model: keras.Model, train: TrainConfig, total_steps: int) -> "Learning":
        """The steps with the optimizer(s) the config asks for."""

    def train_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """One optimizer step on a (replica's share of a) batch: per-replica sums in sum_names order."""

    def test_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """The same sums without training."""

    def variables(self) -> dict[str, list]:
        """The variable lists a checkpoint must hold to resume exactly."""


def regularised(loss: tf.Tensor, model: keras.Model) -> tf.Tensor:
    """`loss` plus the model's regularisation losses (call it inside the GradientTape)."""
    if model.losses:
        loss += tf.nn.scale_regularization_loss(tf.add_n(model.losses))
    return loss


def apply_loss(tape: tf.GradientTape, loss: tf.Tensor, model: keras.Model,
               optimizer: keras.optimizers.Optimizer) -> None:
    """One optimizer step on `loss` over all the model's trainable variables."""
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))


def count(examples: tf.Tensor) -> tf.Tensor:
    """How many examples a per-example tensor holds, as a float sum."""
    return tf.cast(tf.shape(examples)[0], tf.float32)


class OwnObjective:
    """Mixed in before keras.Model by a model that owns its objective. The model gives sum_names (ending in
    "count"), train_sums(x, y) and test_sums(x, y), which return per-replica sums (what classicnets' trainer
    runs). Keras' fit()/evaluate() then run the same sums on one device and report their epoch means, whatever
    loss compile() was given."""

    sum_names: tuple[str, ...] = ("loss", "count")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.trackers = [keras.metrics.Mean(name=name) for name in self.sum_names[:-1]]  # one per sum but count

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return self.trackers

    def fit_batch(self, data: Any) -> tuple[tf.Tensor, Any]:
        """A batch of Keras fit() as (x, y) for train_sums: inputs as float32 (override for other inputs)."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        return tf.cast(x, tf.float32), y

    def _track(self, sums: tuple[tf.Tensor, ...]) -> dict[str, tf.Tensor]:
        """Add a step's sums to the epoch means Keras reports."""
        for tracker, value in zip(self.trackers, sums):
            tracker.update_state(value / sums[-1], sample_weight=sums[-1])
        return {tracker.name: tracker.result() for tracker in self.trackers}

    def train_step(self, data: Any) -> dict[str, tf.Tensor]:
        """Keras fit(): one step of the model's own objective; the epoch's means so far."""
        return self._track(self.train_sums(*self.fit_batch(data)))

    def test_step(self, data: Any) -> dict[str, tf.Tensor]:
        """Keras evaluate(): the objective without training; the means so far."""
        return self._track(self.test_sums(*self.fit_batch(data)))


class OneOptimizerSteps:
    """A model trained by one optimizer. Subclasses give sum_names, train_sums and test_sums, and what the model
    is compiled with, so the saved model.keras can be trained further with plain Keras fit()."""

    sum_names: tuple[str, ...] = ("loss", "count")
    compile_loss: str | None = None
    compile_metrics: list[str] | None = None

    def __init__(self, model: keras.Model, optimizer: keras.optimizers.Optimizer) -> None:
        self.model, self.optimizer = model, optimizer
        model.compile(optimizer=optimizer, loss=self.compile_loss, metrics=self.compile_metrics)
        optimizer.build(model.trainable_variables)  # slots exist now, so checkpoints can restore into them

    @classmethod
    def create(cls, model: keras.Model, train: TrainConfig, total_steps: int) -> Any:
        """The steps with the optimizer the config asks for."""
        return cls(model, optimizer_from_config(train, total_steps))

    def variables(self) -> dict[str, list]:
        """Everything a checkpoint must hold to resume exactly (a model's noise generator state included)."""
        return {"model": list(self.model.variables), "optimizer": list(self.optimizer.variables)}


class ClassifierSteps(OneOptimizerSteps):
    """Sparse categorical cross-entropy on a model that outputs class probabilities (softmax, mlp, cnn, rnn,
    tabular): Keras' own fit() trains these models with the same loss."""

    sum_names = ("loss", "accuracy", "count")  # loss and accuracy are summed over examples
    compile_loss = "sparse_categorical_crossentropy"
    compile_metrics = ["accuracy"]

    def _sums(self, y: tf.Tensor, probabilities: tf.Tensor, per_example_loss: tf.Tensor) -> tuple[tf.Tensor, ...]:
        predicted = tf.argmax(probabilities, axis=-1, output_type=tf.int32)
        # The loss clips probabilities, which hides NaN outputs: report NaN for them so training stops.
        finite = tf.reduce_all(tf.math.is_finite(probabilities), axis=-1)
        per_example_loss = tf.where(finite, per_example_loss, tf.fill(tf.shape(per_example_loss), float("nan")))
        correct = tf.reduce_sum(tf.cast(tf.equal(predicted, y), tf.float32))
        return tf.reduce_sum(per_example_loss), correct, count(y)

    def train_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """One optimizer step on a (replica's share of a) batch."""
        with tf.GradientTape() as tape:
            probabilities = self.model(x, training=True)  # (B, K)
            per_example_loss = keras.losses.sparse_categorical_crossentropy(y, probabilities)  # (B,)
            loss = regularised(tf.nn.compute_average_loss(per_example_loss), self.model)
        apply_loss(tape, loss, self.model, self.optimizer)
        return self._sums(y, probabilities, per_example_loss)

    def test_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """Loss and accuracy sums on a batch, without training."""
        probabilities = self.model(x, training=False)
        return self._sums(y, probabilities, keras.losses.sparse_categorical_crossentropy(y, probabilities))


class ModelSteps(OneOptimizerSteps):
    """A model that owns its objective (sum_names, train_sums and test_sums on the model itself)."""

    compile_loss = None

    def __init__(self, model: keras.Model, optimizer: keras.optimizers.Optimizer) -> None:
        super().__init__(model, optimizer)
        self.sum_names = model.sum_names
        self.train_sums, self.test_sums = model.train_sums, model.test_sums
