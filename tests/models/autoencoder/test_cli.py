"""The autoencoder commands end to end on the bundled digits: train, reconstruct, encode, sample, the
ae-classifier on a saved encoder (frozen) or pretraining in its own run, compare, and bad input (exit 2)."""

import json

import keras
import numpy as np
import pytest
from PIL import Image

from classicnets.cli.main import main
from classicnets.config import RunConfig, save_config
from tests.helpers import run_cli

TINY = ["--dataset", "digits", "--epochs", "1", "--batch-size", "64", "--quiet", "--hidden", "32", "--code-size", "4",
        "--jit-compile", "off"]  # compiling with XLA takes longer than these single epochs


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory):
    """A dense and a variational autoencoder run, and an ae-classifier on the dense one's frozen encoder."""
    root = tmp_path_factory.mktemp("autoencoder-runs")
    for name, extra in [("dense", []), ("variational", ["--kind", "variational"])]:
        assert main(["train", "autoencoder", *TINY, *extra, "--run-dir", str(root / name)]) == 0
    assert main(["train", "ae-classifier", "--dataset", "digits", "--epochs", "1", "--quiet", "--freeze-encoder",
                 "--jit-compile", "off", "--encoder", str(root / "dense"), "--run-dir", str(root / "frozen")]) == 0
    return root


def test_training_writes_mse_and_plots(runs_dir):
    metrics = json.loads((runs_dir / "dense" / "metrics.json").read_text())
    assert 0 < metrics["test"]["mse"] < 0.2 and metrics["test"]["num_examples"] == 359
    plots = {path.name for path in (runs_dir / "dense" / "plots").glob("*.png")}
    assert {"reconstructions.png", "codes.png", "history.png"} <= plots
    assert "samples.png" in {path.name for path in (runs_dir / "variational" / "plots").glob("*.png")}


def test_reconstruct_encode_and_sample(runs_dir, tmp_path, capsys):
    status, out, err = run_cli(capsys, "reconstruct", str(runs_dir / "dense"), "--n", "4", "--out", str(tmp_path / "r.png"))
    assert status == 0, err
    assert "4 images" in out and Image.open(tmp_path / "r.png").format == "PNG"
    status, _, err = run_cli(capsys, "encode", str(runs_dir / "dense"), "--out", str(tmp_path / "codes.npz"))
    assert status == 0, err
    with np.load(tmp_path / "codes.npz") as codes:
        assert codes["x_train"].shape == (1438, 4) and codes["x_test"].shape == (359, 4)
        assert codes["y_test"].shape == (359,) and len(codes["class_names"]) == 10
    status, _, err = run_cli(capsys, "sample", str(runs_dir / "variational"), "--n", "6", "--out", str(tmp_path / "s.png"))
    assert status == 0, err
    assert Image.open(tmp_path / "s.png").format == "PNG"


def test_frozen_encoder_stays_as_loaded(runs_dir):
    autoencoder = keras.saving.load_model(runs_dir / "dense" / "model.keras", compile=False)
    classifier = keras.saving.load_model(runs_dir / "frozen" / "model.keras", compile=False)
    for before, after in zip(autoencoder.encoder.variables, classifier.encoder.variables):
        np.testing.assert_array_equal(before.numpy(), after.numpy())
    metrics = json.loads((runs_dir / "frozen" / "metrics.json").read_text())
    assert metrics["stages"]["fine_tune"] == {"encoder": "frozen", "epochs": 1,
                                              "train_seconds": metrics["train_seconds"]}
    assert metrics["stages"]["pretrain"]["epochs"] == 1  # read from the encoder's run


def test_pretrain_then_fine_tune_in_one_run(tmp_path):
    run_dir = tmp_path / "aec"
    assert main(["train", "ae-classifier", "--dataset", "digits", "--epochs", "2", "--pretrain-epochs", "1",
                 "--batch-size", "64", "--quiet", "--run-dir", str(run_dir)]) == 0
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["stages"]["pretrain"]["epochs"] == 1 and metrics["stages"]["fine_tune"]["epochs"] == 1
    assert 0 < metrics["stages"]["pretrain"]["val_reconstruction_mse"] < 0.2
    assert "val_reconstruction_mse" in (run_dir / "history.csv").read_text().splitlines()[0]


def test_compare_prints_one_table(runs_dir, capsys):
    status, out, _ = run_cli(capsys, "compare", str(runs_dir / "dense"), str(runs_dir / "frozen"))
    lines = out.strip().splitlines()
    assert status == 0 and len(lines) == 4  # header, rule, two runs
    assert "| mse " in lines[2] and "| autoencoder " in lines[2] and "| digits " in lines[2]
    assert "| accuracy " in lines[3] and "2 (1+1)" in lines[3]
    status, out, _ = run_cli(capsys, "compare", str(runs_dir / "dense"), str(runs_dir / "frozen"), "--json")
    dense, frozen = json.loads(out)
    assert isinstance(dense["epochs"], int) and isinstance(dense["parameters"], int) and "stage_epochs" not in dense
    assert frozen["epochs"] == 2 and frozen["stage_epochs"] == {"pretrain": 1, "fine_tune": 1}
    assert isinstance(frozen["value"], float) and isinstance(frozen["seconds"], float)


def fake_run(folder, model, input_shape=(8, 8, 1)):
    """A run directory holding only a config (enough for the kind checks)."""
    folder.mkdir()
    save_config(RunConfig(model=model, data_info={"input_shape": list(input_shape)}), folder / "config.json")
    return folder


def test_bad_input_exits_2(runs_dir, tmp_path, capsys):
    mlp = fake_run(tmp_path / "mlp", "mlp")
    status, _, err = run_cli(capsys, "train", "ae-classifier", "--dataset", "digits", "--encoder", str(mlp),
                             "--run-dir", str(tmp_path / "x"))
    assert status == 2 and "not an autoencoder" in err and not (tmp_path / "x").exists()
    big = tmp_path / "big.npz"
    np.savez(big, x_train=np.zeros((6, 10, 10, 1), np.uint8), y_train=np.arange(6) % 2,
             x_test=np.zeros((2, 10, 10, 1), np.uint8), y_test=np.arange(2))
    status, _, err = run_cli(capsys, "train", "ae-classifier", "--dataset", str(big), "--encoder",
                             str(runs_dir / "dense"), "--run-dir", str(tmp_path / "y"))
    assert status == 2 and "(8, 8, 1)" in err and "(10, 10, 1)" in err
    for command in (["reconstruct", str(mlp)], ["encode", str(mlp), "--out", "c.npz"], ["sample", str(mlp)]):
        status, _, err = run_cli(capsys, *command)
        assert status == 2 and "needs an autoencoder run" in err
    status, _, err = run_cli(capsys, "sample", str(runs_dir / "dense"))
    assert status == 2 and "not variational" in err
