"""The adversarial training recipe of `gan` and `cgan`: two optimisers, each stepping only its own network.

Each step first trains the discriminator on a real batch and a generated one, then the generator through the
discriminator with fresh noise. Losses go through tf.nn.compute_average_loss, so gradients are the same on one
device or many. A cgan's generator draws the labels of the real batch, so classes come as often as in the data.
"""

from __future__ import annotations


import keras
import tensorflow as tf

from classicnets.config import TrainConfig
from classicnets.training.tasks import optimizer_from_config, register_task


def _cross_entropy(target: float, logits: tf.Tensor) -> tf.Tensor:
    """Per-example sigmoid cross-entropy of (B, 1) logits against a constant target: (B,)."""
    targets = tf.fill(tf.shape(logits), target)
    return tf.reshape(tf.nn.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits), [-1])


class AdversarialTask:
    """Trains an AdversarialPair (classicnets.models.gan.network) on images, with or without their labels."""

    # "loss" (discriminator + generator) is what early stopping would watch; the scores are D's mean
    # probability of "real" on real and on generated images (both near 0.5 when neither network wins).
    sum_names = ("loss", "discriminator_loss", "generator_loss", "real_score", "fake_score", "count")

    def __init__(self, model: keras.Model, generator_optimizer: keras.optimizers.Optimizer,
                 discriminator_optimizer: keras.optimizers.Optimizer) -> None:
        self.model = model
        self.generator_optimizer, self.discriminator_optimizer = generator_optimizer, discriminator_optimizer
        options = model.training_options
        self.real_target = float(options.get("label_smoothing", 1.0))
        self.minimax = options.get("generator_loss") == "minimax"
        self.class_weight = float(options.get("class_loss", 0.0))
        for optimizer in (generator_optimizer, discriminator_optimizer):
            if hasattr(optimizer, "beta_1"):  # GANs train steadier with less momentum (Radford et al. 2015)
                optimizer.beta_1 = float(options.get("beta_1", optimizer.beta_1))
        generator_optimizer.build(model.generator.trainable_variables)  # slots exist before a resume restores them
        discriminator_optimizer.build(model.discriminator.trainable_variables)

    @classmethod
    def create(cls, model: keras.Model, train: TrainConfig, total_steps: int) -> "AdversarialTask":
        """The task with one optimizer per network (--optimizer and --schedule; rates from the model options)."""
        options = model.training_options
        return cls(model, optimizer_from_config(train, total_steps, options.get("generator_lr")),
                   optimizer_from_config(train, total_steps, options.get("discriminator_lr")))

    def _noise(self, batch: tf.Tensor) -> tf.Tensor:
        """(B, noise_dim) standard normal noise from the model's seeded generator."""
        return keras.random.normal((batch, self.model.noise_dim), seed=self.model.noise_seeds)

    def _class_loss(self, y: tf.Tensor, class_logits: tf.Tensor | None) -> tf.Tensor | float:
        """Weighted per-example cross-entropy of the auxiliary class logits against the labels (0 without them)."""
        if class_logits is None:
            return 0.0
        return self.class_weight * tf.nn.sparse_softmax_cross_entropy_with_logits(tf.cast(y, tf.int32), class_logits)

    def _discriminator_losses(self, x: tf.Tensor, y: tf.Tensor, training: bool) -> tuple[tf.Tensor, ...]:
        """Per-example discriminator loss and its real/generated scores. The auxiliary class loss is taken on
        real images only, so the discriminator learns the classes from the data, not from the generator."""
        generated = self.model.generate(self._noise(tf.shape(x)[0]), y, training=training)
        real_logits, real_classes = self.model.discriminate_and_classify(x, y, training=training)  # (B, 1), (B, K)
        fake_logits = self.model.discriminate(generated, y, training=training)
        per_example = _cross_entropy(self.real_target, real_logits) + _cross_entropy(0.0, fake_logits)
        per_example += self._class_loss(y, real_classes)
        return per_example, tf.sigmoid(real_logits), tf.sigmoid(fake_logits)

    def _generator_loss(self, x: tf.Tensor, y: tf.Tensor, training: bool) -> tf.Tensor:
        """Per-example generator loss on freshly generated images (plus, for an AC-GAN, the class loss of the
        discriminator naming them as the class asked for)."""
        generated = self.model.generate(self._noise(tf.shape(x)[0]), y, training=training)
        fake_logits, fake_classes = self.model.discriminate_and_classify(generated, y, training=training)
        if self.minimax:  # minimise log(1 - D(G(z))) = -cross_entropy(0, logits): saturates when D wins
            adversarial = -_cross_entropy(0.0, fake_logits)
        else:  # minimise -log D(G(z))
            adversarial = _cross_entropy(1.0, fake_logits)
        return adversarial + self._class_loss(y, fake_classes)

    def _sums(self, d_loss: tf.Tensor, g_loss: tf.Tensor, real: tf.Tensor, fake: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """Per-replica sums in sum_names order."""
        d_sum, g_sum = tf.reduce_sum(d_loss), tf.reduce_sum(g_loss)
        count = tf.cast(tf.shape(d_loss)[0], tf.float32)
        return d_sum + g_sum, d_sum, g_sum, tf.reduce_sum(real), tf.reduce_sum(fake), count

    def train_step(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """One discriminator step, then one generator step."""
        discriminator, generator = self.model.discriminator, self.model.generator
        with tf.GradientTape() as tape:
            d_loss, real, fake = self._discriminator_losses(x, y, training=True)
            loss = tf.nn.compute_average_loss(d_loss)
        gradients = tape.gradient(loss, discriminator.trainable_variables)
        self.discriminator_optimizer.apply_gradients(zip(gradients, discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            g_loss = self._generator_loss(x, y, training=True)
            loss = tf.nn.compute_average_loss(g_loss)
        gradients = tape.gradient(loss, generator.trainable_variables)
        self.generator_optimizer.apply_gradients(zip(gradients, generator.trainable_variables))
        return self._sums(d_loss, g_loss, real, fake)

    def test_step(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """The same losses on held-out real images, without training."""
        d_loss, real, fake = self._discriminator_losses(x, y, training=False)
        return self._sums(d_loss, self._generator_loss(x, y, training=False), real, fake)

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
