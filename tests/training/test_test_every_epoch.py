"""--test-every-epoch: the test split's figures and the time they were known, in every history row."""

import time

import classicnets
from tests.helpers import run_cli


def test_every_history_row_holds_the_test_figures_and_their_time(tmp_path):
    before = time.time()
    run = classicnets.train("softmax", "digits", run_dir=tmp_path / "run", verbose=False, epochs=3, test_every_epoch=True)
    history = run.history
    assert len(history["test_accuracy"]) == len(history["test_loss"]) == 3
    assert before < history["wall_time"][0] < history["wall_time"][1] < history["wall_time"][2] < time.time()
    # the last row's figures are those of the finished model on the same split
    assert abs(history["test_accuracy"][-1] - run.metrics["test"]["accuracy"]) < 1e-6
    assert abs(history["test_loss"][-1] - run.metrics["test"]["loss"]) < 1e-4
    assert run.config.train.test_every_epoch is True


def test_without_the_flag_history_has_no_test_columns(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "train", "softmax", "--dataset", "digits", "--epochs", "1",
                           "--run-dir", str(tmp_path / "run"))
    assert code == 0
    header = (tmp_path / "run" / "history.csv").read_text().splitlines()[0]
    assert "test_accuracy" not in header and "wall_time" not in header
    assert "test_accuracy" not in out
