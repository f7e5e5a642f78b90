"""The optimizer a run trains with: by name, with a constant or cosine-decayed learning rate."""

from __future__ import annotations

import keras

from classicnets.config import TrainConfig, sized_for
from classicnets.errors import UserError

OPTIMIZERS = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD, "rmsprop": keras.optimizers.RMSprop}


def make_optimizer(name: str, learning_rate: float | keras.optimizers.schedules.LearningRateSchedule,
                   schedule: str = "constant", total_steps: int = 1) -> keras.optimizers.Optimizer:
    """An optimizer by name; schedule 'cosine' decays the learning rate to 0 over `total_steps`."""
    if name not in OPTIMIZERS:
        raise UserError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    rate = learning_rate
    if schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=max(total_steps, 1))
    return OPTIMIZERS[name](learning_rate=rate)


def optimizer_from_config(train: TrainConfig, total_steps: int,
                          learning_rate: float | None = None) -> keras.optimizers.Optimizer:
    """The optimizer a TrainConfig asks for (a model with two networks asks twice, with a rate of each)."""
    rate = learning_rate or sized_for(train, None).learning_rate  # a config not yet sized for its data: 0.001
    return make_optimizer(train.optimizer, rate, train.schedule, total_steps)
