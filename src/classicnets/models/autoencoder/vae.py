"""The variational autoencoder: the encoder gives a Gaussian over codes (mean and log-variance), the decoder
draws images from codes, and codes drawn from N(0, I) give new images.

The model owns its objective (the negative ELBO: reconstruction cross-entropy summed over pixels plus beta *
KL(q(code | x) || N(0, I)), with the per-pixel MSE reported beside it): classicnets' trainer calls
train_sums/test_sums for per-replica sums, and `model.compile(optimizer="adam"); model.fit(images)` runs the
same step through Keras' own train_step (the Autoencoder's) on one device."""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from classicnets.models.autoencoder.coders import Autoencoder
from classicnets.models import steps  # module, not names: importing steps can register this module with Keras

SUM_NAMES = ("loss", "mse", "kl", "count")  # loss: the negative ELBO; all summed over examples


@keras.saving.register_keras_serializable(package="classicnets")
class VariationalAutoencoder(Autoencoder):
    """An Autoencoder whose encoder outputs 2 * code_size numbers: the code's mean, then its log-variance.
    `beta` weights the KL term of the training objective."""

    sum_names = SUM_NAMES

    def __init__(self, encoder: keras.Model, decoder: keras.Model, beta: float = 1.0, **kwargs: Any) -> None:
        super().__init__(encoder, decoder, **kwargs)
        self.beta = float(beta)

    def posterior(self, x: Any, training: bool = False) -> tuple[Any, Any]:
        """Mean and log-variance (B, code_size) each, of the code of inputs in [0, 1]."""
        statistics = self.encoder(x, training=training)  # (B, 2 * code_size)
        mean, log_variance = keras.ops.split(statistics, 2, axis=-1)
        return mean, keras.ops.clip(log_variance, -20.0, 20.0)  # exp() of it stays finite

    def encode(self, x: Any, training: bool = False) -> Any:
        """The code's mean: the deterministic code used for reconstruction and features."""
        return self.posterior(x, training=training)[0]

    def draw_codes(self, mean: Any, log_variance: Any) -> Any:
        """Codes sampled from N(mean, exp(log_variance)) with the reparameterisation trick."""
        noise = keras.random.normal(keras.ops.shape(mean), seed=self.noise_seed)
        return mean + keras.ops.exp(0.5 * log_variance) * noise

    def generate(self, count: int, seed: int = 0) -> Any:
        """`count` new samples decoded from codes drawn from the prior N(0, I)."""
        codes = keras.random.normal((count, self.code_size), seed=seed)
        return self.decoder(codes, training=False)

    def terms(self, x: tf.Tensor, training: bool) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
        """Per-example (B,) reconstruction cross-entropy, per-pixel MSE and KL divergence; the code is drawn
        from the posterior when training, its mean otherwise."""
        mean, log_variance = self.posterior(x, training=training)  # (B, code) each
        codes = self.draw_codes(mean, log_variance) if training else mean
        reconstruction = tf.cast(self.decoder(codes, training=training), tf.float32)
        batch = tf.shape(x)[0]
        flat_x, flat_r = tf.reshape(x, (batch, -1)), tf.reshape(reconstruction, (batch, -1))
        cross_entropy = tf.reduce_sum(keras.losses.binary_crossentropy(flat_x[..., None], flat_r[..., None]), axis=-1)
        kl = -0.5 * tf.reduce_sum(1.0 + log_variance - tf.square(mean) - tf.exp(log_variance), axis=-1)
        return cross_entropy, tf.reduce_mean(tf.square(flat_x - flat_r), axis=-1), kl

    def _sums(self, terms: tuple[tf.Tensor, tf.Tensor, tf.Tensor]) -> tuple[tf.Tensor, ...]:
        """Per-replica sums in SUM_NAMES order."""
        cross_entropy, mse, kl = terms
        return tf.reduce_sum(cross_entropy + self.beta * kl), tf.reduce_sum(mse), tf.reduce_sum(kl), steps.count(mse)

    def train_sums(self, x: tf.Tensor, y: Any = None) -> tuple[tf.Tensor, ...]:
        """One step of the compiled optimizer on the negative ELBO (labels are ignored)."""
        with tf.GradientTape() as tape:
            terms = self.terms(x, training=True)
            loss = steps.regularised(tf.nn.compute_average_loss(terms[0] + self.beta * terms[2]), self)
        steps.apply_loss(tape, loss, self, self.optimizer)
        return self._sums(terms)

    def test_sums(self, x: tf.Tensor, y: Any = None) -> tuple[tf.Tensor, ...]:
        """Negative ELBO (with the code's mean), MSE and KL on a batch."""
        return self._sums(self.terms(x, training=False))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta": self.beta}
