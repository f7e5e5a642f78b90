"""linear-regression: the notes' line, CSV targets of any unit, W and b, predict --values/--csv, errors."""

import json

import numpy as np
import pytest

from classicnets.data.columns import BUNDLED_FILES
from tests.helpers import plane_rows, run_cli, train_cli, write_csv


def test_learns_the_notes_line(line_run):
    metrics = json.loads((line_run / "metrics.json").read_text())
    np.testing.assert_allclose(metrics["test"]["predictions"], [7, 10, 11, 12], atol=0.05)
    assert metrics["W"]["x"] == pytest.approx(2, abs=0.01) and metrics["b"] == pytest.approx(0, abs=0.03)
    assert metrics["test"]["mse"] < 1e-3 and metrics["epochs"] == 150
    assert (line_run / "plots" / "fit.png").stat().st_size > 0


def test_predict_values_and_csv(line_run, capsys):
    status, out, err = run_cli(capsys, "predict", str(line_run), "--values", "3.5", "--values", "6", "--json")
    assert status == 0, err
    results = json.loads(out)
    assert [r["inputs"] for r in results] == [[3.5], [6.0]]
    np.testing.assert_allclose([r["value"] for r in results], [7, 12], atol=0.05)
    status, out, _ = run_cli(capsys, "predict", str(line_run), "--csv", str(BUNDLED_FILES / "line_test.csv"))
    lines = out.strip().splitlines()
    assert status == 0 and len(lines) == 4 and lines[1].startswith("5: 10.0")


def test_trains_on_a_csv_with_any_target_column(tmp_path, capsys):
    data = write_csv(tmp_path / "plane.csv", ["a", "b", "price"], plane_rows())
    run = train_cli(tmp_path / "run", "linear-regression", "--dataset", str(data), "--target", "price",
                "--epochs", "40", "--batch-size", "4")
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["W"]["a"] == pytest.approx(3, abs=0.05) and metrics["W"]["b"] == pytest.approx(-2, abs=0.05)
    assert metrics["b"] == pytest.approx(1, abs=0.5)
    assert (run / "plots" / "fit.png").exists()
    status, out, _ = run_cli(capsys, "predict", str(run), "--values", "2,10", "--json")
    assert status == 0 and json.loads(out)[0]["value"] == pytest.approx(3 * 2 - 2 * 10 + 1, abs=0.5)
    config = json.loads((run / "config.json").read_text())
    assert config["data_info"]["extra"]["feature_names"] == ["a", "b"]
    other = write_csv(tmp_path / "wider.csv", ["a", "b", "price"], plane_rows(20, seed=1, spread=300))
    status, out, _ = run_cli(capsys, "evaluate", str(run), "--dataset", str(other), "--json")
    assert status == 0 and json.loads(out)["test"]["mse"] < 1.0  # scaled as in training, not by its own range


def test_bad_tables_and_values_exit_2(tmp_path, line_run, capsys):
    data = write_csv(tmp_path / "plane.csv", ["a", "b", "price"], plane_rows(10))
    status, _, err = run_cli(capsys, "train", "linear-regression", "--dataset", str(data), "--run-dir",
                             str(tmp_path / "r1"))
    assert status == 2 and "no column 'y'" in err and "--target" in err
    bad = write_csv(tmp_path / "bad.csv", ["a", "y"], [[1, 2], ["two", 4], [3, 6]])
    status, _, err = run_cli(capsys, "train", "linear-regression", "--dataset", str(bad), "--run-dir",
                             str(tmp_path / "r2"))
    assert status == 2 and "'two'" in err and "row 2" in err and "except 'y'" in err
    text_target = write_csv(tmp_path / "text.csv", ["a", "y"], [[1, "low"], [2, "high"], [3, "high"]])
    status, _, err = run_cli(capsys, "train", "linear-regression", "--dataset", str(text_target), "--run-dir",
                             str(tmp_path / "r3"))
    assert status == 2 and "'low'" in err and "numeric" in err
    status, _, err = run_cli(capsys, "predict", str(line_run), "--values", "1,2")
    assert status == 2 and "1 feature" in err
    assert not (tmp_path / "r1").exists() or not any((tmp_path / "r1").iterdir())
