"""One seed, one result: every family trained twice with --seed 0 ends with the same weights, and --seed 1
gives other weights (the validation split, initial weights, batch order, dropout and noise all come from it)."""

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

def weights_after_one_epoch(name, dataset, seed, folder):
    # compiling with XLA takes longer than these tiny epochs; the mlp keeps XLA's determinism covered
    jit = "auto" if name == "mlp" else "off"
    config = tiny_config(name, epochs=1, seed=seed, jit_compile=jit)
    config, task, train, validation = prepare_training(config, dataset, make_strategy("none"))
    Trainer(task, make_strategy("none"), config.train, folder / "checkpoint.npz", verbose=False).fit(train, validation)
    return [np.asarray(v) for v in task.model.get_weights()]

@pytest.mark.slow
@pytest.mark.parametrize("name", model_names())
def test_one_seed_gives_one_result_and_another_seed_another(name, datasets, tmp_path):
    first, again, other = (weights_after_one_epoch(name, datasets[name], seed, tmp_path / str(index))
                           for index, seed in enumerate((0, 0, 1)))
    assert len(first) == len(again) == len(other) > 0
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, c) for a, c in zip(first, other))
