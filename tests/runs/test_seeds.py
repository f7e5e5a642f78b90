"""One seed, one result: every family trained twice with --seed 0 ends with the same weights (the validation
split, initial weights, batch order, dropout and noise all come from the seed), and --seed 1 starts from other
weights."""

import numpy as np
import pytest

from classicnets.models import model_names
from classicnets.training.distribute import make_strategy
from classicnets.training.trainer import Trainer
from classicnets.experiment import prepare_training
from classicnets.runs.datasets import load_run_data

from tests.helpers import tiny_config

@pytest.fixture(scope="module")
def datasets():
    """Each family's bundled data, loaded once."""
    return {name: load_run_data(tiny_config(name), notice=lambda text: None) for name in model_names()}

def weights(model):
    return [np.asarray(v) for v in model.get_weights()]


def train_one_epoch(name, dataset, seed, folder, train=True):
    """The model's initial weights and, when `train`, its weights after one epoch (else None)."""
    # compiling with XLA takes longer than these tiny epochs; the mlp keeps XLA's determinism covered
    jit = "auto" if name == "mlp" else "off"
    config = tiny_config(name, epochs=1, seed=seed, jit_compile=jit)
    config, steps, train_split, _ = prepare_training(config, dataset, make_strategy("none"))
    initial = weights(steps.model)
    if not train:
        return initial, None
    # the validation examples are held out of train_split by the seed; passing over them adds nothing here
    Trainer(steps, make_strategy("none"), config.train, folder / "checkpoint.npz", verbose=False).fit(train_split, None)
    return initial, weights(steps.model)


@pytest.mark.slow
@pytest.mark.parametrize("name", model_names())
def test_one_seed_gives_one_result_and_another_seed_another(name, datasets, tmp_path):
    (first_start, first), (_, again) = (train_one_epoch(name, datasets[name], 0, tmp_path / str(index))
                                        for index in range(2))
    assert len(first) == len(again) > 0
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    # another seed: other initial weights already (or, where they do not depend on it, other trained ones)
    other_start, _ = train_one_epoch(name, datasets[name], 1, tmp_path / "other", train=False)
    if all(np.array_equal(a, c) for a, c in zip(first_start, other_start)):
        other = train_one_epoch(name, datasets[name], 1, tmp_path / "other")[1]
        assert any(not np.array_equal(a, c) for a, c in zip(first, other))
