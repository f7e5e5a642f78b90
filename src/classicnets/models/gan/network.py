"""Generative adversarial networks: `gan` draws images like the training data, `cgan` draws the class asked for.

The notes' network is reachable by options: one hidden layer of 256 in each network, noise of 128, ReLU,
Adam 2e-4 (`--generator-hidden 256 --discriminator-hidden 256 --activation relu --dropout 0
--label-smoothing 1 --beta-1 0.9 --no-batch-spread --no-spectral-norm --class-loss 0`). The defaults are what
trains stably on 2 CPU cores (README, "GANs").
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from classicnets.errors import UserError
from classicnets.models.gan import CGANOptions, GANOptions
from classicnets.models.gan.steps import AdversarialSteps
from classicnets.models.layers import BatchSpread


def _activation(name: str) -> keras.layers.Layer:
    """LeakyReLU(0.2) or ReLU."""
    return keras.layers.LeakyReLU(0.2) if name == "leaky_relu" else keras.layers.ReLU()


def _label_code(labels: Any, num_classes: int, size: int, name: str) -> Any:
    """A learned vector per class: (B,) int labels -> (B, size)."""
    return keras.layers.Flatten()(keras.layers.Embedding(num_classes, size, name=name)(labels))


def _with_label(inputs: list, hidden: Any, num_classes: int | None, label_dim: int) -> tuple[list, Any, Any]:
    """For a cgan, add a label input and join its learned code to `hidden`; a plain gan is left as it is.
    Returns (inputs, hidden, label input or None)."""
    if num_classes is None:
        return inputs, hidden, None
    label = keras.Input((), dtype="int32", name="label")
    code = _label_code(label, num_classes, label_dim, "label_code")
    return [*inputs, label], keras.layers.Concatenate()([hidden, code]), label


def build_generator(options: GANOptions, image_shape: tuple[int, ...], num_classes: int | None) -> keras.Model:
    """Noise (and a label) -> an image in [0, 1]: dense layers, tanh, rescaled."""
    noise = keras.Input((options.noise_dim,), name="noise")
    inputs, hidden, _ = _with_label([noise], noise, num_classes, options.label_dim)
    for size in options.generator_hidden:
        hidden = _activation(options.activation)(keras.layers.Dense(size)(hidden))
    pixels = keras.layers.Dense(int(np.prod(image_shape)), activation="tanh")(hidden)  # (B, H*W*C) in [-1, 1]
    image = keras.layers.Rescaling(0.5, offset=0.5)(keras.layers.Reshape(image_shape)(pixels))  # [0, 1]
    return keras.Model(inputs if num_classes is not None else noise, image, name="generator")


def _discriminator_dense(units: int, spectral_norm: bool, name: str | None = None) -> keras.layers.Layer:
    """A dense layer, spectrally normalised when asked."""
    dense = keras.layers.Dense(units, name=None if spectral_norm else name)
    return keras.layers.SpectralNormalization(dense, name=name) if spectral_norm else dense


def build_discriminator(options: GANOptions, image_shape: tuple[int, ...], num_classes: int | None) -> keras.Model:
    """An image (and a label) -> one logit, high for real. A cgan's label enters at the input and again by
    projection (Miyato & Koyama 2018), so the discriminator punishes images of the wrong class; with
    class_loss > 0 it has a second output, class logits (B, K), for the auxiliary class loss."""
    image = keras.Input(image_shape, name="image")
    pixels = keras.layers.Flatten()(keras.layers.Rescaling(2.0, offset=-1.0)(image))  # (B, H*W*C) in [-1, 1]
    inputs, hidden, label = _with_label([image], pixels, num_classes, options.label_dim)
    for index, size in enumerate(options.discriminator_hidden):
        if options.batch_spread and index == len(options.discriminator_hidden) - 1:
            hidden = BatchSpread(name="batch_spread")(hidden)  # (B, F + 1)
        hidden = _activation(options.activation)(_discriminator_dense(size, options.spectral_norm)(hidden))
        if options.dropout:
            hidden = keras.layers.Dropout(options.dropout)(hidden)
    logit = _discriminator_dense(1, options.spectral_norm, name="realness")(hidden)  # (B, 1)
    if num_classes is None:
        return keras.Model(image, logit, name="discriminator")
    projection = _label_code(label, num_classes, options.discriminator_hidden[-1], "label_projection")
    logit = keras.layers.Add()([logit, keras.layers.Dot(axes=1)([projection, hidden])])
    outputs = [logit, keras.layers.Dense(num_classes, name="class_logits")(hidden)] if options.class_loss else logit
    return keras.Model(inputs, outputs, name="discriminator")


@keras.saving.register_keras_serializable(package="classicnets")
class AdversarialPair(AdversarialSteps, keras.Model):
    """A generator and its discriminator, saved together; calling it generates images (noise[, labels]) -> images.
    It also carries how it trains (learning rates, losses; the step is AdversarialSteps'), so a run rebuilds
    everything from model.keras."""

    def __init__(self, generator: keras.Model, discriminator: keras.Model, num_classes: int | None = None,
                 training_options: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.generator, self.discriminator = generator, discriminator
        self.num_classes = num_classes  # None: unconditional
        self.training_options = dict(training_options or {})
        self.noise_dim = int(generator.inputs[0].shape[-1])
        self.image_shape = tuple(int(size) for size in generator.outputs[0].shape[1:])
        self.optimizer = None  # one optimizer per network instead (use_optimizers, or compile for Keras fit)
        self.noise_seeds = keras.random.SeedGenerator()  # seeded by the run seed; its state is a variable
        self.built = True

    @property
    def conditional(self) -> bool:
        """True for a cgan."""
        return self.num_classes is not None

    def call(self, inputs: Any, training: bool = False) -> Any:
        """Images in [0, 1] from noise (gan) or [noise, labels] (cgan)."""
        return self.generator(inputs, training=training)

    def discriminate(self, images: Any, labels: Any, training: bool = False) -> Any:
        """Realness logits (B, 1) of images (for a cgan: as images of `labels`)."""
        return self.discriminate_and_classify(images, labels, training)[0]

    def discriminate_and_classify(self, images: Any, labels: Any, training: bool = False) -> tuple[Any, Any]:
        """Realness logits (B, 1) and, for a cgan with the auxiliary class loss, class logits (B, K) (else None)."""
        outputs = self.discriminator([images, labels] if self.conditional else images, training=training)
        return (outputs[0], outputs[1]) if isinstance(outputs, (list, tuple)) else (outputs, None)

    def generate(self, noise: Any, labels: Any = None, training: bool = False) -> Any:
        """Images (B, H, W, C) in [0, 1]; a cgan needs one int label per noise row."""
        return self.generator([noise, labels] if self.conditional else noise, training=training)

    def sample(self, count: int, labels: Any = None, seed: int = 0, batch_size: int = 1000) -> np.ndarray:
        """`count` images (N, H, W, C) as float32 in [0, 1] from seeded noise: the same seed, the same images."""
        noise = np.random.default_rng(seed).standard_normal((count, self.noise_dim)).astype(np.float32)
        if self.conditional:
            labels = np.broadcast_to(np.asarray(labels if labels is not None else 0, dtype=np.int32), (count,))
        batches = [self.generate(noise[start:start + batch_size], None if labels is None else
                                 labels[start:start + batch_size]) for start in range(0, count, batch_size)]
        return np.concatenate([np.asarray(batch) for batch in batches]) if batches else \
            np.zeros((0, *self.image_shape), np.float32)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "num_classes": self.num_classes, "training_options": self.training_options,
                "generator": keras.saving.serialize_keras_object(self.generator),
                "discriminator": keras.saving.serialize_keras_object(self.discriminator)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "AdversarialPair":
        config = dict(config)
        generator = keras.saving.deserialize_keras_object(config.pop("generator"))
        discriminator = keras.saving.deserialize_keras_object(config.pop("discriminator"))
        return cls(generator, discriminator, **config)


def training_options(options: GANOptions) -> dict[str, Any]:
    """The options the task and the sample grids read from the model."""
    names = ("label_smoothing", "generator_loss", "generator_lr", "discriminator_lr", "beta_1", "samples_every",
             "class_loss")
    return {name: getattr(options, name) for name in names}


def _check_images(input_shape: tuple[int, ...]) -> None:
    """GANs here draw images (N, H, W, C)."""
    if len(input_shape) != 3:
        raise UserError(f"gan and cgan draw images, but this dataset's samples have shape {input_shape}; "
                        "train them on an image dataset (mnist, fashion-mnist, digits, a folder of images)")


def build_gan(options: GANOptions, input_shape: tuple[int, ...], num_classes: int) -> AdversarialPair:
    """The unconditional GAN (num_classes only matters to the judge)."""
    _check_images(input_shape)
    return AdversarialPair(build_generator(options, input_shape, None), build_discriminator(options, input_shape, None),
                           None, training_options(options), name="gan")


def build_cgan(options: CGANOptions, input_shape: tuple[int, ...], num_classes: int) -> AdversarialPair:
    """The conditional GAN: both networks see the class label."""
    _check_images(input_shape)
    if num_classes < 2:
        raise UserError(f"cgan draws the class asked for, but this dataset has {num_classes} class; "
                        "give a labelled dataset (class sub-folders, a label column, y arrays)")
    return AdversarialPair(build_generator(options, input_shape, num_classes),
                           build_discriminator(options, input_shape, num_classes), num_classes,
                           training_options(options), name="cgan")
