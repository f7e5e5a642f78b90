"""What training prints: one plain line per epoch in a log or pipe, a bar redrawn in place on a terminal that
ends as one line per epoch, and with --quiet only the summary line."""

import io
import sys

from classicnets.training.progress import EpochProgress
from tests.helpers import run_cli
from tests.training.small import blobs, make_trainer


class FakeTerminal(io.StringIO):
    """Collects what is written, and says it is a terminal."""

    def isatty(self) -> bool:
        return True


def screen_lines(written: str) -> list[str]:
    """What a terminal shows at the end: of each line, the text after its last carriage return."""
    return [line.split("\r")[-1].replace("\x1b[K", "") for line in written.split("\n") if line]


def test_piped_output_has_one_plain_line_per_epoch_and_the_summary(tmp_path, capsys):
    run_dir = tmp_path / "run"
    status, out, err = run_cli(capsys, "train", "mlp", "--dataset", "digits", "--epochs", "2", "--hidden", "16",
                               "--run-dir", str(run_dir))
    assert status == 0, err
    for control in ("\r", "\b", "\x1b"):
        assert control not in out
    lines = out.splitlines()
    assert [line.split(" - ")[0] for line in lines[:2]] == ["Epoch 1/2", "Epoch 2/2"]
    for line in lines[:2]:
        assert line.count("loss: ") == 2 and line.count("val_loss: ") == 1 and "val_accuracy: " in line
        assert line.endswith("s")  # the epoch's time
    assert len(lines) == 3 and lines[2].startswith("mlp on digits: test accuracy") and lines[2].endswith(str(run_dir))


def test_quiet_prints_only_the_summary_line(tmp_path, capsys):
    run_dir = tmp_path / "run"
    status, out, err = run_cli(capsys, "train", "softmax", "--dataset", "digits", "--epochs", "1", "--quiet",
                               "--run-dir", str(run_dir))
    assert status == 0, err
    assert out.splitlines() == [line for line in out.splitlines() if line.startswith("softmax on digits: ")]
    assert len(out.splitlines()) == 1 and out.rstrip().endswith(str(run_dir))


def test_terminal_bar_ends_each_epoch_as_one_line_with_validation_figures(tmp_path, monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    trainer = make_trainer(tmp_path, epochs=3)
    trainer.verbose = True
    trainer.fit(blobs(200), blobs(40, seed=1))  # 13 steps an epoch, 3 per compiled call: several redraws
    written = terminal.getvalue()
    assert written.count("\r") > 3 * 2  # redrawn in place during each epoch
    assert written.count("val_loss") == 3  # only the final rendering of an epoch has them, never a second line
    lines = screen_lines(written)
    assert len(lines) == 3
    for epoch, line in enumerate(lines, start=1):
        assert line.startswith(f"Epoch {epoch}/3 13/13 [") and line.count("val_loss: ") == 1
        assert line.count(" loss: ") == 1 and "val_accuracy: " in line


def test_a_log_gets_nothing_until_the_epoch_ends():
    log = io.StringIO()
    progress = EpochProgress(0, 10, 5, stream=log)
    progress.update(3, {"loss": 0.5})
    assert log.getvalue() == ""
    progress.finish({"loss": 0.31214, "val_loss": 0.4}, 1.26)
    assert log.getvalue() == "Epoch 1/10 - loss: 0.3121 - val_loss: 0.4000 - 1.3s\n"
