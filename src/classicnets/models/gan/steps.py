"""How a GAN learns, owned by the model (AdversarialPair mixes this in): one discriminator step on a real batch
and a generated one, then one generator step through the discriminator with fresh noise, each optimiser
stepping only its own network. A cgan's generator draws the labels of the real batch, so classes come as
often as in the data.

classicnets' trainer calls train_sums/test_sums (per-replica sums, losses through tf.nn.compute_average_loss
so gradients are the same on one device or many); in a notebook, `model.compile()` then `model.fit(images,
labels)` runs the same step through Keras' own train_step on one device."""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from classicnets.config import TrainConfig
from classicnets.models.steps import OwnObjective
from classicnets.optimizers import optimizer_from_config

# "loss" (discriminator + generator) is what early stopping would watch; the scores are D's mean probability of
# "real" on real and on generated images (both near 0.5 when neither network wins).
SUM_NAMES = ("loss", "discriminator_loss", "generator_loss", "real_score", "fake_score", "count")


def _cross_entropy(target: float, logits: tf.Tensor) -> tf.Tensor:
    """Per-example sigmoid cross-entropy of (B, 1) logits against a constant target: (B,)."""
    targets = tf.fill(tf.shape(logits), target)
    return tf.reshape(tf.nn.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits), [-1])


