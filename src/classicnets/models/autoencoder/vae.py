"""The variational autoencoder: the encoder gives a Gaussian over codes (mean and log-variance), the decoder
draws images from codes, and codes drawn from N(0, I) give new images."""

from __future__ import annotations

from typing import Any

import keras

from classicnets.models.autoencoder.coders import Autoencoder


@keras.saving.register_keras_serializable(package="classicnets")
class VariationalAutoencoder(Autoencoder):
    """An Autoencoder whose encoder outputs 2 * code_size numbers: the code's mean, then its log-variance.
    `beta` weights the KL term of the training objective."""

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

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta": self.beta}
