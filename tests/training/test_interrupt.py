"""Ctrl-C during `classicnets train`: the printed command continues the run; before the first epoch ends,
nothing is kept and the same command starts over."""

import json
import shlex

import pytest

from classicnets.training.trainer import Trainer
from tests.helpers import run_cli


def interrupt_in_epoch(monkeypatch, number: int) -> None:
    """Make training raise KeyboardInterrupt (as Ctrl-C does) when epoch `number` starts."""
    one_epoch = Trainer._one_epoch

    def interrupted(self, epoch, *splits):
        if epoch + 1 == number:
            raise KeyboardInterrupt
        return one_epoch(self, epoch, *splits)

    monkeypatch.setattr(Trainer, "_one_epoch", interrupted)


@pytest.mark.slow
def test_interrupted_run_prints_the_command_that_finishes_it(tmp_path, capsys, monkeypatch):
    run_dir = tmp_path / "my runs" / "mlp run"  # spaces: the command must quote the folder
    args = ["--dataset", "digits", "--epochs", "3", "--hidden", "16", "--quiet"]
    interrupt_in_epoch(monkeypatch, 2)
    status, _, err = run_cli(capsys, "train", "mlp", *args, "--run-dir", str(run_dir))
    assert status == 130
    expected = f"classicnets train mlp --run-dir {shlex.quote(str(run_dir))} --resume"
    assert err.strip().splitlines()[-1] == f"interrupted; continue it with: {expected}"

    monkeypatch.undo()
    command = shlex.split(expected)
    status, out, err = run_cli(capsys, *command[1:])
    assert status == 0, err
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["epochs"] == 3 and metrics["resumed_from_epoch"] == 1


def test_interrupted_first_epoch_keeps_nothing_and_the_same_command_starts_over(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default run folder, runs/softmax-digits-<time>, is chosen in training
    argv = ["train", "softmax", "--dataset", "digits", "--epochs", "1", "--quiet"]
    interrupt_in_epoch(monkeypatch, 1)
    status, _, err = run_cli(capsys, *argv)
    assert status == 130
    assert "nothing was saved" in err and "run the same command again" in err and "--resume" not in err
    assert not any((tmp_path / "runs").iterdir())

    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    status, out, err = run_cli(capsys, *argv)
    assert status == 0, err
    assert [p.name.startswith("softmax-digits-") for p in (tmp_path / "runs").iterdir()] == [True]


@pytest.mark.slow
def test_interrupted_zoo_prints_the_command_that_finishes_it(tmp_path, capsys, monkeypatch):
    out = tmp_path / "my zoo"
    interrupt_in_epoch(monkeypatch, 2)  # the zoo's first model (3 epochs) is stopped in its second epoch
    status, _, err = run_cli(capsys, "run", "--quick", "--models", "softmax", "--epochs-scale", "0.3", "--quiet",
                             "--out", str(out))
    assert status == 130
    assert err.strip().splitlines()[-1] == f"interrupted; finish it with: classicnets run --out {shlex.quote(str(out))} --resume"
    monkeypatch.undo()
    status, out_text, _ = run_cli(capsys, "run", "--out", str(out), "--resume", "--quiet", "--no-export")
    assert status == 0 and (out / "report.html").exists() and "softmax" in out_text


def test_resuming_a_finished_run_changes_nothing(tmp_path, capsys):
    run = tmp_path / "done"
    status, _, err = run_cli(capsys, "train", "softmax", "--dataset", "digits", "--epochs", "2", "--quiet",
                             "--run-dir", str(run))
    assert status == 0, err
    files = {path: path.read_bytes() for path in run.rglob("*") if path.is_file()}
    status, out, err = run_cli(capsys, "train", "softmax", "--run-dir", str(run), "--resume")
    assert status == 0, err
    assert "had finished 2 epochs; nothing was changed" in out
    assert {path: path.read_bytes() for path in run.rglob("*") if path.is_file()} == files
    status, _, err = run_cli(capsys, "train", "softmax", "--run-dir", str(run), "--resume", "--epochs", "3", "--quiet")
    assert status == 0 and json.loads((run / "metrics.json").read_text())["epochs"] == 3, err
