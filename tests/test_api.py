"""The Python API: classicnets.train and classicnets.load_run, the seam a notebook uses."""

import subprocess
import sys

import numpy as np
import pytest

import classicnets
from classicnets.errors import UserError


@pytest.fixture(scope="module")
def mlp_run(tmp_path_factory):
    """An mlp trained for two epochs on the bundled digits (the tests that use it are marked slow)."""
    return classicnets.train("mlp", "digits", run_dir=tmp_path_factory.mktemp("api") / "mlp", epochs=2,
                             hidden=(32,))


@pytest.mark.slow
def test_train_returns_a_run_with_its_metrics_and_model(mlp_run):
    assert mlp_run.family == "mlp" and (mlp_run.root / "model.keras").exists()
    assert mlp_run.metrics["test"]["accuracy"] > 0.5 and mlp_run.metrics["epochs"] == 2
    assert len(mlp_run.history["loss"]) == 2 and mlp_run.config.model_options["hidden"] == [32]


@pytest.mark.slow
def test_a_loaded_run_predicts_and_evaluates_like_the_trained_one(mlp_run):
    from classicnets.data import load_dataset

    test = load_dataset("digits").x_test[:20]
    again = classicnets.load_run(mlp_run.root)
    probabilities = again.predict(test)
    assert probabilities.shape == (20, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(probabilities, mlp_run.predict(test.astype(np.float32) / 255.0), atol=1e-6)
    assert again.evaluate()["test"]["accuracy"] == pytest.approx(mlp_run.metrics["test"]["accuracy"])


@pytest.mark.slow
def test_a_resumed_run_goes_on_from_its_last_epoch(mlp_run):
    resumed = classicnets.train("mlp", run_dir=mlp_run.root, resume=True, epochs=3)
    assert resumed.metrics["epochs"] == 3 and resumed.metrics["resumed_from_epoch"] == 2


@pytest.mark.slow
def test_wrong_settings_and_wrong_uses_are_explained(mlp_run, tmp_path):
    with pytest.raises(UserError, match="mlp has no setting 'units'.*hidden"):
        classicnets.train("mlp", "digits", run_dir=tmp_path / "x", units=3)
    with pytest.raises(UserError, match="takes inputs of shape"):
        mlp_run.predict(np.zeros((2, 5, 5, 1)))
    with pytest.raises(UserError, match="needs a gan or cgan run"):
        mlp_run.generate(4)
    with pytest.raises(UserError, match="needs an autoencoder run"):
        mlp_run.encode(np.zeros((1, 8, 8, 1)))
    assert not (tmp_path / "x").exists()


def test_importing_classicnets_loads_no_tensorflow():
    code = "import sys, classicnets; classicnets.__version__; print('tensorflow' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr
