"""`classicnets evaluate` and `predict` on a trained digits run."""

import json

import numpy as np
from PIL import Image

from tests.cli.conftest import run_cli


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
