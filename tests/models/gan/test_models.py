"""The gan and cgan models: shapes, value range, the label matters, the notes' sizes, save/load round-trip."""

import keras
import numpy as np
import pytest

from classicnets.errors import UserError
from classicnets.models import build_model
from classicnets.models.layers import BatchSpread

from tests.models.gan.small import SMALL


def test_generate_gives_images_in_unit_range():
    model = build_model("gan", SMALL, (6, 6, 1), 3)
    images = model.sample(5, seed=1)
    assert images.shape == (5, 6, 6, 1)
    assert images.min() >= 0.0 and images.max() <= 1.0
    np.testing.assert_array_equal(images, model.sample(5, seed=1))  # same seed, same images
    assert not np.allclose(images, model.sample(5, seed=2))


def test_cgan_output_depends_on_the_label():
    model = build_model("cgan", SMALL, (6, 6, 1), 3)
    zeros, twos = model.sample(4, 0, seed=3), model.sample(4, 2, seed=3)
    assert zeros.shape == (4, 6, 6, 1)
    assert np.abs(zeros - twos).mean() > 1e-3


def test_discriminator_gives_one_logit_per_image():
    model = build_model("cgan", SMALL, (6, 6, 1), 3)
    logits = model.discriminate(np.zeros((3, 6, 6, 1), np.float32), np.array([0, 1, 2], np.int32))
    assert tuple(logits.shape) == (3, 1)


def test_cgan_discriminator_also_names_the_class():
    images, labels = np.zeros((3, 6, 6, 1), np.float32), np.array([0, 1, 2], np.int32)
    realness, classes = build_model("cgan", SMALL, (6, 6, 1), 3).discriminate_and_classify(images, labels)
    assert tuple(realness.shape) == (3, 1) and tuple(classes.shape) == (3, 3)
    realness, classes = build_model("cgan", {**SMALL, "class_loss": 0}, (6, 6, 1), 3).discriminate_and_classify(
        images, labels)
    assert tuple(realness.shape) == (3, 1) and classes is None


def test_batch_spread_appends_the_mean_standard_deviation_over_the_batch():
    features = np.array([[0.0, 1.0], [2.0, 5.0]], np.float32)  # per-feature std over the batch: 1 and 2
    spread = np.asarray(BatchSpread()(features))
    np.testing.assert_allclose(spread, [[0.0, 1.0, 1.5], [2.0, 5.0, 1.5]])


def test_notes_dense_gan_is_reachable():
    notes = {"noise_dim": 128, "generator_hidden": (256,), "discriminator_hidden": (256,), "activation": "relu",
             "dropout": 0.0, "batch_spread": False, "spectral_norm": False}
    model = build_model("gan", notes, (28, 28, 1), 10)
    assert model.generator.count_params() == 128 * 256 + 256 + 256 * 784 + 784
    assert model.discriminator.count_params() == 784 * 256 + 256 + 256 + 1


def test_spectral_norm_wraps_every_discriminator_dense_layer():
    model = build_model("gan", {**SMALL, "spectral_norm": True}, (6, 6, 1), 3)
    dense = [layer for layer in model.discriminator.layers if isinstance(layer, keras.layers.Dense)]
    wrapped = [layer for layer in model.discriminator.layers if isinstance(layer, keras.layers.SpectralNormalization)]
    assert not dense and len(wrapped) == 2  # the hidden layer and the realness logit
    images = np.random.default_rng(0).random((8, 6, 6, 1)).astype(np.float32)
    for _ in range(20):  # each training call runs one power iteration and rescales the kernels in place
        model.discriminator(images, training=True)
    for layer in wrapped:
        assert np.linalg.norm(layer.kernel.numpy(), 2) == pytest.approx(1.0, rel=0.05)


@pytest.mark.parametrize("name, options", [("cgan", SMALL), ("gan", {**SMALL, "spectral_norm": True})])
def test_save_and_load_round_trip(tmp_path, name, options):
    model = build_model(name, options, (6, 6, 1), 3)
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras", safe_mode=True, compile=False)
    label = 1 if model.conditional else None
    np.testing.assert_allclose(loaded.sample(4, label, seed=5), model.sample(4, label, seed=5), atol=1e-6)
    images = np.random.default_rng(0).random((2, 6, 6, 1)).astype(np.float32)
    labels = np.array([0, 2], np.int32) if model.conditional else None
    np.testing.assert_allclose(loaded.discriminate(images, labels), model.discriminate(images, labels), atol=1e-6)
    assert loaded.training_options == model.training_options and loaded.num_classes == model.num_classes


@pytest.mark.parametrize("options, message", [({"label_smoothing": 0.3}, "label_smoothing"),
                                              ({"generator_lr": 0}, "generator_lr"),
                                              ({"activation": "tanh"}, "activation")])
def test_bad_options_are_refused(options, message):
    with pytest.raises(UserError, match=message):
        build_model("gan", options, (6, 6, 1), 3)


def test_cgan_needs_images_and_labels():
    with pytest.raises(UserError, match="image"):
        build_model("gan", SMALL, (20,), 3)
    with pytest.raises(UserError, match="class"):
        build_model("cgan", SMALL, (6, 6, 1), 1)
