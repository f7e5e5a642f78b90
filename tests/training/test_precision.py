"""Mixed precision: when 'auto' picks bfloat16, and that a bfloat16 run still saves a float32 model."""

import keras
import numpy as np
import pytest

import classicnets
from classicnets.models import build_model
from classicnets.training.precision import MIXED, cpu_computes_bfloat16, dtype_policy, float32_copy, training_policy


def test_bfloat16_instructions_are_read_from_the_cpu_flags(tmp_path):
    with_bf16 = tmp_path / "bf16"
    with_bf16.write_text("processor\t: 0\nflags\t\t: fpu sse avx512f avx512_bf16 avx512_vnni\n")
    without = tmp_path / "plain"
    without.write_text("processor\t: 0\nflags\t\t: fpu sse avx2\n")
    assert cpu_computes_bfloat16(with_bf16)
    assert not cpu_computes_bfloat16(without)
    assert not cpu_computes_bfloat16(tmp_path / "missing")


def test_auto_picks_bfloat16_only_for_a_convolutional_classifier_on_one_device(monkeypatch):
    monkeypatch.setattr("classicnets.training.precision.cpu_computes_bfloat16", lambda: True)
    cnn = build_model("cnn", {"filters": (4,), "dense": 8}, (8, 8, 1), 3)
    mlp = build_model("mlp", {"hidden": (8,)}, (8, 8, 1), 3)
    assert training_policy("auto", "classifier", "none", cnn) == MIXED
    assert training_policy("auto", "classifier", "none", mlp) is None
    assert training_policy("auto", "classifier", "mirrored", cnn) is None
    assert training_policy("auto", "reconstruction", "none", cnn) is None
    assert training_policy("float32", "classifier", "none", cnn) is None
    assert training_policy("mixed-bfloat16", "reconstruction", "none", mlp) == MIXED
    monkeypatch.setattr("classicnets.training.precision.cpu_computes_bfloat16", lambda: False)
    assert training_policy("auto", "classifier", "none", cnn) is None


def test_the_float32_copy_holds_the_same_weights_and_computes_in_float32():
    with dtype_policy(MIXED):
        mixed = build_model("cnn", {"filters": (4,), "dense": 8}, (8, 8, 1), 3)
    assert keras.config.dtype_policy().name == "float32"  # the global policy is restored
    mixed.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    copy = float32_copy(mixed)
    assert {layer.dtype_policy.name for layer in copy.layers} == {"float32"}
    assert all(np.array_equal(a, b) for a, b in zip(mixed.get_weights(), copy.get_weights()))
    images = np.random.default_rng(0).random((5, 8, 8, 1)).astype("float32")
    assert np.allclose(mixed.predict(images, verbose=0), copy.predict(images, verbose=0), atol=2e-2)
    assert copy.compiled and copy.optimizer is mixed.optimizer


def test_a_bfloat16_run_saves_a_float32_model_that_scores_as_it_trained(tmp_path):
    run = classicnets.train("cnn", "digits", run_dir=tmp_path / "run", verbose=False, epochs=2, precision="mixed-bfloat16",
                            test_every_epoch=True, filters=(8,), dense=16)
    assert {layer.dtype_policy.name for layer in run.model.layers} == {"float32"}
    trained = run.history["test_accuracy"][-1]  # measured in bfloat16 at the end of the last epoch
    assert run.metrics["test"]["accuracy"] > 0.5
    assert run.metrics["test"]["accuracy"] == pytest.approx(trained, abs=0.02)