class AdversarialSteps(OwnObjective):
    """The training step of a generator/discriminator pair; needs generator, discriminator, noise_dim,
    noise_seeds, conditional and training_options on the model."""

    sum_names = SUM_NAMES

    def compile(self, generator_optimizer: keras.optimizers.Optimizer | None = None,
                discriminator_optimizer: keras.optimizers.Optimizer | None = None, **kwargs: Any) -> None:
        """Ready the model for Keras fit(): one optimiser per network (default: Adam at the model's own
        learning rates)."""
        super().compile(**kwargs)  # type: ignore[misc]
        options = self.training_options
        self.use_optimizers(generator_optimizer or keras.optimizers.Adam(options.get("generator_lr") or 2e-4),
                            discriminator_optimizer or keras.optimizers.Adam(options.get("discriminator_lr") or 2e-4))

    def use_optimizers(self, generator_optimizer: keras.optimizers.Optimizer,
                       discriminator_optimizer: keras.optimizers.Optimizer) -> None:
        """Train each network with its own optimiser (momentum from the model's beta_1), slots built now so a
        checkpoint can restore into them."""
        options = self.training_options
        for optimizer in (generator_optimizer, discriminator_optimizer):
            if hasattr(optimizer, "beta_1"):  # GANs train steadier with less momentum (Radford et al. 2015)
                optimizer.beta_1 = float(options.get("beta_1", optimizer.beta_1))
        generator_optimizer.build(self.generator.trainable_variables)
        discriminator_optimizer.build(self.discriminator.trainable_variables)
        self.generator_optimizer, self.discriminator_optimizer = generator_optimizer, discriminator_optimizer

    def _noise(self, batch: tf.Tensor) -> tf.Tensor:
        """(B, noise_dim) standard normal noise from the model's seeded generator."""
        return keras.random.normal((batch, self.noise_dim), seed=self.noise_seeds)

    def _class_loss(self, y: tf.Tensor, class_logits: tf.Tensor | None) -> tf.Tensor | float:
        """Weighted per-example cross-entropy of the auxiliary class logits against the labels (0 without them)."""
        if class_logits is None:
            return 0.0
        weight = float(self.training_options.get("class_loss", 0.0))
        return weight * tf.nn.sparse_softmax_cross_entropy_with_logits(tf.cast(y, tf.int32), class_logits)

    def _discriminator_losses(self, x: tf.Tensor, y: tf.Tensor, training: bool) -> tuple[tf.Tensor, ...]:
        """Per-example discriminator loss and its real/generated scores. The auxiliary class loss is taken on
        real images only, so the discriminator learns the classes from the data, not from the generator."""
        real_target = float(self.training_options.get("label_smoothing", 1.0))
        generated = self.generate(self._noise(tf.shape(x)[0]), y, training=training)
        real_logits, real_classes = self.discriminate_and_classify(x, y, training=training)  # (B, 1), (B, K)
        fake_logits = self.discriminate(generated, y, training=training)
        per_example = _cross_entropy(real_target, real_logits) + _cross_entropy(0.0, fake_logits)
        per_example += self._class_loss(y, real_classes)
        return per_example, tf.sigmoid(real_logits), tf.sigmoid(fake_logits)

    def _generator_loss(self, x: tf.Tensor, y: tf.Tensor, training: bool) -> tf.Tensor:
        """Per-example generator loss on freshly generated images (plus, for an AC-GAN, the class loss of the
        discriminator naming them as the class asked for)."""
        generated = self.generate(self._noise(tf.shape(x)[0]), y, training=training)
        fake_logits, fake_classes = self.discriminate_and_classify(generated, y, training=training)
        if self.training_options.get("generator_loss") == "minimax":
            adversarial = -_cross_entropy(0.0, fake_logits)  # minimise log(1 - D(G(z))): saturates when D wins
        else:
            adversarial = _cross_entropy(1.0, fake_logits)  # minimise -log D(G(z))
        return adversarial + self._class_loss(y, fake_classes)

    @staticmethod
    def _sums(d_loss: tf.Tensor, g_loss: tf.Tensor, real: tf.Tensor, fake: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """Per-replica sums in SUM_NAMES order."""
        d_sum, g_sum = tf.reduce_sum(d_loss), tf.reduce_sum(g_loss)
        count = tf.cast(tf.shape(d_loss)[0], tf.float32)
        return d_sum + g_sum, d_sum, g_sum, tf.reduce_sum(real), tf.reduce_sum(fake), count

    def train_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """One discriminator step, then one generator step; returns the sums of SUM_NAMES."""
        with tf.GradientTape() as tape:
            d_loss, real, fake = self._discriminator_losses(x, y, training=True)
            loss = tf.nn.compute_average_loss(d_loss)
        variables = self.discriminator.trainable_variables
        self.discriminator_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        with tf.GradientTape() as tape:
            g_loss = self._generator_loss(x, y, training=True)
            loss = tf.nn.compute_average_loss(g_loss)
        variables = self.generator.trainable_variables
        self.generator_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return self._sums(d_loss, g_loss, real, fake)

    def test_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """The same losses on held-out real images, without training."""
        d_loss, real, fake = self._discriminator_losses(x, y, training=False)
        return self._sums(d_loss, self._generator_loss(x, y, training=False), real, fake)

    def fit_batch(self, data: Any) -> tuple[tf.Tensor, tf.Tensor]:
        """fit()'s batch as (images, labels): a gan may be given images alone (labels are then zeros)."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None:
            if self.conditional:
                raise ValueError("a cgan learns the class of each image: call fit(images, labels)")
            y = tf.zeros(tf.shape(x)[:1], tf.int32)
        return tf.cast(x, tf.float32), y


class AdversarialTraining:
    """What classicnets' trainer runs for gan and cgan: the model's own step, its two optimisers made from the
    run's config, and what a checkpoint must hold."""

    sum_names = SUM_NAMES

    def __init__(self, model: keras.Model, generator_optimizer: keras.optimizers.Optimizer,
                 discriminator_optimizer: keras.optimizers.Optimizer) -> None:
        self.model = model
        model.use_optimizers(generator_optimizer, discriminator_optimizer)
        self.train_sums, self.test_sums = model.train_sums, model.test_sums

    @property
    def generator_optimizer(self) -> keras.optimizers.Optimizer:
        return self.model.generator_optimizer

    @property
    def discriminator_optimizer(self) -> keras.optimizers.Optimizer:
        return self.model.discriminator_optimizer

    @classmethod
    def create(cls, model: keras.Model, train: TrainConfig, total_steps: int) -> "AdversarialTraining":
        """One optimizer per network (--optimizer and --schedule; rates from the model options)."""
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
