"""The adversarial training of `gan` and `cgan` for classicnets' trainer: the step itself is the model's
(classicnets.models.gan.steps); this task makes its two optimisers from the run's config and names what a
checkpoint must hold."""

from __future__ import annotations

import keras

from classicnets.config import TrainConfig
from classicnets.models.gan.steps import SUM_NAMES
from classicnets.training.tasks import optimizer_from_config, register_task


class AdversarialTask:
    """Trains an AdversarialPair (classicnets.models.gan.network) on images, with or without their labels."""

    sum_names = SUM_NAMES

    def __init__(self, model: keras.Model, generator_optimizer: keras.optimizers.Optimizer,
                 discriminator_optimizer: keras.optimizers.Optimizer) -> None:
        self.model = model
        model.use_optimizers(generator_optimizer, discriminator_optimizer)
        self.train_step, self.test_step = model.train_sums, model.test_sums

    @property
    def generator_optimizer(self) -> keras.optimizers.Optimizer:
        return self.model.generator_optimizer

    @property
    def discriminator_optimizer(self) -> keras.optimizers.Optimizer:
        return self.model.discriminator_optimizer

    @classmethod
    def create(cls, model: keras.Model, train: TrainConfig, total_steps: int) -> "AdversarialTask":
        """The task with one optimizer per network (--optimizer and --schedule; rates from the model options)."""
        options = model.training_options
        return cls(model, optimizer_from_config(train, total_steps, options.get("generator_lr")),
                   optimizer_from_config(train, total_steps, options.get("discriminator_lr")))

    def variables(self) -> dict[str, list]:
        """Both networks, the noise generator's state and both optimisers: a resume continues exactly."""
        return {"generator": list(self.model.generator.variables),
                "discriminator": list(self.model.discriminator.variables),
                "noise": [self.model.noise_seeds.state],
                "generator_optimizer": list(self.generator_optimizer.variables),
                "discriminator_optimizer": list(self.discriminator_optimizer.variables)}


@register_task("gan")
class GANTask(AdversarialTask):
    """The unconditional GAN: labels are ignored."""


@register_task("cgan")
class ConditionalGANTask(AdversarialTask):
    """The conditional GAN: both networks see the label of each image."""
