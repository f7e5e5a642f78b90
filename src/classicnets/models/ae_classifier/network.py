"""The pretrained classifier of the notes: an autoencoder's encoder with a softmax head on its code.

With --encoder RUN_DIR the encoder of a trained autoencoder run (loaded by classicnets.runs.pretrained) is used;
without it the run pretrains an
autoencoder for --pretrain-epochs of its --epochs (reconstruction MSE, labels unused), then fine-tunes
encoder + head on the labels (or only the head, with --freeze-encoder). The training task is
classicnets.models.ae_classifier.steps."""

from __future__ import annotations

from typing import Any

import keras

from classicnets.models.ae_classifier import AEClassifierOptions
from classicnets.models.autoencoder.network import build_autoencoder, is_variational
from classicnets.models.layers import classifier_head


@keras.saving.register_keras_serializable(package="classicnets")
class AEClassifier(keras.Model):
    """Softmax head on an encoder's code. `decoder` is kept when the run pretrains the autoencoder itself."""

    def __init__(self, encoder: keras.Model, head: keras.Model, decoder: keras.Model | None = None,
                 noise: float = 0.0, variational: bool = False, freeze_encoder: bool = False,
                 pretrain_epochs: int = -1, reconstruction_weight: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.encoder, self.head, self.decoder = encoder, head, decoder
        self.noise, self.variational = float(noise), bool(variational)
        self.freeze_encoder, self.pretrain_epochs = bool(freeze_encoder), int(pretrain_epochs)
        self.reconstruction_weight = float(reconstruction_weight)
        self.noise_seed = keras.random.SeedGenerator()  # drawn from the run seed
        self.built = True

    def code(self, x: Any, training: bool = False) -> Any:
        """The encoder's code of inputs in [0, 1] (a VAE encoder's mean)."""
        code = self.encoder(x, training=training)
        return keras.ops.split(code, 2, axis=-1)[0] if self.variational else code

    def call(self, x: Any, training: bool = False) -> Any:
        """Class probabilities (B, K)."""
        return self.head(self.code(x, training=training), training=training)

    def corrupt(self, x: Any) -> Any:
        """Noisy inputs for pretraining a denoising autoencoder, clipped to [0, 1]."""
        noisy = x + self.noise * keras.random.normal(keras.ops.shape(x), seed=self.noise_seed)
        return keras.ops.clip(noisy, 0.0, 1.0)

    def get_config(self) -> dict[str, Any]:
        parts = {name: keras.saving.serialize_keras_object(getattr(self, name)) for name in ("encoder", "head")}
        if self.decoder is not None:
            parts["decoder"] = keras.saving.serialize_keras_object(self.decoder)
        return {**super().get_config(), **parts, "noise": self.noise, "variational": self.variational,
                "freeze_encoder": self.freeze_encoder, "pretrain_epochs": self.pretrain_epochs,
                "reconstruction_weight": self.reconstruction_weight}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "AEClassifier":
        parts = {name: keras.saving.deserialize_keras_object(config.pop(name))
                 for name in ("encoder", "head", "decoder") if name in config}
        return cls(**parts, **config)


def build_ae_classifier(options: AEClassifierOptions, input_shape: tuple[int, ...], num_classes: int,
                        extra: dict[str, Any]) -> AEClassifier:
    """Encoder (a trained autoencoder's, given as extra["encoder"] for --encoder, or a new one with its decoder
    for pretraining) and a dropout + softmax head on its code."""
    if options.encoder:
        autoencoder, decoder = extra["encoder"], None
        autoencoder.encoder.trainable = not options.freeze_encoder
    else:
        autoencoder = build_autoencoder(options.autoencoder_options(), input_shape)
        decoder = autoencoder.decoder
    layers = [keras.Input((autoencoder.code_size,))]
    if options.dropout:
        layers.append(keras.layers.Dropout(options.dropout))
    head = keras.Sequential([*layers, classifier_head(num_classes)], name="head")
    noise = autoencoder.noise if decoder is not None else 0.0  # only pretraining in this run adds noise
    return AEClassifier(autoencoder.encoder, head, decoder, noise=noise,
                        variational=is_variational(autoencoder), freeze_encoder=options.freeze_encoder,
                        pretrain_epochs=options.pretrain_epochs,
                        reconstruction_weight=options.reconstruction_weight, name="ae_classifier")
