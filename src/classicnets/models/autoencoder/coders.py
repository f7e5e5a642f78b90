"""Encoder and decoder networks shared by the autoencoder family, and the Autoencoder model that joins them."""

from __future__ import annotations

import math
from typing import Any

import keras
import tensorflow as tf

from classicnets.errors import SettingsError
from classicnets.models.layers import initializer
from classicnets.models import steps  # module, not names: importing steps can register this module with Keras


def dense_encoder(input_shape: tuple[int, ...], hidden: tuple[int, ...], code_outputs: int, activation: str,
                  code_activation: str, init: tuple[str, float]) -> keras.Model:
    """Flatten, dense hidden layers, then the code layer: (B, *input_shape) -> (B, code_outputs)."""
    layers: list[keras.layers.Layer] = [keras.Input(input_shape), keras.layers.Flatten()]
    for size in hidden:
        layers.append(keras.layers.Dense(size, activation=activation, kernel_initializer=initializer(*init)))
    layers.append(keras.layers.Dense(code_outputs, activation=code_activation, kernel_initializer=initializer(*init),
                                     name="code"))
    return keras.Sequential(layers, name="encoder")


def dense_decoder(code_size: int, hidden: tuple[int, ...], output_shape: tuple[int, ...], activation: str,
                  output_activation: str, init: tuple[str, float]) -> keras.Model:
    """The encoder's mirror: dense layers from the code back to the input's shape."""
    layers: list[keras.layers.Layer] = [keras.Input((code_size,))]
    for size in reversed(hidden):
        layers.append(keras.layers.Dense(size, activation=activation, kernel_initializer=initializer(*init)))
    layers.append(keras.layers.Dense(math.prod(output_shape), activation=output_activation,
                                     kernel_initializer=initializer(*init), dtype="float32"))
    layers.append(keras.layers.Reshape(output_shape))
    return keras.Sequential(layers, name="decoder")


def conv_levels(image_shape: tuple[int, ...], levels: int) -> list[tuple[int, int]]:
    """(height, width) at each encoder level: the image's, then halved (rounding up) `levels` times."""
    sizes = [tuple(image_shape[:2])]
    for _ in range(levels):
        sizes.append((math.ceil(sizes[-1][0] / 2), math.ceil(sizes[-1][1] / 2)))
    return sizes


def conv_code_channels(image_shape: tuple[int, ...], filters: tuple[int, ...], code_size: int) -> int:
    """Channels of the conv code map: as many as fit in `code_size` values."""
    height, width = conv_levels(image_shape, len(filters))[-1]
    if code_size < height * width:
        raise SettingsError.about("{code_size} {size} is smaller than one channel of the {height}x{width} code map "
                                  "of {kind} conv with {levels} levels; raise {code_size} to {least} or more, or add "
                                  "a level to {filters}", "code_size", "kind", "filters", size=code_size,
                                  height=height, width=width, levels=len(filters), least=height * width)
    return code_size // (height * width)


def conv_encoder(input_shape: tuple[int, ...], filters: tuple[int, ...], code_size: int, activation: str,
                 code_activation: str) -> keras.Model:
    """Stride-2 3x3 convolutions (each halves height and width, rounding up), then a 3x3 convolution to the code
    map, flattened: (B, H, W, C) -> (B, h * w * channels), at most `code_size` values (28x28, two levels,
    code_size 128: a 7x7x2 map, 98 values). No dense layer: each code value describes a neighbourhood."""
    channels = conv_code_channels(input_shape, filters, code_size)
    layers: list[keras.layers.Layer] = [keras.Input(input_shape)]
    for count in filters:
        layers.append(keras.layers.Conv2D(count, 3, strides=2, padding="same", activation=activation))
    layers += [keras.layers.Conv2D(channels, 3, padding="same", activation=code_activation, name="code_map"),
               keras.layers.Flatten(name="code")]
    return keras.Sequential(layers, name="encoder")


