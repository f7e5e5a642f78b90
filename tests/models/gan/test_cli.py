"""The CLI on a tiny cgan run: train writes grids and judge metrics, generate draws, evaluate judges again,
and bad input exits with status 2."""

import json

import numpy as np
import pytest
from PIL import Image

from classicnets.config import RunConfig, save_config
from classicnets.judges import judge
from tests.helpers import run_cli

TINY = ["--noise-dim", "8", "--generator-hidden", "32", "--discriminator-hidden", "32", "--batch-size", "16",
        "--jit-compile", "off", "--quiet"]


@pytest.fixture(scope="module")
def cgan_run(tmp_path_factory, stripes_npz):
    """classicnets train cgan on the stripes, 2 epochs, a grid every epoch."""
    run_dir = tmp_path_factory.mktemp("runs") / "cgan"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(judge.CACHE_VARIABLE, str(tmp_path_factory.getbasetemp() / "cache"))
        patch.setattr(judge, "MAX_JUDGE_EPOCHS", 2)
        from classicnets.cli.main import main
        assert main(["train", "cgan", "--dataset", str(stripes_npz), "--epochs", "2", "--samples-every", "1",
                     *TINY, "--run-dir", str(run_dir)]) == 0
    return run_dir


def test_train_writes_grids_frechet_history_and_judge_metrics(cgan_run):
    assert {p.name for p in (cgan_run / "samples").iterdir()} == {"epoch-001.png", "epoch-002.png",
                                                                  "frechet_distance.csv"}
    assert {p.name for p in (cgan_run / "plots").iterdir()} >= {"samples.png", "judge.png", "losses.png"}
    metrics = json.loads((cgan_run / "metrics.json").read_text())
    test = metrics["test"]
    assert test["num_generated"] == 3000 and 0 <= test["judge_agreement"] <= 1
    assert set(test["per_class_agreement"]) == {"0", "1", "2"}
    assert sum(test["class_spread"].values()) == pytest.approx(1.0)
    assert set(metrics["frechet_distance_by_epoch"]) == {"1", "2"}
    history = (cgan_run / "history.csv").read_text().splitlines()[0].split(",")
    assert {"generator_loss", "discriminator_loss", "val_generator_loss", "real_score"} <= set(history)


def test_generate_one_label_and_all_labels(cgan_run, capsys, tmp_path):
    status, out, _ = run_cli(capsys, "generate", str(cgan_run), "--label", "2", "--n", "4", "--out", str(tmp_path / "a.png"))
    assert status == 0 and "a.png" in out
    status, _, _ = run_cli(capsys, "generate", str(cgan_run), "--label", "all", "--n", "3", "--out", str(tmp_path / "b.png"))
    assert status == 0
    assert Image.open(tmp_path / "b.png").size[1] > Image.open(tmp_path / "a.png").size[1]  # 3 rows vs 2


def test_evaluate_recomputes_the_judge_metrics(cgan_run, capsys):
    before = json.loads((cgan_run / "metrics.json").read_text())["test"]
    status, out, _ = run_cli(capsys, "evaluate", str(cgan_run), "--json")
    assert status == 0
    after = json.loads(out)["test"]
    assert after["judge_agreement"] == pytest.approx(before["judge_agreement"])
    assert after["frechet_distance"] == pytest.approx(before["frechet_distance"], rel=1e-4)


def test_unknown_label_exits_2(cgan_run, capsys, tmp_path):
    status, _, err = run_cli(capsys, "generate", str(cgan_run), "--label", "7", "--out", str(tmp_path / "x.png"))
    assert status == 2 and "--label '7'" in err and "0, 1, 2" in err
    assert not (tmp_path / "x.png").exists()


def test_generate_on_a_classifier_run_exits_2(capsys, tmp_path):
    save_config(RunConfig(model="mlp"), tmp_path / "config.json")
    status, _, err = run_cli(capsys, "generate", str(tmp_path), "--out", str(tmp_path / "x.png"))
    assert status == 2 and "'mlp' run" in err and "gan or cgan" in err


def test_cgan_on_unlabelled_images_exits_2(capsys, tmp_path):
    images = np.random.default_rng(0).integers(0, 255, (40, 6, 6), dtype=np.uint8)
    path = tmp_path / "one_class.npz"
    np.savez(path, x_train=images[:30], y_train=np.zeros(30, np.int64), x_test=images[30:], y_test=np.zeros(10, np.int64))
    status, _, err = run_cli(capsys, "train", "cgan", "--dataset", str(path), *TINY, "--run-dir", str(tmp_path / "run"))
    assert status == 2 and "labels" in err
    assert not (tmp_path / "run").exists()  # refused before anything was written
