"""`classicnets train` end to end on the bundled digits: the run directory, resume, errors."""

import csv
import json

import numpy as np
import pytest
import tensorflow as tf

from classicnets import runs
from classicnets.cli.main import main
from tests.helpers import run_cli


def test_run_directory_holds_everything(trained_run):
    names = {p.relative_to(trained_run).as_posix() for p in trained_run.rglob("*") if p.is_file()}
    for expected in ("config.json", "model.keras", "checkpoint.npz", "history.csv", "metrics.json",
                     "plots/history.png", "plots/confusion_matrix.png", "plots/predictions.png"):
        assert expected in names
    config = json.loads((trained_run / "config.json").read_text())
    assert config["model"] == "mlp" and config["model_options"] == {"hidden": [32]}
    assert config["data"]["dataset"] == "digits" and config["data_info"]["input_shape"] == [8, 8, 1]
    metrics = json.loads((trained_run / "metrics.json").read_text())
    assert metrics["epochs"] == 2 and metrics["test"]["accuracy"] > 0.5
    with open(trained_run / "history.csv") as stream:
        assert [row["epoch"] for row in csv.DictReader(stream)] == ["1", "2"]


def test_the_error_analysis_agrees_with_the_confusion_matrix(trained_run):
    test = json.loads((trained_run / "metrics.json").read_text())["test"]
    names = json.loads((trained_run / "config.json").read_text())["data_info"]["class_names"]
    counts = np.array(test["confusion_matrix"])
    for pair in test["most_confused"]:
        assert counts[names.index(pair["true"]), names.index(pair["predicted"])] == pair["count"]
    wrong = counts - np.diag(np.diag(counts))
    assert (test["most_confused"][0]["count"] if test["most_confused"] else 0) == wrong.max()
    for name, scores in test["per_class"].items():
        assert scores["recall"] == pytest.approx(test["per_class_accuracy"][name] or 0.0)
        assert scores["support"] == counts[names.index(name)].sum()
    assert sum(row["count"] for row in test["calibration_bins"]) == test["num_examples"]
    assert 0 <= test["expected_calibration_error"] <= 1
    for plot in ("per_class", "calibration", "top_losses"):
        assert (trained_run / "plots" / f"{plot}.png").stat().st_size > 0
    assert (trained_run / "plots" / "confused_pairs.png").exists() == bool(test["most_confused"])


def test_tensorboard_has_scalars_and_histograms(trained_run):
    tags = set()
    for events in (trained_run / "tensorboard").rglob("events.out.tfevents.*"):
        for event in tf.compat.v1.train.summary_iterator(str(events)):
            tags.update(value.tag for value in event.summary.value)
    assert {"epoch_loss", "epoch_accuracy"} <= tags
    assert any("kernel" in tag for tag in tags)  # weight histograms


def test_saved_model_round_trip_gives_identical_predictions(trained_run):
    from classicnets.use.inference import predict_probabilities
    from classicnets.runs.datasets import load_run_data

    config = runs.read_config(runs.open_run(trained_run))
    data = load_run_data(config)
    first = predict_probabilities(runs.load_model(runs.RunDir(trained_run)), data.x_test)
    second = predict_probabilities(runs.load_model(runs.RunDir(trained_run)), data.x_test)
    np.testing.assert_array_equal(first, second)
    accuracy = float((first.argmax(1) == data.y_test).mean())
    assert accuracy == pytest.approx(json.loads((trained_run / "metrics.json").read_text())["test"]["accuracy"])


