"""Each autoencoder kind trains through the project's trainer and its reconstruction loss falls; the VAE samples;
the ae-classifier's pretraining stops exactly when its stage ends (its tests train without XLA: compiling takes
longer than their few steps, and XLA's steps are checked against the plain ones in tests/training)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from classicnets.config import TrainConfig
from classicnets.data.pipeline import ArraySplit
from classicnets.errors import UserError
from classicnets.models import build_model, get_spec
from classicnets.models.ae_classifier.steps import FineTuneSteps, finetune_optimizer, pretrain_optimizer
from classicnets.models.autoencoder.vae import VariationalAutoencoder
from classicnets.models.steps import ModelSteps
from classicnets.training.trainer import Trainer


def strokes(count, seed=0):
    """8x8 uint8 images: one bright bar whose row depends on the label (3 classes)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, count)
    x = rng.integers(0, 40, (count, 8, 8, 1)).astype(np.uint8)
    for index, label in enumerate(y):
        x[index, 2 * label + 1:2 * label + 3, 1:7] = 230
    return ArraySplit(x, y.astype(np.int64))


def fit(tmp_path, name, options, epochs=1, **train):
    keras.utils.set_random_seed(3)
    config = TrainConfig(epochs=epochs, batch_size=16, seed=3, learning_rate=0.005, steps_per_execution=4, **train)
    model = build_model(name, options, (8, 8, 1), 3)
    task = get_spec(name).steps_class.create(model, config, epochs * 10)
    trainer = Trainer(task, tf.distribute.get_strategy(), config, tmp_path / "checkpoint.npz", verbose=False)
    data = strokes(160)
    before = [float(v) for v in trainer._run_epoch_pass(data, trainer._test_loops, None, None)]
    trainer.fit(data, strokes(32, seed=1))
    after = [float(v) for v in trainer._run_epoch_pass(data, trainer._test_loops, None, None)]
    return task, before, after


@pytest.mark.parametrize("kind", ["dense", "conv", "denoising", "variational"])
def test_one_epoch_lowers_the_reconstruction_loss(tmp_path, kind):
    task, before, after = fit(tmp_path, "autoencoder", {"kind": kind, "code_size": 8, "hidden": (32,),
                                                        "filters": (8, 8)})
    assert isinstance(task, ModelSteps) and isinstance(task.model, VariationalAutoencoder) == (kind == "variational")
    assert task.sum_names == (("loss", "mse", "kl", "count") if kind == "variational" else ("loss", "count"))
    assert after[0] < 0.97 * before[0]  # summed loss over the same 160 examples, before and after
    assert (task.model.noise > 0) == (kind == "denoising")


def test_vae_samples_have_the_data_shape_and_range(tmp_path):
    task, _, _ = fit(tmp_path, "autoencoder", {"kind": "variational", "code_size": 2, "hidden": (16,)})
    samples = np.asarray(task.model.generate(5, seed=1))
    assert samples.shape == (5, 8, 8, 1)
    assert samples.min() >= 0 and samples.max() <= 1 and samples.std() > 0


def test_pretraining_learning_rate_drops_to_zero_when_the_stage_ends():
    for schedule in ("cosine", "constant"):
        optimizer = pretrain_optimizer(TrainConfig(schedule=schedule, learning_rate=0.01), pretrain_steps=20)
        rate = optimizer.learning_rate if not callable(optimizer._learning_rate) else optimizer._learning_rate
        assert float(rate(19)) > 0 and float(rate(20)) == 0.0 and float(rate(500)) == 0.0


def test_fine_tuning_gets_the_whole_cosine_schedule_after_pretraining():
    optimizer = finetune_optimizer(TrainConfig(schedule="cosine", learning_rate=0.01), pretrain_steps=20,
                                   total_steps=60)
    rate = optimizer._learning_rate
    assert [float(rate(step)) for step in (0, 19, 20)] == pytest.approx([0.01, 0.01, 0.01])  # the head's probe
    assert float(rate(40)) == pytest.approx(0.005)  # half way through the 40 fine-tuning steps
    assert float(rate(60)) == pytest.approx(0.0, abs=1e-9)
    constant = finetune_optimizer(TrainConfig(schedule="constant", learning_rate=0.01), 20, 60)
    assert float(constant.learning_rate) == pytest.approx(0.01)


def test_pretrain_then_frozen_fine_tune_keeps_the_pretrained_encoder(tmp_path):
    options = {"code_size": 8, "hidden": (32,), "pretrain_epochs": 1, "freeze_encoder": True}
    task, _, _ = fit(tmp_path / "one", "ae-classifier", options, epochs=2, jit_compile="off")
    assert isinstance(task, FineTuneSteps) and task.sum_names[2] == "reconstruction_mse"
    encoder = [v.numpy().copy() for v in task.model.encoder.variables]
    head = [v.numpy().copy() for v in task.model.head.variables]
    task.pretrain_steps = 0  # as if pretraining had ended: one more frozen fine-tuning pass
    trainer = Trainer(task, tf.distribute.get_strategy(), TrainConfig(epochs=1, batch_size=16, seed=3,
                                                                      jit_compile="off"),
                      tmp_path / "more.npz", verbose=False)
    trainer.fit(strokes(64), None)
    for old, variable in zip(encoder, task.model.encoder.variables):
        np.testing.assert_array_equal(old, variable.numpy())
    assert any(not np.array_equal(old, v.numpy()) for old, v in zip(head, task.model.head.variables))


@pytest.mark.parametrize("weight", [0.0, 1.0])
def test_reconstruction_weight_keeps_the_decoder_training_while_fine_tuning(tmp_path, weight):
    options = {"code_size": 8, "hidden": (32,), "pretrain_epochs": 1, "reconstruction_weight": weight}
    task, _, _ = fit(tmp_path / "one", "ae-classifier", options, epochs=2, schedule="constant", jit_compile="off")
    decoder = [v.numpy().copy() for v in task.model.decoder.trainable_variables]
    task.pretrain_steps = 0  # pretraining is over: one more fine-tuning pass
    Trainer(task, tf.distribute.get_strategy(), TrainConfig(epochs=1, batch_size=16, seed=3, jit_compile="off"),
            tmp_path / "more.npz", verbose=False).fit(strokes(64), None)
    moved = [not np.array_equal(old, v.numpy()) for old, v in zip(decoder, task.model.decoder.trainable_variables)]
    assert all(moved) if weight else not any(moved)


@pytest.mark.parametrize("options, message", [({"reconstruction_weight": 1.0, "freeze_encoder": True}, "freeze"),
                                              ({"reconstruction_weight": 1.0, "pretrain_epochs": 0}, "pretrain"),
                                              ({"reconstruction_weight": -1.0}, ">= 0")])
def test_bad_reconstruction_weight_is_refused(options, message):
    with pytest.raises(UserError, match=message):
        build_model("ae-classifier", {"code_size": 8, **options}, (8, 8, 1), 3)