def conv_decoder(input_shape: tuple[int, ...], filters: tuple[int, ...], code_size: int, activation: str,
                 output_activation: str) -> keras.Model:
    """The conv encoder's mirror: the code map, a 3x3 convolution back to the last level's filters, then stride-2
    transposed convolutions, each cropped to the size the encoder had there (4 -> 8 is cropped back to 7); the
    last one draws the image."""
    sizes = conv_levels(input_shape, len(filters))
    height, width = sizes[-1]
    channels = conv_code_channels(input_shape, filters, code_size)
    layers: list[keras.layers.Layer] = [
        keras.Input((height * width * channels,)),
        keras.layers.Reshape((height, width, channels)),  # (B, h, w, channels): the code map
        keras.layers.Conv2D(filters[-1], 3, padding="same", activation=activation),
    ]
    counts = (*reversed(filters[:-1]), input_shape[2])  # each level gets the encoder's channels back
    for level, count in enumerate(counts):
        last = level == len(counts) - 1
        layers.append(keras.layers.Conv2DTranspose(count, 3, strides=2, padding="same", dtype="float32" if last else None,
                                                   activation=output_activation if last else activation))
        target = sizes[-2 - level]
        extra_height, extra_width = 2 * height - target[0], 2 * width - target[1]
        if extra_height or extra_width:
            layers.append(keras.layers.Cropping2D(((0, extra_height), (0, extra_width))))
        height, width = target
    return keras.Sequential(layers, name="decoder")


def per_example_mse(x: tf.Tensor, reconstruction: tf.Tensor) -> tf.Tensor:
    """Mean squared error over each example's pixels (or features): (B,)."""
    batch = tf.shape(x)[0]
    difference = tf.reshape(x, (batch, -1)) - tf.reshape(tf.cast(reconstruction, x.dtype), (batch, -1))
    return tf.reduce_mean(tf.square(difference), axis=-1)


@keras.saving.register_keras_serializable(package="classicnets")
class Autoencoder(steps.OwnObjective, keras.Model):
    """An encoder and a decoder; the code is the encoder's output. With noise > 0 the training step corrupts
    inputs with Gaussian noise of that standard deviation (a denoising autoencoder).

    The model owns its objective, the per-pixel MSE against the clean inputs: classicnets' trainer calls
    train_sums/test_sums for per-replica sums, and `model.compile(optimizer="adam"); model.fit(images)` runs
    the same step (noise included) through Keras' own train_step on one device."""

    sum_names = ("loss", "count")  # loss: per-pixel MSE summed over examples

    def __init__(self, encoder: keras.Model, decoder: keras.Model, noise: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.encoder, self.decoder, self.noise = encoder, decoder, float(noise)
        self.noise_seed = keras.random.SeedGenerator()  # drawn from the run seed; its state is a variable: checkpoints keep it
        self.built = True  # both networks are built with their input shapes

    @property
    def code_size(self) -> int:
        """Length of one code vector."""
        return int(self.decoder.inputs[0].shape[-1])

    def encode(self, x: Any, training: bool = False) -> Any:
        """Codes (B, code_size) of inputs in [0, 1]."""
        return self.encoder(x, training=training)

    def call(self, x: Any, training: bool = False) -> Any:
        """Reconstructions of inputs in [0, 1], same shape."""
        return self.decoder(self.encode(x, training=training), training=training)

    def corrupt(self, x: Any) -> Any:
        """Inputs plus Gaussian noise of std `noise`, clipped to [0, 1] (what a denoiser trains on)."""
        noisy = x + self.noise * keras.random.normal(keras.ops.shape(x), seed=self.noise_seed)
        return keras.ops.clip(noisy, 0.0, 1.0)

    def reconstruction_error(self, x: tf.Tensor, training: bool) -> tf.Tensor:
        """Per-example MSE (B,) of the reconstruction of x (of noisy x, for a denoiser) against the clean x."""
        return per_example_mse(x, self(self.corrupt(x) if self.noise else x, training=training))

    def train_sums(self, x: tf.Tensor, y: Any = None) -> tuple[tf.Tensor, ...]:
        """One step of the compiled optimizer; the target is always the clean input (labels are ignored)."""
        with tf.GradientTape() as tape:
            per_example = self.reconstruction_error(x, training=True)
            loss = steps.regularised(tf.nn.compute_average_loss(per_example), self)
        steps.apply_loss(tape, loss, self, self.optimizer)
        return tf.reduce_sum(per_example), steps.count(per_example)

    def test_sums(self, x: tf.Tensor, y: Any = None) -> tuple[tf.Tensor, ...]:
        """The training objective on a batch, without training."""
        per_example = self.reconstruction_error(x, training=False)
        return tf.reduce_sum(per_example), steps.count(per_example)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "noise": self.noise,
                "encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Autoencoder":
        encoder = keras.saving.deserialize_keras_object(config.pop("encoder"))
        decoder = keras.saving.deserialize_keras_object(config.pop("decoder"))
        return cls(encoder, decoder, **config)
