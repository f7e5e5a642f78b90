"""The trainer: learns, checkpoints every epoch, resumes exactly, stops on NaN, early-stops."""

import dataclasses

import keras
import numpy as np
import pytest
import tensorflow as tf

from classicnets.config import TrainConfig
from classicnets.data.pipeline import ArraySplit
from classicnets.models import build_model
from classicnets.training.checkpoint import load_checkpoint
from classicnets.models.steps import ClassifierSteps
from classicnets.optimizers import make_optimizer
from classicnets.training.loops import use_xla
from classicnets.training.trainer import Trainer, TrainingDiverged

from tests.training.small import blobs, make_trainer, weights


def test_learns_separable_data(tmp_path):
    trainer = make_trainer(tmp_path, epochs=4, learning_rate=0.01)
    result = trainer.fit(blobs(200), blobs(50, seed=1))
    assert len(result.history) == 4
    assert result.history[-1]["loss"] < result.history[0]["loss"]
    assert result.history[-1]["val_accuracy"] > 0.9
    assert set(result.history[0]) >= {"epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds"}


def test_resume_equals_uninterrupted(tmp_path):
    # the mlp's default: XLA-compiled steps (the CLI's and the killed-training tests resume without XLA)
    straight = make_trainer(tmp_path / "a", epochs=3, jit_compile="auto")
    straight.fit(blobs(100), blobs(20, 1))
    first = make_trainer(tmp_path / "b", epochs=1, jit_compile="auto")
    first.fit(blobs(100), blobs(20, 1))
    # a fresh process-like start: new model with a different init, then resume from the checkpoint
    keras.utils.set_random_seed(99)
    resumed = make_trainer(tmp_path / "b", epochs=3, jit_compile="auto")
    for variable in resumed.steps.model.trainable_variables:
        variable.assign(tf.zeros_like(variable))
    result = resumed.fit(blobs(100), blobs(20, 1), resume=True)
    assert result.resumed_from_epoch == 1 and len(result.history) == 3
    for a, b in zip(weights(straight), weights(resumed)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_same_seed_same_result(tmp_path):
    # without XLA: tests/runs/test_seeds.py checks one seed, one result with it
    runs = [make_trainer(tmp_path / str(i), epochs=2).fit(blobs(80), None).history for i in range(2)]
    assert [r["loss"] for r in runs[0]] == [r["loss"] for r in runs[1]]


def test_checkpoint_holds_weights_optimizer_and_history(tmp_path):
    trainer = make_trainer(tmp_path, epochs=2)
    trainer.fit(blobs(64), None)
    other = make_trainer(tmp_path / "other", epochs=2)
    state = load_checkpoint(tmp_path / "checkpoint.npz", other.steps.variables(), other.steps.model)
    assert [row["epoch"] for row in state["history"]] == [1, 2]
    assert int(other.steps.optimizer.iterations.numpy()) == 2 * 4  # 64 examples / 16 per batch, 2 epochs
    for a, b in zip(weights(trainer), weights(other)):
        np.testing.assert_array_equal(a, b)
    assert not list(tmp_path.glob("*.tmp"))  # the temp file was renamed, not left behind


def test_nan_loss_stops_and_keeps_last_good_checkpoint(tmp_path):
    trainer = make_trainer(tmp_path, epochs=1, model="softmax", options={}, optimizer="sgd")
    trainer.fit(blobs(32), None)
    saved = (tmp_path / "checkpoint.npz").read_bytes()
    # inputs this large overflow the logits to inf, and softmax(inf) is NaN
    huge = ArraySplit(np.full((32, 6, 6, 1), 3e38, np.float32), np.zeros(32, np.int64))
    again = make_trainer(tmp_path, epochs=3, model="softmax", options={}, optimizer="sgd")
    with pytest.raises(TrainingDiverged, match="became nan .*last good checkpoint \\(end of epoch 1\\)"):
        again.fit(huge, None, resume=True)
    assert (tmp_path / "checkpoint.npz").read_bytes() == saved


def test_early_stopping_on_validation_loss(tmp_path):
    trainer = make_trainer(tmp_path, epochs=30, early_stopping=1, learning_rate=0.5, optimizer="sgd",
                           options={"hidden": (8,), "dropout": 0.0})
    noise = ArraySplit(blobs(40).x, np.random.default_rng(3).integers(0, 3, 40))
    result = trainer.fit(noise, ArraySplit(blobs(40, 5).x, np.random.default_rng(4).integers(0, 3, 40)))
    assert result.stopped_early and len(result.history) < 30


def test_mirrored_strategy_trains_like_default(tmp_path):
    keras.utils.set_random_seed(7)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    config = TrainConfig(epochs=2, batch_size=16, seed=7, distribute="mirrored")  # batches via distributed tf.data
    with strategy.scope():
        network = build_model("mlp", {"hidden": (16,), "dropout": 0.0}, (6, 6, 1), 3)
        task = ClassifierSteps(network, make_optimizer("adam", 1e-3))
    mirrored = Trainer(task, strategy, config, tmp_path / "m.npz", verbose=False)
    mirrored.fit(blobs(64), None)
    plain = make_trainer(tmp_path, epochs=2, options={"hidden": (16,), "dropout": 0.0})
    plain.config = dataclasses.replace(plain.config, steps_per_execution=config.steps_per_execution)
    plain.fit(blobs(64), None)
    for a, b in zip(weights(mirrored), weights(plain)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("model,options", [
    ("softmax", {}), ("mlp", {"hidden": (16,)}), ("cnn", {"filters": (4, 8), "dense": 16}),
    ("rnn", {"cell": "simple", "units": 8}), ("rnn", {"cell": "lstm", "units": 8}), ("rnn", {"cell": "gru", "units": 8}),
])
def test_every_model_trains_and_its_loss_falls(tmp_path, model, options):
    trainer = make_trainer(tmp_path, epochs=3, model=model, options=options, learning_rate=0.01)
    before = [v.numpy().copy() for v in trainer.steps.model.trainable_variables]
    history = trainer.fit(blobs(96), None).history
    assert history[-1]["loss"] < history[0]["loss"]
    assert all(not np.array_equal(a, b.numpy()) for a, b in zip(before, trainer.steps.model.trainable_variables))


def test_xla_only_for_dense_models_on_one_device():
    dense, conv = build_model("mlp", {}, (6, 6, 1), 3), build_model("cnn", {}, (6, 6, 1), 3)
    rnn = build_model("rnn", {"cell": "lstm", "units": 4}, (6, 6, 1), 3)
    assert use_xla("auto", "none", dense) and not use_xla("auto", "none", conv) and not use_xla("auto", "none", rnn)
    assert use_xla("on", "none", conv) and not use_xla("off", "none", dense)
    assert not use_xla("on", "mirrored", dense)


def test_no_xla_for_a_denoising_autoencoder_unless_asked():
    """XLA draws the noise on every input pixel slowly on a CPU; the plain autoencoder keeps it."""
    plain = build_model("autoencoder", {"hidden": (8,), "code_size": 2}, (6, 6, 1), 3)
    noisy = build_model("autoencoder", {"kind": "denoising", "hidden": (8,), "code_size": 2}, (6, 6, 1), 3)
    assert use_xla("auto", "none", plain) and not use_xla("auto", "none", noisy)
    assert use_xla("on", "none", noisy)


def test_xla_and_plain_steps_learn_the_same(tmp_path):
    losses = []
    for mode in ("on", "off"):
        trainer = make_trainer(tmp_path / mode, epochs=2, options={"hidden": (16,), "dropout": 0.0}, jit_compile=mode)
        losses.append([row["loss"] for row in trainer.fit(blobs(64), None).history])
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-4)


@pytest.mark.parametrize("jit_compile", ["on", "off"])
def test_a_pass_counts_every_example_once_partial_last_batch_included(tmp_path, jit_compile):
    trainer = make_trainer(tmp_path, jit_compile=jit_compile)  # batch 16, 3 steps per call: 53 = 3 full calls + 5
    split = blobs(53)
    totals = dict(zip(trainer.steps.sum_names, trainer._run_epoch_pass(split, trainer._test_loops, None, None)))
    predicted = trainer.steps.model.predict(split.x.astype(np.float32) / 255, verbose=0).argmax(axis=1)
    assert totals["count"] == 53
    assert (trainer._test_loops.local_tail is None) == (jit_compile == "off")  # without XLA one loop takes every batch
    assert totals["accuracy"] == pytest.approx(float(np.sum(predicted == split.y)))


def test_divergence_in_the_first_epoch_says_nothing_was_kept(tmp_path, capsys):
    from classicnets.cli.main import main

    status = main(["train", "mlp", "--dataset", "digits", "--epochs", "2", "--lr", "1e30", "--quiet",
                   "--run-dir", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert status == 2 and "became nan" in err and "No epoch had finished" in err and "checkpoint.npz" not in err
    assert not (tmp_path / "run").exists()
