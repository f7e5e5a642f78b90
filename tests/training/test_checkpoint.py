"""Checkpoints store each variable under its name in the model's object graph and load by name."""

import json

import keras
import numpy as np
import pytest

from classicnets.errors import UserError
from classicnets.training.checkpoint import load_checkpoint, named_variables, save_checkpoint


class TwoTowers(keras.Model):
    """Two same-shaped dense layers: loading by position could swap them without a word."""

    def __init__(self):
        super().__init__()
        self.left = keras.layers.Dense(3)
        self.right = keras.layers.Dense(3)

    def call(self, x):
        return self.left(x) + self.right(x)


def built(seed):
    keras.utils.set_random_seed(seed)
    model = TwoTowers()
    model(np.zeros((1, 3), np.float32))
    optimizer = keras.optimizers.Adam()
    optimizer.build(model.trainable_variables)
    return model, optimizer


def groups(model, optimizer):
    return {"model": list(model.variables), "optimizer": list(optimizer.variables)}


def test_keys_are_object_graph_names_independent_of_layer_numbering(tmp_path):
    first, first_optimizer = built(1)
    keras.layers.Dense(3)  # another layer made in between moves Keras' automatic layer numbers on
    second, second_optimizer = built(1)
    assert first.left.kernel.path != second.left.kernel.path
    keys = list(named_variables(groups(first, first_optimizer), first))
    assert keys == list(named_variables(groups(second, second_optimizer), second))
    assert "model/left/_kernel" in keys and "model/right/bias" in keys
    assert "optimizer/left/_kernel:momentum" in keys and "optimizer/iteration" in keys


def test_variables_listed_in_another_order_still_get_their_own_values(tmp_path):
    saved, saved_optimizer = built(1)
    save_checkpoint(tmp_path / "c.npz", groups(saved, saved_optimizer), {"epoch": 3}, saved)
    loaded, loaded_optimizer = built(2)
    reordered = {"model": list(reversed(loaded.variables)), "optimizer": list(loaded_optimizer.variables)}
    assert load_checkpoint(tmp_path / "c.npz", reordered, loaded) == {"epoch": 3}
    np.testing.assert_array_equal(loaded.left.kernel.numpy(), saved.left.kernel.numpy())
    np.testing.assert_array_equal(loaded.right.kernel.numpy(), saved.right.kernel.numpy())
    assert not np.array_equal(loaded.left.kernel.numpy(), loaded.right.kernel.numpy())


def test_a_checkpoint_by_position_is_refused_and_nothing_is_loaded(tmp_path):
    model, optimizer = built(1)
    before = [v.numpy().copy() for v in model.variables]
    arrays = {f"model/{i:05d}": np.zeros(v.shape, np.float32) for i, v in enumerate(model.variables)}
    np.savez(tmp_path / "old.npz", __state__=np.array(json.dumps({"history": []})), **arrays)
    with pytest.raises(UserError, match="by position, not by name.*without resume"):
        load_checkpoint(tmp_path / "old.npz", {"model": list(model.variables)}, model)
    for value, variable in zip(before, model.variables):
        np.testing.assert_array_equal(value, variable.numpy())


def test_a_checkpoint_of_another_model_is_refused(tmp_path):
    model, optimizer = built(1)
    save_checkpoint(tmp_path / "c.npz", groups(model, optimizer), {}, model)
    other = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3), keras.layers.Dense(3)])
    with pytest.raises(UserError, match="different model or options"):
        load_checkpoint(tmp_path / "c.npz", {"model": list(other.variables)}, other)
