"""A model built by classicnets also trains with Keras' own fit() on one device, as in a notebook: the
classifiers compiled with a standard loss; the autoencoders (denoising noise included), the GANs and the word
models (each word weighing the same) with their own train_step."""

import keras
import numpy as np
import pytest

from classicnets.models import build_model
from tests.models.gan.small import SMALL, stripes


def images(count=96):
    x, y = stripes(count, 0)
    return (x[..., None] / 255.0).astype("float32"), y


@pytest.mark.parametrize("name, options", [("softmax", {}), ("mlp", {"hidden": (16,)}),
                                           ("cnn", {"filters": (4,), "dense": 8}), ("rnn", {"units": 8})])
def test_a_classifier_learns_with_keras_fit(name, options):
    keras.utils.set_random_seed(0)
    x, y = images()
    model = build_model(name, options, (6, 6, 1), 3)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=16, epochs=8, verbose=0).history
    assert history["loss"][-1] < history["loss"][0]
    assert model.evaluate(x, y, verbose=0)[1] > 0.8


def test_an_autoencoder_learns_with_keras_fit():
    keras.utils.set_random_seed(0)
    x, _ = images()
    model = build_model("autoencoder", {"hidden": (16,), "code_size": 4}, (6, 6, 1), 3)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, x, batch_size=16, epochs=5, verbose=0).history
    assert 0 < history["loss"][-1] < history["loss"][0]
    assert model.evaluate(x, x, verbose=0) == pytest.approx(float(np.mean((np.asarray(model(x)) - x) ** 2)), rel=1e-4)


def test_a_denoising_autoencoder_trains_on_noisy_inputs_with_keras_fit():
    keras.utils.set_random_seed(0)
    x, _ = images()
    model = build_model("autoencoder", {"kind": "denoising", "noise": 0.3, "hidden": (16,), "code_size": 4},
                        (6, 6, 1), 3)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")  # the notes' compile; the objective is the model's
    state = model.noise_seed.state.numpy()
    history = model.fit(x, x, batch_size=16, epochs=5, verbose=0).history
    assert not np.array_equal(state, model.noise_seed.state.numpy())  # noise was drawn for the training inputs
    assert 0 < history["loss"][-1] < history["loss"][0]
    clean = float(np.mean((np.asarray(model(x)) - x) ** 2))  # the reconstruction of clean inputs is scored too
    assert clean < history["loss"][0]


def test_a_variational_autoencoder_trains_with_keras_fit_through_its_own_objective():
    keras.utils.set_random_seed(0)
    x, _ = images()
    model = build_model("autoencoder", {"kind": "variational", "hidden": (16,), "code_size": 2}, (6, 6, 1), 3)
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    history = model.fit(x, batch_size=16, epochs=6, verbose=0).history
    assert set(history) >= {"loss", "mse", "kl"}
    assert history["loss"][-1] < history["loss"][0] and history["mse"][-1] < history["mse"][0]
    figures = model.evaluate(x, batch_size=32, verbose=0, return_dict=True)
    assert figures["kl"] >= 0 and figures["loss"] > figures["kl"]


@pytest.mark.parametrize("name", ["gan", "cgan"])
def test_a_gan_trains_with_keras_fit_through_its_own_step(name):
    keras.utils.set_random_seed(0)
    x, y = images()
    model = build_model(name, {**SMALL, "dropout": 0.0}, (6, 6, 1), 3)
    model.compile()
    generator_before = [w.copy() for w in model.generator.get_weights()]
    discriminator_before = [w.copy() for w in model.discriminator.get_weights()]
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0).history
    assert set(history) >= {"loss", "discriminator_loss", "generator_loss", "real_score", "fake_score"}
    assert all(np.isfinite(history["loss"])) and 0 < history["real_score"][-1] < 1
    assert all(not np.array_equal(a, b) for a, b in zip(generator_before, model.generator.get_weights()))
    assert all(not np.array_equal(a, b) for a, b in zip(discriminator_before, model.discriminator.get_weights()))
    figures = model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
    assert figures["loss"] == pytest.approx(figures["discriminator_loss"] + figures["generator_loss"], rel=1e-4)
    assert model.generate(np.zeros((2, SMALL["noise_dim"]), "float32"), np.array([0, 1])).shape == (2, 6, 6, 1)


def test_a_cgan_without_labels_is_told_what_it_needs():
    model = build_model("cgan", {**SMALL, "dropout": 0.0}, (6, 6, 1), 3)
    model.compile()
    with pytest.raises(ValueError, match="fit\\(images, labels\\)"):
        model.fit(images()[0], batch_size=16, epochs=1, verbose=0)


def counting_words(count=64, length=6, vocabulary=8, seed=0):
    """Token ids (B, T) and the next token at each position: each word counts up from a random letter and
    stops early (0 = padding after its end)."""
    rng = np.random.default_rng(seed)
    x = np.zeros((count, length), np.int32)
    for row, start in enumerate(rng.integers(1, vocabulary - length, count)):
        size = rng.integers(3, length + 1)
        x[row, :size] = np.arange(start, start + size)
    y = np.where(x > 0, x + 1, 0).astype(np.int32)
    return x, y


def per_word_loss(model, x, y):
    """The mean over words of each word's mean cross-entropy over its own tokens (padding left out)."""
    probabilities = np.asarray(model(x))
    picked = np.take_along_axis(probabilities, y[..., None], axis=-1)[..., 0]
    real = y > 0
    return float(np.mean((-np.log(np.clip(picked, 1e-7, 1)) * real).sum(axis=1) / real.sum(axis=1)))


def test_autocomplete_learns_with_keras_fit_through_its_own_per_word_loss():
    keras.utils.set_random_seed(0)
    x, y = counting_words()
    model = build_model("autocomplete", {"units": 16, "embedding_dim": 8}, (6,), 9)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy")  # the notes' compile
    history = model.fit(x, y, batch_size=16, epochs=10, verbose=0).history
    assert set(history) >= {"loss", "token_accuracy", "word_accuracy"}
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["token_accuracy"][-1] > history["token_accuracy"][0]
    figures = model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
    assert figures["loss"] == pytest.approx(per_word_loss(model, x, y), rel=1e-4)


def test_seq2seq_learns_with_keras_fit_through_its_own_per_word_loss():
    keras.utils.set_random_seed(0)
    source, _ = counting_words(seed=1)
    target_in, target_out = counting_words(seed=2)
    extra = {"source_vocabulary": list(range(8)), "source_length": 6}
    model = build_model("seq2seq", {"units": 16, "embedding_dim": 8}, (12,), 9, extra)
    model.compile(optimizer=keras.optimizers.Adam(0.02))
    x = np.concatenate([source, target_in], axis=1)
    history = model.fit(x, target_out, batch_size=16, epochs=10, verbose=0).history
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    figures = model.evaluate(x, target_out, batch_size=32, verbose=0, return_dict=True)
    assert figures["loss"] == pytest.approx(per_word_loss(model, x, target_out), rel=1e-4)
    with pytest.raises(ValueError, match="call fit\\(x, y\\)"):
        model.fit(x, batch_size=16, epochs=1, verbose=0)
