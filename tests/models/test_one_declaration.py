"""A family is one declaration: a new family declared in this file, by its spec alone (options, builder, data
loader; its task's judge and signatures come from the task's own declaration), trains, resumes, evaluates,
exports and serves through the same commands as the notes' families."""

from dataclasses import dataclass

import keras
import numpy as np
import pytest

from classicnets.models import FAMILIES, ModelSpec
from classicnets.models.registry import option
from tests.helpers import run_cli
from tests.serving.small import call, start_serve

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class WideOptions:
    width: int = option(12, "units of the one hidden layer")


def build_wide(options: WideOptions, input_shape: tuple[int, ...], num_classes: int) -> keras.Model:
    """Flatten, one hidden layer, softmax."""
    return keras.Sequential([keras.Input(input_shape), keras.layers.Flatten(),
                             keras.layers.Dense(options.width, activation="relu"),
                             keras.layers.Dense(num_classes, activation="softmax")], name="wide")


WIDE = ModelSpec("wide", "one hidden layer, declared in a test", WideOptions, f"{__name__}:build_wide",
                 data_loader="classicnets.data.labelled_images:load_classified", learning_rate=0.01)


@pytest.fixture
def with_wide(monkeypatch):
    monkeypatch.setitem(FAMILIES, "wide", WIDE)  # the one line a new family adds to models/__init__.py


def test_a_family_declared_here_trains_evaluates_exports_and_serves(with_wide, capsys, tmp_path):
    run_dir = tmp_path / "run"
    status, _, err = run_cli(capsys, "train", "wide", "--width", "24", "--dataset", "digits", "--epochs", "1",
                             "--quiet", "--run-dir", str(run_dir))
    assert status == 0, err
    status, _, err = run_cli(capsys, "train", "wide", "--run-dir", str(run_dir), "--resume", "--epochs", "3", "--quiet")
    assert status == 0, err
    status, out, err = run_cli(capsys, "evaluate", str(run_dir))
    assert status == 0, err
    import classicnets

    run = classicnets.load_run(run_dir)
    assert run.config.model_options == {"width": 24} and run.metrics["epochs"] == 3
    assert run.metrics["test"]["accuracy"] > 0.8 and f"{run.metrics['test']['accuracy']:.4f}" in out
    assert (run_dir / "plots" / "confusion_matrix.png").is_file()
    status, _, err = run_cli(capsys, "export", str(run_dir), "--out", str(tmp_path / "models"), "--name", "wide")
    assert status == 0, err
    base, process = start_serve(tmp_path / "models", tmp_path / "serve.log", "--poll-seconds", "0")
    try:
        from classicnets.data import load_dataset

        images = load_dataset("digits").x_test[:8]
        status, answer = call(base, "POST", "/v1/models/wide:predict", {"instances": (images / 255.0).tolist()})
        assert status == 200
        served = np.asarray([row["probabilities"] for row in answer["predictions"]])
        np.testing.assert_allclose(served, run.predict(images), atol=1e-5)
    finally:
        process.terminate()
        process.wait(timeout=30)
