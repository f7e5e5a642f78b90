"""Small separable data and a trainer over it, shared by the trainer tests."""

import keras
import numpy as np
import tensorflow as tf

from classicnets.config import TrainConfig
from classicnets.data.pipeline import ArraySplit
from classicnets.models import build_model
from classicnets.models.steps import ClassifierSteps
from classicnets.optimizers import make_optimizer
from classicnets.training.trainer import Trainer


def blobs(count: int, seed: int = 0) -> ArraySplit:
    """Three separable classes of 6x6 uint8 images: class k lights up band k."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, count)
    x = rng.integers(0, 60, (count, 6, 6, 1)).astype(np.uint8)
    for k in range(3):
        x[y == k, 2 * k:2 * k + 2] += 180
    return ArraySplit(x, y.astype(np.int64))


def make_trainer(tmp_path, epochs=2, model="mlp", options=None, **train):
    """A trainer of `model` on 6x6 images of 3 classes; without XLA unless asked (jit_compile="auto" or "on"):
    compiling takes longer than these few steps."""
    keras.utils.set_random_seed(7)
    train = {"learning_rate": 1e-3, "jit_compile": "off", **train}
    config = TrainConfig(epochs=epochs, batch_size=16, seed=7, steps_per_execution=3, **train)
    network = build_model(model, {"hidden": (16,), "dropout": 0.3} if options is None else options, (6, 6, 1), 3)
    task = ClassifierSteps(network, make_optimizer(config.optimizer, config.learning_rate))
    return Trainer(task, tf.distribute.get_strategy(), config, tmp_path / "checkpoint.npz", verbose=False)


def weights(trainer):
    return [v.numpy().copy() for v in trainer.steps.model.variables]

