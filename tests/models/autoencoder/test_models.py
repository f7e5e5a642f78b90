"""Autoencoder and ae-classifier models: shapes for any input, options, and save/load round-trips."""

import keras
import numpy as np
import pytest

from classicnets.errors import UserError
from classicnets.models import build_model

KINDS = ["dense", "conv", "denoising", "variational"]


def random_inputs(shape, count=3):
    return np.random.default_rng(0).random((count, *shape), dtype=np.float32)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("shape", [(8, 8, 1), (28, 28, 1), (13, 10, 3)])
def test_reconstructions_have_the_input_shape_and_range(kind, shape):
    code_size = 6 if kind != "conv" else 300  # conv: the code map needs one channel of the last level at least
    model = build_model("autoencoder", {"kind": kind, "code_size": code_size}, shape, num_classes=0)
    x = random_inputs(shape)
    reconstruction = np.asarray(model(x))
    assert reconstruction.shape == x.shape
    assert reconstruction.min() >= 0 and reconstruction.max() <= 1  # sigmoid output
    codes = np.asarray(model.encode(x))
    assert codes.shape == (3, model.code_size)
    assert model.code_size == code_size if kind != "conv" else 1 <= model.code_size <= code_size


def test_dense_is_the_notes_network_and_conv_is_smaller():
    dense = build_model("autoencoder", {}, (28, 28, 1), 10)
    assert dense.count_params() == (784 * 256 + 256) + (256 * 128 + 128) + (128 * 256 + 256) + (256 * 784 + 784)
    assert build_model("autoencoder", {"kind": "conv"}, (28, 28, 1), 10).count_params() < dense.count_params()


@pytest.mark.parametrize("shape, code_size, expected", [((28, 28, 1), 128, 7 * 7 * 2), ((8, 8, 1), 128, 2 * 2 * 32),
                                                         ((28, 28, 1), 60, 7 * 7 * 1)])
def test_conv_code_is_the_last_feature_map_with_as_many_channels_as_fit(shape, code_size, expected):
    model = build_model("autoencoder", {"kind": "conv", "code_size": code_size}, shape, 10)
    assert model.code_size == expected
    assert np.asarray(model.encode(random_inputs(shape))).shape == (3, expected)


def test_conv_code_size_below_one_channel_is_refused():
    with pytest.raises(UserError, match="code_size 20 .* 7x7"):  # Python's names; the CLI says --code-size
        build_model("autoencoder", {"kind": "conv", "code_size": 20}, (28, 28, 1), 10)


def test_notes_settings_are_reachable():
    options = {"activation": "sigmoid", "code_activation": "sigmoid", "initializer": "random_normal"}
    model = build_model("autoencoder", options, (28, 28, 1), 10)
    first = model.encoder.layers[1]
    assert first.activation.__name__ == "sigmoid"
    assert 0.9 < float(np.std(first.kernel.numpy())) < 1.1  # RandomNormal(stddev=1)


@pytest.mark.parametrize("options,phrase", [
    ({"kind": "sparse"}, "unknown kind"),
    ({"code_size": 0}, "code_size must be positive"),
    ({"noise": 0.0}, "noise must be positive"),
    ({"kind": "variational", "code_activation": "relu"}, "needs code_activation linear"),
])
def test_bad_options_are_user_errors(options, phrase):
    with pytest.raises(UserError, match=phrase):
        build_model("autoencoder", options, (8, 8, 1), 10)


def test_conv_refuses_feature_vectors():
    with pytest.raises(UserError, match="kind conv needs images"):
        build_model("autoencoder", {"kind": "conv"}, (20,), 3)


@pytest.mark.parametrize("name,options", [
    ("autoencoder", {"kind": "conv"}), ("autoencoder", {"kind": "denoising"}),
    ("autoencoder", {"kind": "variational"}), ("ae-classifier", {"kind": "conv", "freeze_encoder": True}),
])
def test_save_and_load_round_trip(tmp_path, name, options):
    model = build_model(name, {**options, "code_size": 5}, (8, 8, 1), 4)
    x = random_inputs((8, 8, 1))
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras", safe_mode=True, compile=False)
    assert type(loaded) is type(model)
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)), rtol=1e-5, atol=1e-6)
    assert loaded.get_config()["noise"] == model.get_config()["noise"]
