"""How the autoencoder classifier learns: pretrain -> fine-tune as one recipe the trainer runs epoch by epoch.

The first `pretrain_steps` steps train encoder + decoder on reconstruction MSE while the softmax head learns
on the code with the encoder's gradient stopped (a linear probe: the history shows how good the codes are).
After them the head and, unless frozen, the encoder train on the labels. No tf.cond: both losses are
computed each step and a 0/1 stage factor routes the gradients, and the autoencoder optimizer's learning rate
drops to exactly 0 when pretraining ends, so its Adam momentum cannot move a frozen encoder (and replicas
never synchronise inside control flow)."""

from __future__ import annotations

import keras
import tensorflow as tf

from classicnets.config import TrainConfig
from classicnets.models.ae_classifier import resolve_pretrain_epochs
from classicnets.models.autoencoder.coders import per_example_mse
from classicnets.models.steps import ClassifierSteps
from classicnets.optimizers import make_optimizer, optimizer_from_config


def pretrain_optimizer(train: TrainConfig, pretrain_steps: int) -> keras.optimizers.Optimizer:
    """The autoencoder's optimizer: the configured schedule over the pretraining steps, then learning rate 0."""
    if train.schedule == "cosine":  # reaches 0 at decay_steps and stays there
        rate = keras.optimizers.schedules.CosineDecay(train.learning_rate, decay_steps=pretrain_steps)
    else:
        rate = keras.optimizers.schedules.PiecewiseConstantDecay([pretrain_steps - 1], [train.learning_rate, 0.0])
    return make_optimizer(train.optimizer, rate)


def finetune_optimizer(train: TrainConfig, pretrain_steps: int, total_steps: int) -> keras.optimizers.Optimizer:
    """The head's (and encoder's) optimizer: the configured learning rate while the head probes the codes, then
    the configured schedule over the fine-tuning steps alone (a cosine starts again from the full rate, rather
    than fine-tuning on the tail of one decay over all epochs)."""
    if train.schedule != "cosine":
        return optimizer_from_config(train, total_steps)
    rate = keras.optimizers.schedules.CosineDecay(train.learning_rate, decay_steps=max(total_steps - pretrain_steps, 1),
                                                  warmup_target=train.learning_rate, warmup_steps=pretrain_steps)
    return make_optimizer(train.optimizer, rate)