def test_resume_finishes_like_an_uninterrupted_run(tmp_path, capsys):
    # constant rate: a cosine schedule spans the epochs asked for, so growing --epochs on resume changes it; no XLA
    # (its resumes are checked in tests/training)
    args = ["--dataset", "digits", "--hidden", "16", "--quiet", "--seed", "5", "--schedule", "constant", "--jit-compile",
            "off"]
    assert run_cli(capsys, "train", "mlp", *args, "--epochs", "2", "--run-dir", str(tmp_path / "whole"))[0] == 0
    assert run_cli(capsys, "train", "mlp", *args, "--epochs", "1", "--run-dir", str(tmp_path / "part"))[0] == 0
    status, out, err = run_cli(capsys, "train", "mlp", "--run-dir", str(tmp_path / "part"), "--resume", "--epochs", "2", "--quiet")
    assert status == 0, err
    whole = json.loads((tmp_path / "whole" / "metrics.json").read_text())
    part = json.loads((tmp_path / "part" / "metrics.json").read_text())
    assert part["epochs"] == 2 and part["resumed_from_epoch"] == 1
    assert part["test"]["accuracy"] == pytest.approx(whole["test"]["accuracy"], abs=1e-9)
    assert part["test"]["loss"] == pytest.approx(whole["test"]["loss"], rel=1e-5)


def test_same_seed_same_metrics(tmp_path, capsys):
    for name in ("a", "b"):
        assert run_cli(capsys, "train", "softmax", "--dataset", "digits", "--epochs", "1", "--quiet",
                       "--run-dir", str(tmp_path / name))[0] == 0
    a, b = (json.loads((tmp_path / n / "metrics.json").read_text())["test"] for n in "ab")
    assert a == b


def test_existing_run_dir_is_never_overwritten(trained_run, capsys):
    before = (trained_run / "model.keras").read_bytes()
    status, _, err = run_cli(capsys, "train", "mlp", "--dataset", "digits", "--run-dir", str(trained_run))
    assert status == 2 and "already exists" in err and "--resume" in err
    assert (trained_run / "model.keras").read_bytes() == before


@pytest.mark.parametrize("argv,phrase", [
    (["train", "mlp", "--resume"], "does not exist"),
    (["train", "mlp", "--dataset", "no-such-data"], "no-such-data"),
    (["train", "mlp", "--dataset", "digits", "--epochs", "0"], "epochs must be at least 1"),
    (["train", "mlp", "--dataset", "digits", "--dropout", "1.5"], "dropout must be in [0, 1)"),
    (["train", "mlp", "--dataset", "digits", "--validation-fraction", "1.5"], "validation fraction"),
    (["train", "mlp", "--dataset", "digits", "--distribute", "multi-worker"], "TF_CONFIG"),
])
def test_bad_input_exits_2_with_a_message(argv, phrase, capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    status, _, err = run_cli(capsys, *argv, "--run-dir", str(tmp_path / "r"))
    assert status == 2
    assert phrase in err and "Traceback" not in err


def test_resume_refuses_changed_settings(trained_run, capsys):
    status, _, err = run_cli(capsys, "train", "mlp", "--run-dir", str(trained_run), "--resume", "--lr", "0.5")
    assert status == 2 and "cannot change --lr" in err


def test_usage_errors_exit_2(capsys):
    assert run_cli(capsys, "train", "nosuchmodel")[0] == 2
    assert run_cli(capsys, "train", "mlp", "--epochs", "many")[0] == 2


def test_help_shows_examples(capsys):
    for argv in (["--help"], ["train", "mlp", "--help"], ["predict", "--help"], ["evaluate", "--help"]):
        status, out, _ = run_cli(capsys, *argv)
        assert status == 0 and "examples:" in out
    assert "--hidden" in run_cli(capsys, "train", "mlp", "--help")[1]


def test_models_lists_every_model_with_options(capsys):
    status, out, _ = run_cli(capsys, "models")
    assert status == 0
    for text in ("softmax:", "mlp:", "cnn:", "rnn:", "--hidden", "--cell", "--filters"):
        assert text in out


def test_main_returns_zero(trained_run):
    assert main(["evaluate", str(trained_run)]) == 0


def test_resume_needs_a_run_dir(capsys):
    status, _, err = run_cli(capsys, "train", "mlp", "--resume")
    assert status == 2 and "--resume needs --run-dir" in err
