"""Tiny runs of every model family, on bundled data."""

import warnings

from classicnets.config import DataConfig, RunConfig, TrainConfig
from classicnets.models import get_spec
from classicnets.workflows import train_and_evaluate

TINY = {  # small options: these tests are about files and seeds, not accuracy
    "mlp": {"hidden": (16,)}, "cnn": {"filters": (4,), "dense": 8}, "rnn": {"units": 8},
    "autoencoder": {"hidden": (16,), "code_size": 4}, "ae-classifier": {"hidden": (16,), "code_size": 4},
    "autocomplete": {"words": "notes", "units": 8}, "seq2seq": {"pairs": "notes", "units": 8},
    "gan": {"generator_hidden": (16,), "discriminator_hidden": (16,), "noise_dim": 4},
    "cgan": {"generator_hidden": (16,), "discriminator_hidden": (16,), "noise_dim": 4},
}
OWN_DATA = {"linear-regression", "linear-classifier", "tabular", "autocomplete", "seq2seq"}


def tiny_config(name, **train):
    """A RunConfig of family `name` with tiny options, on its own bundled data or the bundled digits."""
    train = {**get_spec(name).train_defaults, **train}
    data = DataConfig() if name in OWN_DATA else DataConfig(dataset="digits")
    return RunConfig(model=name, model_options=TINY.get(name, {}), data=data, train=TrainConfig(**train))


def train_quietly(config, run_dir):
    """Train and evaluate `config` into `run_dir` with nothing printed; the RunResult."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return train_and_evaluate(config, run_dir, verbose=False, notice=lambda text: None)
