"""linear-classifier: the notes' Gaussian clouds and hand-written gradient-descent step, CSV labels, errors."""

import json

import numpy as np
import pytest

from classicnets.data.lessons import two_clouds
from tests.helpers import run_cli, train_cli, write_csv


def test_clouds_follow_the_notes_recipe():
    points, labels = two_clouds(seed=3)
    assert points.shape == (2000, 2) and np.bincount(labels).tolist() == [1000, 1000]
    np.testing.assert_allclose(points[labels == 0].mean(axis=0), [0, 3], atol=0.1)
    np.testing.assert_allclose(points[labels == 1].mean(axis=0), [3, 0], atol=0.1)
    np.testing.assert_allclose(np.cov(points[labels == 1].T), [[1, 0.5], [0.5, 1]], atol=0.1)
    np.testing.assert_array_equal(two_clouds(seed=3)[0], points)


def test_separates_the_clouds(clouds_run, capsys):
    metrics = json.loads((clouds_run / "metrics.json").read_text())
    assert metrics["test"]["accuracy"] >= 0.97 and metrics["test"]["num_examples"] == 400
    weights, bias = np.array(metrics["W"])[:, 0], metrics["b"][0]
    assert weights[0] > 0 > weights[1]  # class 1 lies at (3, 0): right and down
    assert (clouds_run / "plots" / "decision_line.png").stat().st_size > 0
    status, out, err = run_cli(capsys, "predict", str(clouds_run), "--values", "0,3", "--values", "3,0", "--json")
    assert status == 0, err
    results = json.loads(out)
    assert [r["label"] for r in results] == ["0", "1"]
    for result in results:  # the stored W and b give the model's own score, in the data's units
        assert result["scores"][0] == pytest.approx(weights @ result["inputs"] + bias, abs=1e-4)


def test_trains_on_a_csv_with_text_labels(tmp_path):
    points, labels = two_clouds(100, seed=1)
    rows = [[round(a, 3), round(b, 3), ["cat", "dog"][k]] for (a, b), k in zip(points, labels)]
    data = write_csv(tmp_path / "pets.csv", ["width", "height", "kind"], rows)
    run = train_cli(tmp_path / "run", "linear-classifier", "--dataset", str(data), "--target", "kind", "--epochs", "40",
                "--batch-size", "32")
    config = json.loads((run / "config.json").read_text())
    assert config["data_info"]["class_names"] == ["cat", "dog"]
    assert json.loads((run / "metrics.json").read_text())["test"]["accuracy"] >= 0.9


def test_hand_written_step_refuses_other_optimizers(tmp_path, capsys):
    status, _, err = run_cli(capsys, "train", "linear-classifier", "--optimizer", "adam", "--run-dir",
                             str(tmp_path / "run"))
    assert status == 2 and "--optimizer sgd" in err
