"""Adversarial training: each optimiser steps only its own network, both networks learn, resume is exact."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from classicnets.config import TrainConfig
from classicnets.data.pipeline import ArraySplit
from classicnets.models import build_model, get_spec
from classicnets.training.trainer import Trainer
from tests.models.gan.small import SMALL, stripes


def make_task(name="cgan", seed=3, **options):
    keras.utils.set_random_seed(seed)
    model = build_model(name, {**SMALL, "dropout": 0.0, **options}, (6, 6, 1), 3)
    return get_spec(name).steps_class.create(model, TrainConfig(epochs=2, batch_size=16, seed=seed), total_steps=10)


def values(variables):
    return [v.numpy() for v in variables]


@pytest.mark.parametrize("name", ["gan", "cgan"])
def test_train_step_updates_both_networks_each_with_its_own_optimizer(name):
    task = make_task(name)
    given = {}

    def recording(optimizer, key):
        apply = optimizer.apply_gradients

        def record(pairs):
            pairs = list(pairs)
            given[key] = [variable for _, variable in pairs]
            return apply(pairs)
        optimizer.apply_gradients = record

    recording(task.generator_optimizer, "generator")
    recording(task.discriminator_optimizer, "discriminator")
    before_g, before_d = values(task.model.generator.trainable_variables), values(task.model.discriminator.trainable_variables)
    x, y = stripes(16, 0)
    sums = task.train_sums(tf.constant(x[..., None] / 255.0, tf.float32), tf.constant(y, tf.int32))
    assert {id(v) for v in given["generator"]} == {id(v) for v in task.model.generator.trainable_variables}
    assert {id(v) for v in given["discriminator"]} == {id(v) for v in task.model.discriminator.trainable_variables}
    for before, network in ((before_g, task.model.generator), (before_d, task.model.discriminator)):
        assert all(not np.array_equal(a, b.numpy()) for a, b in zip(before, network.trainable_variables))
    named = dict(zip(task.sum_names, [float(s) for s in sums]))
    assert named["count"] == 16 and 0 < named["real_score"] < 16 and named["loss"] > 0
    assert named["loss"] == pytest.approx(named["discriminator_loss"] + named["generator_loss"], rel=1e-5)


def train(tmp_path, epochs, resume=False, seed=3, name="cgan"):
    task = make_task(name, seed=seed)
    config = TrainConfig(epochs=epochs, batch_size=16, seed=3, steps_per_execution=2, jit_compile="off")
    trainer = Trainer(task, tf.distribute.get_strategy(), config, tmp_path / "checkpoint.npz", verbose=False)
    x, y = stripes(48, 0)
    result = trainer.fit(ArraySplit(x[..., None], y), None, resume=resume)
    return task, result


@pytest.mark.parametrize("name", ["cgan", "gan"])  # the gan with its spectral normalisation (power-iteration state)
def test_resume_continues_exactly(tmp_path, name):
    straight, result = train(tmp_path / "a", epochs=2, name=name)
    assert [row["epoch"] for row in result.history] == [1, 2]
    train(tmp_path / "b", epochs=1, name=name)
    # another initialisation, then the checkpoint
    resumed, result = train(tmp_path / "b", epochs=2, resume=True, seed=99, name=name)
    assert result.resumed_from_epoch == 1
    for a, b in zip(straight.variables().values(), resumed.variables().values()):
        for left, right in zip(a, b):
            np.testing.assert_allclose(left.numpy(), right.numpy(), rtol=1e-5, atol=1e-6)


def test_variables_hold_both_networks_and_both_optimizers():
    groups = make_task().variables()
    assert set(groups) == {"generator", "discriminator", "noise", "generator_optimizer", "discriminator_optimizer"}
    assert len(groups["generator_optimizer"]) > len(groups["generator"])  # Adam: two slots per weight


@pytest.mark.parametrize("name", ["cgan", "gan"])
def test_trains_under_a_distribution_strategy(tmp_path, name):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    with strategy.scope():
        task = make_task(name)
    config = TrainConfig(epochs=1, batch_size=16, seed=3, distribute="mirrored")
    x, y = stripes(32, 0)
    result = Trainer(task, strategy, config, tmp_path / "checkpoint.npz", verbose=False).fit(ArraySplit(x[..., None], y), None)
    row = result.history[0]
    assert row["loss"] == pytest.approx(row["discriminator_loss"] + row["generator_loss"], rel=1e-5)
    assert 0 < row["real_score"] < 1 and 0 < row["fake_score"] < 1


def test_auxiliary_class_loss_is_weighted_cross_entropy_on_the_labels():
    task = make_task(class_loss=2.0)
    logits = np.log(np.array([[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]], np.float32))
    losses = task.model._class_loss(tf.constant([0, 2]), tf.constant(logits))
    np.testing.assert_allclose(losses.numpy(), [-2 * np.log(0.5), -2 * np.log(0.8)], rtol=1e-5)
    assert make_task(class_loss=0.0).model._class_loss(tf.constant([0, 2]), None) == 0.0
