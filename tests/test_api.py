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


def test_resume_refuses_changed_settings_by_their_argument_names(tmp_path):
    from classicnets.config import DataConfig, RunConfig, TrainConfig, save_config

    run_dir = tmp_path / "mlp"  # a run that wrote its config.json: enough to be resumed, or refused
    run_dir.mkdir()
    save_config(RunConfig("mlp", {"hidden": [32]}, DataConfig(dataset="digits"),
                          TrainConfig(epochs=2, batch_size=32, learning_rate=0.01)), run_dir / "config.json")
    with pytest.raises(UserError, match=rf"cannot change learning_rate, hidden when resuming {run_dir}: .*"
                                        r"\(only epochs may grow\)"):
        classicnets.train("mlp", "digits", run_dir=run_dir, resume=True, epochs=3, learning_rate=0.5, hidden=(64,))
    with pytest.raises(UserError, match=r"holds a 'mlp' run, not 'cnn'"):
        classicnets.train("cnn", run_dir=run_dir, resume=True)
    assert sorted(path.name for path in run_dir.iterdir()) == ["config.json"]


@pytest.mark.slow
def test_a_config_file_is_read_under_the_settings_given(tmp_path):
    path = tmp_path / "mlp.toml"
    path.write_text("[train]\nlearning_rate = 0.02\nepochs = 1\nbatch_size = 32\n[options]\nhidden = [8]\n")
    run = classicnets.train("mlp", "digits", config=path, run_dir=tmp_path / "run", batch_size=64)
    train = run.config.train
    assert (train.learning_rate, train.epochs, train.batch_size) == (0.02, 1, 64)
    assert run.config.model_options == {"hidden": [8]} and run.metrics["epochs"] == 1
    (tmp_path / "bad.toml").write_text("[train]\nrate = 0.1\n")
    with pytest.raises(UserError, match=r"bad.toml \[train\]: unknown key\(s\) rate"):
        classicnets.train("mlp", "digits", config=tmp_path / "bad.toml", run_dir=tmp_path / "never")
    assert not (tmp_path / "never").exists()
