"""The Python API refuses what the CLI refuses: configs and model options built in code with nan, inf or
values past their bounds raise a UserError naming the value (tests/reliability covers the command line)."""

from __future__ import annotations

import dataclasses
import math
import typing

import pytest

from classicnets.config import MAX_EPOCHS, MAX_IMAGE_SIDE, DataConfig, TrainConfig, validate_data, validate_train
from classicnets.errors import UserError
from classicnets.models import get_spec, model_names
from classicnets.models.registry import make_options

FLOAT_OPTIONS = [(name, field.name) for name in model_names()
                 for field in dataclasses.fields(get_spec(name).options)
                 if typing.get_type_hints(get_spec(name).options)[field.name] is float]


def test_every_float_option_is_checked():
    assert len(FLOAT_OPTIONS) >= 20  # dropout, noise, beta, init_stddev, l2, learning rates of the GANs...
    assert ("softmax", "l2") in FLOAT_OPTIONS and ("gan", "beta_1") in FLOAT_OPTIONS


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("model, option", FLOAT_OPTIONS, ids=[f"{m}-{o}" for m, o in FLOAT_OPTIONS])
def test_model_options_refuse_non_finite_floats(model, option, value):
    with pytest.raises(UserError, match=f"{option}={value}"):
        make_options(get_spec(model), {option: value})


@pytest.mark.parametrize("train, words", [
    (TrainConfig(learning_rate=math.inf), "learning_rate=inf"),
    (TrainConfig(learning_rate=math.nan), "learning_rate=nan"),
    (TrainConfig(seed=-1), "seed=-1"),
    (TrainConfig(seed=2**32), "seed=4294967296"),
    (TrainConfig(epochs=MAX_EPOCHS + 1), "epochs=100001"),
])
def test_training_values_are_bounded(train, words):
    with pytest.raises(UserError, match=words):
        validate_train(train)


def test_the_bounds_themselves_are_allowed():
    assert validate_train(TrainConfig(seed=2**32 - 1, epochs=MAX_EPOCHS)).seed == 2**32 - 1
    assert validate_data(DataConfig(image_size=(MAX_IMAGE_SIDE, 4))).image_size == (MAX_IMAGE_SIDE, 4)


@pytest.mark.parametrize("data, words", [
    (DataConfig(test_fraction=math.nan), "test_fraction=nan"),
    (DataConfig(validation_fraction=math.inf), "validation_fraction=inf"),
    (DataConfig(image_size=(MAX_IMAGE_SIDE + 1, 28)), "at most 1024"),
    (DataConfig(image_size=(0, 28)), "image_size=(0, 28)"),
    (DataConfig(image_size=(1, 1)), "at least 4x4 to train on"),
])
def test_data_values_are_bounded(data, words):
    with pytest.raises(UserError, match=words.replace("(", r"\(").replace(")", r"\)")):
        validate_data(data)
