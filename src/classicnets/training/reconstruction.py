"""Training tasks of the autoencoder family: rebuild the input (labels are ignored).

'autoencoder': per-pixel mean squared error; a denoising autoencoder (model.noise > 0) sees noisy inputs and
is scored against the clean ones. A VAE gets the 'variational' task, whose objective the model owns
(classicnets.models.autoencoder.vae)."""

from __future__ import annotations

import keras
import tensorflow as tf

from classicnets.config import TrainConfig
from classicnets.models.autoencoder.network import is_variational
from classicnets.models.autoencoder.vae import SUM_NAMES
from classicnets.training.tasks import optimizer_from_config, register_task


def per_example_mse(x: tf.Tensor, reconstruction: tf.Tensor) -> tf.Tensor:
    """Mean squared error over each example's pixels (or features): (B,)."""
    batch = tf.shape(x)[0]
    difference = tf.reshape(x, (batch, -1)) - tf.reshape(tf.cast(reconstruction, x.dtype), (batch, -1))
    return tf.reduce_mean(tf.square(difference), axis=-1)


def apply_loss(tape: tf.GradientTape, loss: tf.Tensor, model: keras.Model,
               optimizer: keras.optimizers.Optimizer) -> None:
    """One optimizer step on `loss` (plus any regularisation losses of the model)."""
    if model.losses:
        loss += tf.nn.scale_regularization_loss(tf.add_n(model.losses))
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))


@register_task("autoencoder")
class ReconstructionTask:
    """Minimise the per-pixel MSE between inputs (clean ones, for a denoiser) and reconstructions."""

    sum_names = ("loss", "count")  # loss: per-pixel MSE summed over examples

    def __init__(self, model: keras.Model, optimizer: keras.optimizers.Optimizer) -> None:
        self.model = model
        self.optimizer = optimizer
        # Compiled so TensorBoard finds the optimizer and the saved .keras file can train further with fit(x, x).
        model.compile(optimizer=optimizer, loss=None if is_variational(model) else "mse")
        optimizer.build(model.trainable_variables)  # slots exist now, so checkpoints can restore into them

    @classmethod
    def create(cls, model: keras.Model, train: TrainConfig, total_steps: int) -> "ReconstructionTask":
        """The task for `model` (a VAE gets VariationalTask) with the optimizer the config asks for."""
        task = VariationalTask if is_variational(model) else cls
        return task(model, optimizer_from_config(train, total_steps))

    def _inputs(self, x: tf.Tensor) -> tf.Tensor:
        """What the network sees: the inputs, with noise for a denoising autoencoder."""
        return self.model.corrupt(x) if self.model.noise else x

    def train_step(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """One optimizer step; the target is always the clean input x."""
        with tf.GradientTape() as tape:
            per_example = per_example_mse(x, self.model(self._inputs(x), training=True))  # (B,)
            loss = tf.nn.compute_average_loss(per_example)
        apply_loss(tape, loss, self.model, self.optimizer)
        return tf.reduce_sum(per_example), tf.cast(tf.shape(x)[0], tf.float32)

    def test_step(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """The training objective on a batch, without training."""
        per_example = per_example_mse(x, self.model(self._inputs(x), training=False))
        return tf.reduce_sum(per_example), tf.cast(tf.shape(x)[0], tf.float32)

    def variables(self) -> dict[str, list]:
        """Everything a checkpoint must hold to resume exactly (the noise generator's state included)."""
        return {"model": list(self.model.variables), "optimizer": list(self.optimizer.variables)}


@register_task("variational")
class VariationalTask(ReconstructionTask):
    """The VAE's own objective (classicnets.models.autoencoder.vae): the negative ELBO, MSE and KL."""

    sum_names = SUM_NAMES

    @classmethod
    def create(cls, model: keras.Model, train: TrainConfig, total_steps: int) -> "VariationalTask":
        """The task with the optimizer the config asks for."""
        return cls(model, optimizer_from_config(train, total_steps))

    def train_step(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """One optimizer step on the negative ELBO."""
        return self.model.train_sums(x, y)

    def test_step(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """Negative ELBO (with the code's mean), MSE and KL on a batch."""
        return self.model.test_sums(x, y)
