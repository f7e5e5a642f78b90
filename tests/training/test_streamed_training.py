"""Training on an image folder read from its cache a batch at a time: the same figures and weights as with the
images in memory, the same after an interrupted run is resumed, and the run evaluates and predicts as any other."""

import json

import numpy as np
import pytest

from tests.data.test_streamed_folders import write_folder
from tests.helpers import run_cli
from tests.training.test_interrupt import interrupt_in_epoch

TRAIN = ["train", "cnn", "--image-size", "8", "--color", "rgb", "--epochs", "3", "--filters", "4", "--dense", "8",
         "--batch-size", "8", "--seed", "5", "--quiet"]


def figures(run) -> tuple[list[list[str]], dict]:
    """history.csv without its timings, and the test metrics."""
    rows = [line.split(",") for line in (run / "history.csv").read_text().splitlines()]
    keep = [index for index, name in enumerate(rows[0]) if name != "seconds"]
    return [[row[index] for index in keep] for row in rows], json.loads((run / "metrics.json").read_text())["test"]


@pytest.mark.slow
def test_streamed_training_equals_training_in_memory_and_resumes_to_it(tmp_path, capsys, monkeypatch):
    folder = str(write_folder(tmp_path / "pets", per_class=16))
    for stream in ("on", "off"):
        status, _, err = run_cli(capsys, *TRAIN, "--dataset", folder, "--stream", stream,
                                 "--run-dir", str(tmp_path / stream))
        assert status == 0, err
    assert figures(tmp_path / "on") == figures(tmp_path / "off")
    assert json.loads((tmp_path / "on" / "config.json").read_text())["data"]["stream"] == "on"

    interrupted = tmp_path / "interrupted"
    interrupt_in_epoch(monkeypatch, 3)
    status, _, _ = run_cli(capsys, *TRAIN, "--dataset", folder, "--stream", "on", "--run-dir", str(interrupted))
    assert status == 130
    monkeypatch.undo()
    status, _, err = run_cli(capsys, "train", "cnn", "--run-dir", str(interrupted), "--resume", "--quiet",
                             "--stream", "off")  # how the images are read may change: what they are may not
    assert status == 0, err
    assert figures(interrupted) == figures(tmp_path / "on")
    status, _, err = run_cli(capsys, "train", "cnn", "--run-dir", str(interrupted), "--resume", "--skip-bad-images")
    assert status == 2 and "cannot change --skip-bad-images" in err

    status, out, err = run_cli(capsys, "evaluate", str(tmp_path / "on"), "--json")
    assert status == 0, err
    assert json.loads(out)["test"]["accuracy"] == figures(tmp_path / "on")[1]["accuracy"]
    status, out, err = run_cli(capsys, "predict", str(tmp_path / "on"), str(next((tmp_path / "pets" / "cat").iterdir())))
    assert status == 0 and any(name in out for name in ("bird", "cat", "dog")), err
    assert (tmp_path / "on" / "plots" / "predictions.png").exists()
    status, out, err = run_cli(capsys, "export", str(tmp_path / "on"), "--out", str(tmp_path / "models"))
    assert status == 0, err
    manifest = json.loads((tmp_path / "models" / "on" / "1" / "classicnets.json").read_text())
    assert "from the test split of" in manifest["check"]["inputs"]  # checked on the folder's own test images


@pytest.mark.slow
def test_an_xla_compiled_model_gives_the_same_figures_streamed(tmp_path, capsys):
    """The mlp's step is XLA-compiled: full batches through it, the partial last one without it, either way."""
    folder = str(write_folder(tmp_path / "pets", per_class=15))
    for stream in ("on", "off"):
        status, _, err = run_cli(capsys, "train", "mlp", "--dataset", folder, "--image-size", "6", "--color", "rgb",
                                 "--epochs", "2", "--hidden", "8", "--batch-size", "16", "--jit-compile", "on",
                                 "--stream", stream, "--run-dir", str(tmp_path / stream), "--quiet")
        assert status == 0, err
    assert figures(tmp_path / "on") == figures(tmp_path / "off")
