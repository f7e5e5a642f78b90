"""The autoencoder family: dense (the notes' 784-256-128-256-784), convolutional, denoising and variational."""

from __future__ import annotations

from dataclasses import dataclass

from classicnets.errors import SettingsError, UserError
from classicnets.models.checks import (
    ACTIVATIONS, INITIALIZERS, check_at_least, check_choice, check_finite, check_positive,
)
from classicnets.models.registry import ModelSpec, option

KINDS = ("dense", "conv", "denoising", "variational")
CODE_ACTIVATIONS = ("linear", *ACTIVATIONS)
OUTPUT_ACTIVATIONS = ("sigmoid", "linear")


@dataclass(frozen=True)
class AutoencoderOptions:
    kind: str = option("dense", "dense, conv (convolutional), denoising (dense, trained on noisy inputs) or "
                       "variational (a VAE you can sample from)", KINDS)
    hidden: tuple[int, ...] = option((256,), "encoder layer sizes before the code (the decoder mirrors them)")
    code_size: int = option(128, "size of the code (the narrow middle layer)")
    filters: tuple[int, ...] = option((64, 128), "--kind conv: filters of each stride-2 conv layer; the code is the "
                                      "last level's map with as many channels as fit in --code-size (28x28: 7x7x2)")
    activation: str = option("relu", "hidden activation (the notes: sigmoid)", ACTIVATIONS)
    code_activation: str = option("linear", "activation of the code layer (the notes: sigmoid)", CODE_ACTIVATIONS)
    output_activation: str = option("sigmoid", "activation of the reconstruction", OUTPUT_ACTIVATIONS)
    initializer: str = option("he_normal", "dense weight initialiser (the notes: random_normal)", INITIALIZERS)
    init_stddev: float = option(1.0, "standard deviation for --initializer random_normal")
    noise: float = option(0.4, "--kind denoising: std of the Gaussian noise added to training inputs (clipped to [0, 1])")
    beta: float = option(1.0, "--kind variational: weight of the KL term")

    def check(self) -> None:
        check_finite(self)
        check_choice("kind", self.kind, KINDS)
        check_positive("hidden", self.hidden)
        check_positive("code_size", self.code_size)
        check_positive("filters", self.filters)
        check_choice("activation", self.activation, ACTIVATIONS)
        check_choice("code_activation", self.code_activation, CODE_ACTIVATIONS)
        check_choice("output_activation", self.output_activation, OUTPUT_ACTIVATIONS)
        check_choice("initializer", self.initializer, INITIALIZERS)
        check_at_least("init_stddev", self.init_stddev, 0, inclusive=False)
        if not self.noise > 0:
            raise UserError(f"noise must be positive. Received: noise={self.noise}")
        if self.beta < 0:
            raise UserError(f"beta must be >= 0. Received: beta={self.beta}")
        if self.kind == "variational" and self.code_activation != "linear":
            raise SettingsError.about("{kind} variational needs {code_activation} linear (the code is a Gaussian's "
                                      "mean)", "kind", "code_activation")

    @property
    def training_noise(self) -> float:
        """Noise std the training step adds: only denoising autoencoders train on noisy inputs."""
        return self.noise if self.kind == "denoising" else 0.0


SPEC = ModelSpec("autoencoder", "autoencoder: dense (the notes: 784-256-128-256-784), conv, denoising or "
                 "variational; reconstruction MSE", AutoencoderOptions,
                 "classicnets.models.autoencoder.network:build_autoencoder", task="autoencoder",
                 steps="classicnets.models.steps:ModelSteps")
