"""`classicnets evaluate` and `predict` on a trained digits run."""

import json

import numpy as np
import pytest
from PIL import Image

from classicnets.cli.main import main
from tests.helpers import run_cli


def digit_files(tmp_path, count=3):
    """Real test digits written as PNGs: one upscaled and black-on-white, one RGB, one as stored."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = (digits.images[-count:] * 255 / 16).astype(np.uint8)
    paths = []
    for index, image in enumerate(images):
        picture = Image.fromarray(image)
        if index == 0:
            picture = Image.fromarray(255 - image).resize((64, 64), Image.NEAREST)  # photo of ink on paper
        elif index == 1:
            picture = picture.convert("RGB")
        path = tmp_path / f"digit{index}.png"
        picture.save(path)
        paths.append(str(path))
    return paths, [str(label) for label in digits.target[-count:]]


def test_evaluate_matches_training_metrics(trained_run, capsys):
    status, out, _ = run_cli(capsys, "evaluate", str(trained_run), "--json")
    assert status == 0
    stored = json.loads((trained_run / "metrics.json").read_text())["test"]
    assert json.loads(out)["test"]["accuracy"] == stored["accuracy"]


def test_predict_json_and_text(trained_run, tmp_path, capsys):
    paths, labels = digit_files(tmp_path)
    status, out, err = run_cli(capsys, "predict", str(trained_run), *paths, "--json")
    assert status == 0, err
    results = json.loads(out)
    assert [r["file"] for r in results] == paths
    for result in results:
        assert set(result) == {"file", "label", "confidence", "top_k"}
        assert result["label"] == result["top_k"][0]["label"] and len(result["top_k"]) == 3
        assert 0 < result["confidence"] <= 1
    assert sum(r["label"] == l for r, l in zip(results, labels)) >= 2
    status, out, _ = run_cli(capsys, "predict", str(trained_run), paths[0])
    assert status == 0 and paths[0] in out and "%" in out


def test_predict_and_evaluate_bad_input(trained_run, tmp_path, capsys):
    status, _, err = run_cli(capsys, "predict", str(trained_run), str(tmp_path / "missing.png"))
    assert status == 2 and "missing.png" in err
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    status, _, err = run_cli(capsys, "predict", str(trained_run), str(broken))
    assert status == 2 and "broken.png" in err
    assert broken.read_bytes() == b"not an image"
    status, _, err = run_cli(capsys, "evaluate", str(tmp_path))
    assert status == 2 and "not a classicnets run directory" in err
    status, _, err = run_cli(capsys, "predict", str(trained_run), "--top", "0", str(broken))
    assert status == 2 and "--top" in err


def test_datasets_lists_the_known_ones(capsys):
    status, out, _ = run_cli(capsys, "datasets")
    assert status == 0
    for name in ("mnist", "fashion-mnist", "digits"):
        assert name in out


def test_predict_classifies_the_images_of_a_folder(trained_run, tmp_path, capsys):
    paths, _ = digit_files(tmp_path)
    (tmp_path / "notes.txt").write_text("not an image")  # other files in the folder are left alone
    status, out, err = run_cli(capsys, "predict", str(trained_run), str(tmp_path), "--json")
    assert status == 0, err
    from_folder = json.loads(out)
    assert [result["file"] for result in from_folder] == sorted(paths)
    status, out, _ = run_cli(capsys, "predict", str(trained_run), *sorted(paths), "--json")
    assert json.loads(out) == from_folder


@pytest.fixture(scope="module")
def variational_run(tmp_path_factory):
    """A tiny variational autoencoder on the digits: it samples, reconstructs and encodes."""
    run = tmp_path_factory.mktemp("vae") / "run"
    assert main(["train", "autoencoder", "--kind", "variational", "--dataset", "digits", "--epochs", "1", "--hidden",
                 "16", "--code-size", "2", "--quiet", "--run-dir", str(run)]) == 0
    return run


def test_an_existing_out_is_replaced_only_with_force(variational_run, tmp_path, capsys):
    picture, codes = tmp_path / "mine.png", tmp_path / "mine.npz"
    picture.write_bytes(b"the user's picture")
    codes.write_bytes(b"the user's data")
    for command in (["sample", str(variational_run), "--out", str(picture)],
                    ["reconstruct", str(variational_run), "--out", str(picture)],
                    ["encode", str(variational_run), "--out", str(codes)]):
        status, _, err = run_cli(capsys, *command)
        assert status == 2 and "already exists" in err and "--force" in err, err
        status, _, err = run_cli(capsys, *command, "--force")
        assert status == 0, err
    assert Image.open(picture).format == "PNG"
    with np.load(codes) as saved:
        assert saved["x_train"].shape[1] == 2 and len(saved["x_test"]) == len(saved["y_test"])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mine.npz", "mine.png"]  # no temp files left


def test_default_outputs_in_the_run_are_replaced_each_time(variational_run, capsys):
    for _ in range(2):
        status, _, err = run_cli(capsys, "sample", str(variational_run), "--n", "4")
        assert status == 0, err
    assert Image.open(variational_run / "plots" / "sample.png").format == "PNG"


def test_encode_wants_an_npz_name(variational_run, tmp_path, capsys):
    status, _, err = run_cli(capsys, "encode", str(variational_run), "--out", str(tmp_path / "codes"))
    assert status == 2 and "must end in .npz" in err
    assert not list(tmp_path.iterdir())


def test_debug_shows_the_traceback_of_a_bug(trained_run, capsys, monkeypatch):
    def broken(run_dir):
        raise RuntimeError("a bug")

    monkeypatch.setattr("classicnets.judges.comparison.run_row", broken)
    status, _, err = run_cli(capsys, "compare", str(trained_run))
    assert status == 1 and "internal error: RuntimeError: a bug" in err and "Traceback" not in err
    with pytest.raises(RuntimeError):
        main(["--debug", "compare", str(trained_run)])
    monkeypatch.setenv("CLASSICNETS_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["compare", str(trained_run)])
