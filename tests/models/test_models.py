"""Every model family builds for any input shape and trains a step; options are checked."""

import numpy as np
import pytest

from classicnets.errors import UserError
from classicnets.models import build_model, describe_options, get_spec, model_names


@pytest.mark.parametrize("name", ["softmax", "mlp", "cnn", "rnn"])
@pytest.mark.parametrize("shape", [(8, 8, 1), (28, 28, 1), (12, 10, 3), (20,)])
def test_builds_for_any_input_shape(name, shape):
    model = build_model(name, {}, shape, num_classes=4)
    probabilities = np.asarray(model(np.random.default_rng(0).random((2, *shape), dtype=np.float32)))
    assert probabilities.shape == (2, 4)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_mlp_notes_settings_are_reachable():
    options = {"hidden": (256, 256), "initializer": "random_normal", "init_stddev": 1.0, "dropout": 0.0, "batch_norm": False}
    model = build_model("mlp", options, (28, 28, 1), 10)
    assert model.count_params() == 784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10
    assert 0.9 < float(np.std(model.layers[1].kernel.numpy())) < 1.1  # RandomNormal(stddev=1)


def test_softmax_is_one_dense_layer():
    assert build_model("softmax", {}, (28, 28, 1), 10).count_params() == 784 * 10 + 10


def test_cnn_matches_the_notes_network():
    model = build_model("cnn", {}, (28, 28, 1), 10)
    convs = [layer for layer in model.layers if layer.__class__.__name__ == "Conv2D"]
    assert [c.filters for c in convs] == [32, 64]
    assert model.count_params() == (9 * 32 + 32) + (9 * 32 * 64 + 64) + (7 * 7 * 64 * 256 + 256) + (256 * 10 + 10)


@pytest.mark.parametrize("cell", ["simple", "lstm", "gru"])
def test_rnn_cells_and_layers(cell):
    model = build_model("rnn", {"cell": cell, "units": 16, "layers": 2}, (28, 28, 1), 10)
    assert model.output_shape == (None, 10)
    assert sum(1 for layer in model.layers if cell.upper()[:3] in layer.__class__.__name__.upper()) == 2


@pytest.mark.parametrize("name,options,phrase", [
    ("mlp", {"hidden": (0,)}, "hidden must be positive"),
    ("mlp", {"activation": "nope"}, "unknown activation"),
    ("mlp", {"dropout": 1.5}, "dropout must be in [0, 1)"),
    ("rnn", {"cell": "transformer"}, "unknown cell"),
    ("cnn", {"dense": -1}, "dense must be >= 0"),
    ("mlp", {"width": 3}, "has no option(s) width"),
])
def test_bad_options_are_user_errors(name, options, phrase):
    with pytest.raises(UserError, match=phrase.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        build_model(name, options, (8, 8, 1), 10)


def test_unknown_model_lists_the_known_ones():
    with pytest.raises(UserError, match="softmax, mlp, cnn, rnn"):
        get_spec("resnet")


def test_every_option_is_documented():
    for name in model_names():
        for row in describe_options(get_spec(name)):
            assert row["help"], f"{name} --{row['name']} has no help text"