class FineTuneSteps(ClassifierSteps):
    """Cross-entropy on the head's probabilities, after (optionally) pretraining the autoencoder in the run."""

    def __init__(self, model: keras.Model, optimizer: keras.optimizers.Optimizer,
                 autoencoder_optimizer: keras.optimizers.Optimizer | None = None, pretrain_steps: int = 0) -> None:
        # compiled as a classifier, the optimizer built over every trainable variable, as keras.saving.load_model
        # rebuilds a compiled model's optimizer, so model.keras loads with its optimizer state; the steps update
        # only _classifier_variables()
        super().__init__(model, optimizer)
        self.autoencoder_optimizer, self.pretrain_steps = autoencoder_optimizer, pretrain_steps
        # the reconstruction is tracked when this run pretrains (with no pretraining epochs the decoder is idle)
        self.sum_names = ("loss", "accuracy", "count") if autoencoder_optimizer is None else \
            ("loss", "accuracy", "reconstruction_mse", "count")
        if autoencoder_optimizer is not None:
            autoencoder_optimizer.build(self._autoencoder_variables())

    @classmethod
    def create(cls, model: keras.Model, train: TrainConfig, total_steps: int) -> "FineTuneSteps":
        """Optimizers for the head (and encoder) over all steps, and for pretraining the autoencoder."""
        pretrain_epochs = resolve_pretrain_epochs(model.pretrain_epochs, train.epochs, model.decoder is not None)
        if not pretrain_epochs:
            return cls(model, optimizer_from_config(train, total_steps))
        pretrain_steps = pretrain_epochs * (total_steps // train.epochs)
        return cls(model, finetune_optimizer(train, pretrain_steps, total_steps),
                   pretrain_optimizer(train, pretrain_steps), pretrain_steps)

    def _classifier_variables(self) -> list:
        """What the labels train: the head, the encoder unless it is frozen, and the decoder when its
        reconstruction loss stays on while fine-tuning."""
        encoder = [] if self.model.freeze_encoder else self.model.encoder.trainable_variables
        decoder = self.model.decoder.trainable_variables if self._reconstruction_weight() else []
        return self.model.head.trainable_variables + encoder + decoder

    def _reconstruction_weight(self) -> float:
        """Weight of the reconstruction MSE in the fine-tuning loss (only with the run's own decoder)."""
        return self.model.reconstruction_weight if self.model.decoder is not None else 0.0

    def _autoencoder_variables(self) -> list:
        return self.model.encoder.trainable_variables + self.model.decoder.trainable_variables

    def _pretraining(self) -> tf.Tensor:
        """1.0 during the pretraining steps, then 0.0."""
        if self.autoencoder_optimizer is None:
            return tf.constant(0.0)
        return tf.cast(self.autoencoder_optimizer.iterations < self.pretrain_steps, tf.float32)

    def train_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """One step of the current stage (both optimizers step; the idle one by zero)."""
        pretraining = self._pretraining()
        with tf.GradientTape(persistent=True) as tape:
            code = self.model.code(x, training=True)  # (B, code_size)
            probe = tf.stop_gradient(code)
            head_input = probe if self.model.freeze_encoder else pretraining * probe + (1.0 - pretraining) * code
            probabilities = self.model.head(head_input, training=True)  # (B, K)
            per_example_loss = keras.losses.sparse_categorical_crossentropy(y, probabilities)
            loss = tf.nn.compute_average_loss(per_example_loss)
            if self.autoencoder_optimizer is not None:
                reconstruction_error = self._reconstruction_error(x, code)
                reconstruction_loss = tf.nn.compute_average_loss(reconstruction_error)
                autoencoder_loss = pretraining * reconstruction_loss
                loss += self._reconstruction_weight() * (1.0 - pretraining) * reconstruction_loss
        variables = self._classifier_variables()
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        sums = self._sums(y, probabilities, per_example_loss)
        if self.autoencoder_optimizer is None:
            return sums
        variables = self._autoencoder_variables()
        self.autoencoder_optimizer.apply_gradients(zip(tape.gradient(autoencoder_loss, variables), variables))
        return sums[0], sums[1], tf.reduce_sum(reconstruction_error), sums[2]

    def _reconstruction_error(self, x: tf.Tensor, code: tf.Tensor) -> tf.Tensor:
        """Per-example MSE of the decoder's reconstruction (from noisy inputs when pretraining a denoiser)."""
        if self.model.noise:
            code = self.model.code(self.model.corrupt(x), training=True)
        return per_example_mse(x, self.model.decoder(code, training=True))

    def test_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """Loss and accuracy sums (and the reconstruction error) on a batch, without training."""
        code = self.model.code(x, training=False)
        probabilities = self.model.head(code, training=False)
        sums = self._sums(y, probabilities, keras.losses.sparse_categorical_crossentropy(y, probabilities))
        if self.autoencoder_optimizer is None:
            return sums
        error = per_example_mse(x, self.model.decoder(code, training=False))
        return sums[0], sums[1], tf.reduce_sum(error), sums[2]

    def variables(self) -> dict[str, list]:
        """Everything a checkpoint must hold to resume exactly (the stage is the optimizer's step count)."""
        groups = {"model": list(self.model.variables), "optimizer": list(self.optimizer.variables)}
        if self.autoencoder_optimizer is not None:
            groups["autoencoder_optimizer"] = list(self.autoencoder_optimizer.variables)
        return groups
