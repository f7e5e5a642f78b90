"""The autoencoder family: dense (the notes' 784-256-128-256-784), convolutional, denoising and variational."""

from __future__ import annotations

import keras

from classicnets.errors import SettingsError
from classicnets.models.autoencoder import AutoencoderOptions
from classicnets.models.autoencoder.coders import Autoencoder, conv_decoder, conv_encoder, dense_decoder, dense_encoder
from classicnets.models.autoencoder.vae import VariationalAutoencoder


def build_autoencoder(options: AutoencoderOptions, input_shape: tuple[int, ...], num_classes: int = 0) -> Autoencoder:
    """The autoencoder of `options.kind` for inputs of `input_shape` (class labels are not used)."""
    if options.kind == "conv":
        if len(input_shape) != 3:
            raise SettingsError.about("{kind} conv needs images, but the data has samples of shape {shape}; use "
                                      "{kind} dense for feature tables", "kind", shape=input_shape)
        return Autoencoder(
            conv_encoder(input_shape, options.filters, options.code_size, options.activation, options.code_activation),
            conv_decoder(input_shape, options.filters, options.code_size, options.activation, options.output_activation),
            name="conv_autoencoder")
    init = (options.initializer, options.init_stddev)
    code_outputs = 2 * options.code_size if options.kind == "variational" else options.code_size
    encoder = dense_encoder(input_shape, options.hidden, code_outputs, options.activation, options.code_activation, init)
    decoder = dense_decoder(options.code_size, options.hidden, input_shape, options.activation,
                            options.output_activation, init)
    if options.kind == "variational":
        return VariationalAutoencoder(encoder, decoder, beta=options.beta, name="variational_autoencoder")
    return Autoencoder(encoder, decoder, noise=options.training_noise, name=f"{options.kind}_autoencoder")


def is_variational(model: keras.Model) -> bool:
    """Whether a (loaded) model is a VAE."""
    return isinstance(model, VariationalAutoencoder)
