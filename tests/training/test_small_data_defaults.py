"""Batch size and learning rate left to classicnets suit the data: MNIST-sized sets keep 128 and 0.001, small
sets get smaller batches and a larger rate, and what a family or the user sets is kept."""

import json

import pytest

from classicnets.cli.main import build_parser
from classicnets.cli.train import config_from_args
from classicnets.config import TrainConfig, sized_for
from tests.helpers import run_cli


@pytest.mark.parametrize("examples,batch_size,learning_rate", [
    (54_000, 128, 1e-3),  # MNIST, Fashion-MNIST: the published benchmarks' settings
    (6_400, 128, 1e-3),  # 50 steps of 128
    (6_399, 64, 1e-2),
    (1_294, 16, 1e-2),  # the bundled digits: 81 steps an epoch
    (100, 16, 1e-2),  # never below 16
    (None, 128, 1e-3),  # data size unknown
])
def test_automatic_batch_size_and_learning_rate(examples, batch_size, learning_rate):
    train = sized_for(TrainConfig(), examples)
    assert (train.batch_size, train.learning_rate) == (batch_size, learning_rate)


def test_values_given_are_kept():
    assert sized_for(TrainConfig(batch_size=64, learning_rate=0.1), 1_294).batch_size == 64
    assert sized_for(TrainConfig(batch_size=64), 1_294).learning_rate == 1e-3  # the user chose the batch
    assert sized_for(TrainConfig(learning_rate=0.1), 1_294) == TrainConfig(batch_size=16, learning_rate=0.1)


def test_a_familys_own_training_defaults_are_kept():
    args = build_parser().parse_args(["train", "tabular"])
    train = sized_for(config_from_args(args).train, 300)
    assert (train.batch_size, train.learning_rate) == (4, 0.01)


def test_help_states_the_rule(capsys):
    _, out, _ = run_cli(capsys, "train", "softmax", "--help")
    text = " ".join(out.split())
    assert "default: 128; a training set under 6,400 examples" in text and "50 steps an epoch, at least 16" in text
    assert "default: 0.01; 0.01 when the default batch size is lowered" in text  # softmax's own rate
    _, out, _ = run_cli(capsys, "train", "cnn", "--help")
    text = " ".join(out.split())
    assert "default: 0.002; 0.01 when the default batch size is lowered" in text
    assert "passes over the training data, at most 100,000 (default: 10)" in text


def test_softmax_learns_the_digits_in_five_epochs(tmp_path, capsys):
    run_dir = tmp_path / "softmax"
    status, _, err = run_cli(capsys, "train", "softmax", "--dataset", "digits", "--epochs", "5", "--quiet",
                             "--run-dir", str(run_dir))
    assert status == 0, err
    assert json.loads((run_dir / "metrics.json").read_text())["test"]["accuracy"] >= 0.90  # 0.24 with batch 128
    train = json.loads((run_dir / "config.json").read_text())["train"]
    assert (train["batch_size"], train["learning_rate"]) == (16, 0.01)  # stored: resume and evaluate use them
