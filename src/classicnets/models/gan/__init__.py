"""Generative adversarial networks: `gan` draws images like the training data, `cgan` draws the class asked for.

The notes' network is reachable by options: one hidden layer of 256 in each network, noise of 128, ReLU,
Adam 2e-4 (`--generator-hidden 256 --discriminator-hidden 256 --activation relu --dropout 0
--label-smoothing 1 --beta-1 0.9 --no-batch-spread --no-spectral-norm --class-loss 0`). The defaults are what
trains stably on 2 CPU cores (docs/models.md, "GANs")."""

from __future__ import annotations

from dataclasses import dataclass

from classicnets.errors import UserError
from classicnets.models.checks import check_choice, check_finite, check_positive, check_rate
from classicnets.models.registry import ModelSpec, option

ACTIVATIONS = ("leaky_relu", "relu")
GENERATOR_LOSSES = ("non-saturating", "minimax")


@dataclass(frozen=True)
class GANOptions:
    noise_dim: int = option(128, "size of the noise vector the generator draws from")
    generator_hidden: tuple[int, ...] = option((256, 512), "generator hidden layer sizes (the notes: 256)")
    discriminator_hidden: tuple[int, ...] = option((512, 256), "discriminator hidden layer sizes (the notes: 256)")
    activation: str = option("leaky_relu", "hidden activation (LeakyReLU 0.2 keeps gradients flowing)", ACTIVATIONS)
    dropout: float = option(0.3, "dropout after each discriminator hidden layer (slows the discriminator down)")
    label_smoothing: float = option(0.9, "target for real images in the discriminator loss (1: none)")
    generator_loss: str = option("non-saturating", "generator objective: -log D(G(z)), or the minimax "
                                 "log(1 - D(G(z))) that stalls when the discriminator wins", GENERATOR_LOSSES)
    generator_lr: float = option(2e-4, "generator learning rate (gan/cgan do not use --lr)")
    discriminator_lr: float = option(2e-4, "discriminator learning rate")
    beta_1: float = option(0.5, "Adam's first-moment decay for both networks (Keras default: 0.9)")
    label_dim: int = option(32, "cgan: size of the learned label embedding")
    class_loss: float = option(1.0, "cgan: weight of the auxiliary class loss (AC-GAN, Odena et al. 2017): the "
                               "discriminator also names the class of real images and the generator is trained "
                               "to have its images named as the class asked for (0: off)")
    batch_spread: bool = option(True, "give the discriminator the batch's feature spread (minibatch standard "
                                "deviation, Karras et al. 2018) so it notices a generator drawing one thing")
    spectral_norm: bool = option(True, "spectral normalisation of the discriminator's dense layers (Miyato et al. "
                                 "2018): each layer's weights divided by their largest singular value; on MNIST it "
                                 "took the largest class from 23-27% to 16-20% (bench/README.md)")
    samples_every: int = option(0, "write a grid of samples (fixed noise) and the Frechet distance every N "
                                "epochs (0: about 10 times a run)")

    def check(self) -> None:
        check_finite(self)
        check_positive("noise_dim", self.noise_dim)
        check_positive("generator_hidden", self.generator_hidden)
        check_positive("discriminator_hidden", self.discriminator_hidden)
        check_positive("label_dim", self.label_dim)
        if self.samples_every < 0:
            raise UserError(f"samples_every must be >= 0 (0: about 10 grids a run). Received: {self.samples_every}")
        check_choice("activation", self.activation, ACTIVATIONS)
        check_choice("generator_loss", self.generator_loss, GENERATOR_LOSSES)
        check_rate("dropout", self.dropout)
        if not 0.5 < self.label_smoothing <= 1:
            raise UserError(f"label_smoothing must be in (0.5, 1]. Received: label_smoothing={self.label_smoothing}")
        for name in ("generator_lr", "discriminator_lr"):
            if getattr(self, name) <= 0:
                raise UserError(f"{name} must be positive. Received: {name}={getattr(self, name)}")
        if self.class_loss < 0:
            raise UserError(f"class_loss must be >= 0 (0: off). Received: class_loss={self.class_loss}")
        if not 0 <= self.beta_1 < 1:
            raise UserError(f"beta_1 must be in [0, 1). Received: beta_1={self.beta_1}")
        if not self.generator_hidden or not self.discriminator_hidden:
            raise UserError("generator_hidden and discriminator_hidden need at least one layer each")


@dataclass(frozen=True)
class CGANOptions(GANOptions):
    batch_spread: bool = option(False, "give the discriminator the batch's feature spread (minibatch standard "
                                "deviation); off for cgan, whose labels already spread the classes: on, the judge's "
                                "agreement on Fashion-MNIST fell from 0.83 to 0.78 (bench/README.md)")
    spectral_norm: bool = option(False, "spectral normalisation of the discriminator's dense layers (Miyato et al. "
                                 "2018); off for cgan: on, the judge's agreement on Fashion-MNIST fell from 0.83 "
                                 "to 0.76 (on MNIST it rose from 0.975 to 0.992; bench/README.md)")


GAN = ModelSpec("gan", "generative adversarial network: dense generator + discriminator (the notes' GAN)",
                GANOptions, "classicnets.models.gan.network:build_gan", task="gan",
                steps="classicnets.models.gan.steps:AdversarialTraining",
                data_loader="classicnets.data.labelled_images:load_images")
CGAN = ModelSpec("cgan", "conditional GAN: draws an image of the class asked for", CGANOptions,
                 "classicnets.models.gan.network:build_cgan", task="cgan",
                 steps="classicnets.models.gan.steps:AdversarialTraining",
                 data_loader="classicnets.data.labelled_images:load_labelled_images")
