"""tabular: the notes' fur/wings network (100%, and the stall without a hidden layer), CSV labels of any kind,
predict --values/--csv, resume continuing the global step and TensorBoard."""

import json

import numpy as np
import pytest
import tensorflow as tf

from classicnets.config import RunConfig
from classicnets.errors import UserError
from classicnets.use.inference import feature_rows

from tests.helpers import run_cli, train_cli, write_csv

ANIMALS = {(0, 0): "other", (1, 0): "mammal", (1, 1): "bird", (0, 1): "bird"}


def test_hidden_layer_gets_every_animal_right(fur_wings_run, capsys):
    metrics = json.loads((fur_wings_run / "metrics.json").read_text())
    assert metrics["test"]["accuracy"] == 1.0 and metrics["test"]["num_examples"] == 12
    values = [f"{fur},{wings}" for fur, wings in ANIMALS]
    status, out, err = run_cli(capsys, "predict", str(fur_wings_run), *sum([["--values", v] for v in values], []),
                               "--json")
    assert status == 0, err
    assert [r["label"] for r in json.loads(out)] == list(ANIMALS.values())


def test_one_layer_stalls_as_in_the_notes(tmp_path):
    run = train_cli(tmp_path / "run", "tabular", "--hidden", "")
    assert json.loads((run / "metrics.json").read_text())["test"]["accuracy"] <= 0.75


def test_bad_csvs_exit_2(tmp_path, fur_wings_run, capsys):
    no_label = write_csv(tmp_path / "no_label.csv", ["fur", "wings"], [[0, 1], [1, 0]])
    status, _, err = run_cli(capsys, "train", "tabular", "--dataset", str(no_label), "--run-dir", str(tmp_path / "a"))
    assert status == 2 and "no column 'label'" in err and "fur, wings" in err
    text = write_csv(tmp_path / "text.csv", ["fur", "wings", "label"], [[0, 1, "bird"], ["yes", 0, "mammal"]])
    status, _, err = run_cli(capsys, "train", "tabular", "--dataset", str(text), "--run-dir", str(tmp_path / "b"))
    assert status == 2 and "'yes'" in err and "'fur'" in err
    status, _, err = run_cli(capsys, "predict", str(fur_wings_run), "--csv", str(no_label.with_name("none.csv")))
    assert status == 2 and "none.csv" in err
    status, _, err = run_cli(capsys, "predict", str(fur_wings_run), "--values", "1,0,1")
    assert status == 2 and "3 value(s)" in err and "2 feature(s)" in err
    status, _, err = run_cli(capsys, "predict", str(fur_wings_run), "--values", "1,0", "--csv", str(no_label))
    assert status == 2 and "exactly one" in err


def test_values_need_a_run_on_a_table():
    digits = RunConfig(model="mlp", data_info={"is_image": True, "input_shape": [8, 8, 1]})
    with pytest.raises(UserError, match="table of features"):
        feature_rows(digits, ["1,0"])


def tensorboard_steps(folder, tag_part: str) -> list[int]:
    """The steps at which event files under `folder` hold a summary whose tag contains `tag_part`."""
    steps = []
    for path in sorted(folder.rglob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            steps += [event.step for value in event.summary.value if tag_part in value.tag]
    return sorted(steps)


def test_csv_labels_resume_global_step_and_tensorboard(tmp_path, capsys):
    rows = [[fur, wings, {"other": 0, "mammal": 10, "bird": 2}[label]] for (fur, wings), label in ANIMALS.items()] * 4
    data = write_csv(tmp_path / "codes.csv", ["fur", "wings", "code"], rows)
    run = train_cli(tmp_path / "run", "tabular", "--dataset", str(data), "--target", "code", "--epochs", "3",
                "--batch-size", "4", "--validation-fraction", "0")
    config = json.loads((run / "config.json").read_text())
    assert config["data_info"]["class_names"] == ["0", "2", "10"]  # numeric labels, in numeric order
    assert config["data_info"]["extra"] == {"feature_names": ["fur", "wings"], "target": "code"}
    train_cli(run, "tabular", "--resume", "--epochs", "5")
    with np.load(run / "checkpoint.npz") as state:
        global_step = int(state["optimizer/iteration"])  # the optimizer's step counter, stored by name
    assert global_step == 5 * 3  # 12 training rows (4 held out for testing) in batches of 4, 5 epochs
    assert tensorboard_steps(run / "tensorboard" / "train", "loss") == [0, 1, 2, 3, 4]
    assert tensorboard_steps(run / "tensorboard" / "train", "histogram") != []
    assert json.loads((run / "metrics.json").read_text())["resumed_from_epoch"] == 3
    queries = write_csv(tmp_path / "queries.csv", ["wings", "code", "fur"], [[0, 10, 1], [1, 2, 1]])
    status, out, err = run_cli(capsys, "predict", str(run), "--csv", str(queries), "--json")
    assert status == 0, err
    assert [r["inputs"] for r in json.loads(out)] == [[1.0, 0.0], [1.0, 1.0]]  # columns matched by name
