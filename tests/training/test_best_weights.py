"""Early stopping keeps the epoch with the lowest validation loss: its weights end in the model (and in
model.keras), the run names the epoch, and an interrupted, resumed run still finds them."""

import csv
import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from classicnets import runs
from classicnets.data.pipeline import ArraySplit, split_validation, to_unit_range
from classicnets.runs.datasets import load_run_data
from tests.helpers import run_cli
from tests.training.small import blobs, make_trainer, weights


def validation_figures(model, split: ArraySplit) -> tuple[float, float]:
    """Loss and accuracy of `model` on `split`, computed here, not by the trainer."""
    probabilities = model(to_unit_range(tf.constant(split.x)), training=False).numpy()
    loss = keras.losses.sparse_categorical_crossentropy(split.y, probabilities).numpy().mean()
    return float(loss), float((probabilities.argmax(1) == split.y).mean())


def noisy(count: int, seed: int) -> ArraySplit:
    """Random labels: a fast learner soon overfits, so validation loss rises after its first epochs."""
    return ArraySplit(blobs(count, seed).x, np.random.default_rng(seed + 10).integers(0, 3, count))


def overfitting_trainer(folder, epochs=12):
    return make_trainer(folder, epochs=epochs, early_stopping=3, learning_rate=0.05,
                        options={"hidden": (32,), "dropout": 0.0})


def test_best_epochs_validation_figures_come_back_from_the_model(tmp_path):
    trainer = overfitting_trainer(tmp_path)
    validation = noisy(60, 2)
    result = trainer.fit(noisy(120, 1), validation)
    losses = [row["val_loss"] for row in result.history]
    assert result.best_epoch == int(np.argmin(losses)) + 1 < len(result.history)  # the last epoch was worse
    best = result.history[result.best_epoch - 1]
    loss, accuracy = validation_figures(trainer.steps.model, validation)
    assert loss == pytest.approx(best["val_loss"], rel=1e-4) and accuracy == pytest.approx(best["val_accuracy"])
    assert loss != pytest.approx(result.history[-1]["val_loss"], rel=1e-3)


def test_interrupted_and_resumed_run_keeps_the_same_best_weights(tmp_path):
    train, validation = noisy(120, 1), noisy(60, 2)
    straight = overfitting_trainer(tmp_path / "straight")
    whole = straight.fit(train, validation)
    stop = whole.best_epoch + 1  # interrupted after the best epoch, so the resumed part must fetch its weights
    overfitting_trainer(tmp_path / "parts", epochs=stop).fit(train, validation)
    keras.utils.set_random_seed(99)  # a new process: different initial weights, restored from the files
    resumed = overfitting_trainer(tmp_path / "parts")
    result = resumed.fit(train, validation, resume=True)
    assert result.resumed_from_epoch == stop and result.best_epoch == whole.best_epoch
    for a, b in zip(weights(straight), weights(resumed)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_cli_run_saves_and_reports_the_best_epoch(tmp_path, capsys):
    run_dir = tmp_path / "run"
    status, out, err = run_cli(capsys, "train", "mlp", "--dataset", "digits", "--epochs", "8", "--early-stopping", "2",
                               "--lr", "0.05", "--schedule", "constant", "--hidden", "32", "--quiet",
                               "--run-dir", str(run_dir))
    assert status == 0, err
    metrics = json.loads((run_dir / "metrics.json").read_text())
    with open(run_dir / "history.csv") as stream:
        history = list(csv.DictReader(stream))
    best = metrics["best_epoch"]
    assert best == 1 + int(np.argmin([float(row["val_loss"]) for row in history])) < len(history)
    assert f"with best epoch {best} of {len(history)}" in out
    config = runs.read_config(runs.open_run(run_dir))
    data = load_run_data(config)
    _, validation = split_validation(data.x_train, data.y_train, config.data.validation_fraction, config.train.seed)
    loss, accuracy = validation_figures(runs.load_model(runs.RunDir(run_dir)), validation)
    assert loss == pytest.approx(float(history[best - 1]["val_loss"]), rel=1e-4)
    assert accuracy == pytest.approx(float(history[best - 1]["val_accuracy"]))
