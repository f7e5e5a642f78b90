"""The user's own Keras network: the notes' Keras examples (a compiled Sequential, a two-branch Functional model
with logits, a subclass with its own train_step) train, resume exactly, evaluate, export and serve; bad networks
get messages."""

import json
import shutil
import textwrap

import numpy as np
import pytest

from classicnets.errors import UserError

from tests.helpers import run_cli
from tests.serving.small import call, start_serve

pytestmark = pytest.mark.slow

SEQUENTIAL = """
import keras

def build(input_shape, num_classes):
    model = keras.Sequential([
        keras.Input(shape=(8, 8)),  # the notes' 28x28 style: no channel axis
        keras.layers.Flatten(),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(num_classes, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.RMSprop(0.003), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", "sparse_top_k_categorical_accuracy"])
    return model
"""

BRANCHES = """
import keras

def two_branches(input_shape, num_classes):
    inputs = keras.Input(input_shape)
    flat = keras.layers.Flatten()(inputs)
    wide = keras.layers.Flatten()(keras.layers.Conv2D(4, 3, padding="same", activation="relu")(inputs))
    deep = keras.layers.Dense(16, activation="relu")(keras.layers.Dense(32, activation="relu")(flat))
    logits = keras.layers.Dense(num_classes)(keras.layers.Concatenate()([wide, deep]))
    return keras.Model(inputs, logits, name="two_branches")
"""

OWN_STEP = """
import keras
import tensorflow as tf


class Classifier(keras.Model):
    def __init__(self, num_classes=10, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = num_classes
        self.flatten = keras.layers.Flatten()
        self.hidden = keras.layers.Dense(32, activation="relu")
        self.out = keras.layers.Dense(num_classes, activation="softmax")
        self.loss_tracker = keras.metrics.Mean(name="loss")

    def call(self, x, training=False):
        return self.out(self.hidden(self.flatten(x)))

    @property
    def metrics(self):
        return [self.loss_tracker]

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, self(x, training=True)))
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}

    def test_step(self, data):
        x, y = data
        self.loss_tracker.update_state(tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, self(x))))
        return {"loss": self.loss_tracker.result()}

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}


def build(num_classes):
    model = Classifier(num_classes)
    model.compile(optimizer=keras.optimizers.Adam(0.003))
    return model
"""


def write(folder, name, text):
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def train(capsys, run_dir, network, *flags):
    status, out, err = run_cli(capsys, "train", "--network", str(network), "--dataset", "digits", "--quiet",
                               "--run-dir", str(run_dir), *flags)
    assert status == 0, err
    return json.loads((run_dir / "metrics.json").read_text()), json.loads((run_dir / "config.json").read_text())


@pytest.fixture(scope="module")
def networks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("networks")
    return {name: write(folder, f"{name}.py", text)
            for name, text in (("sequential", SEQUENTIAL), ("branches", BRANCHES), ("own_step", OWN_STEP))}


def test_a_compiled_sequential_trains_with_its_own_optimizer_and_metrics(capsys, tmp_path, networks):
    metrics, config = train(capsys, tmp_path / "run", f"{networks['sequential']}:build", "--epochs", "3")
    assert config["model"] == "network"
    assert config["model_options"]["task"] == "classifier" and config["model_options"]["outputs"] == "probabilities"
    assert metrics["test"]["accuracy"] > 0.85
    history = (tmp_path / "run" / "history.csv").read_text().splitlines()
    assert "sparse_top_k_categorical_accuracy" in history[0] and "val_accuracy" in history[0]
    kept = tmp_path / "run" / "network"
    assert (kept / "sequential.py").read_text() == networks["sequential"].read_text()
    facts = json.loads((kept / "network.json").read_text())
    assert facts["function"] == "build" and len(facts["sha256"]) == 64
    import keras

    saved = keras.saving.load_model(tmp_path / "run" / "model.keras")
    assert type(saved.optimizer).__name__ == "RMSprop"  # the user's optimizer, not classicnets' Adam


def test_a_killed_network_run_resumes_to_the_same_figures(capsys, tmp_path, networks):
    straight, _ = train(capsys, tmp_path / "straight", f"{networks['sequential']}:build", "--epochs", "2")
    train(capsys, tmp_path / "resumed", f"{networks['sequential']}:build", "--epochs", "1")
    status, _, err = run_cli(capsys, "train", "network", "--run-dir", str(tmp_path / "resumed"), "--resume",
                             "--epochs", "2", "--quiet")
    assert status == 0, err
    resumed = json.loads((tmp_path / "resumed" / "metrics.json").read_text())
    assert resumed["test"]["loss"] == straight["test"]["loss"]
    assert resumed["test"]["accuracy"] == straight["test"]["accuracy"]


def test_a_changed_network_file_is_refused_on_resume_with_what_changed(capsys, tmp_path, networks):
    source = tmp_path / "net.py"
    shutil.copy(networks["sequential"], source)
    train(capsys, tmp_path / "run", source, "--epochs", "1")
    source.write_text(source.read_text().replace("Dense(32", "Dense(48"))
    before = (tmp_path / "run" / "checkpoint.npz").read_bytes()
    status, _, err = run_cli(capsys, "train", "network", "--run-dir", str(tmp_path / "run"), "--resume", "--epochs", "2")
    assert status == 2
    assert "changed since the run" in err and "Dense(48" in err and "Dense(32" in err
    assert (tmp_path / "run" / "checkpoint.npz").read_bytes() == before


def test_a_two_branch_model_with_logits_is_kept_with_a_softmax_and_exports(capsys, tmp_path, networks):
    """With a convolution, --precision auto trains it in bfloat16 on a CPU that has it: the kept model is float32."""
    metrics, config = train(capsys, tmp_path / "run", f"{networks['branches']}:two_branches", "--epochs", "3",
                            "--lr", "0.01")
    assert config["model_options"]["outputs"] == "logits"
    assert metrics["test"]["accuracy"] > 0.85
    import classicnets

    run = classicnets.load_run(tmp_path / "run")
    probabilities = run.predict(np.zeros((3, 8, 8, 1), np.uint8))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert (tmp_path / "run" / "plots" / "confusion_matrix.png").stat().st_size > 0
    status, out, err = run_cli(capsys, "export", str(tmp_path / "run"), "--out", str(tmp_path / "models"))
    assert status == 0, err
    assert "largest difference from the Keras model: saved model 0" in out


def test_a_subclass_with_its_own_train_step_trains_evaluates_exports_and_serves(capsys, tmp_path, networks):
    metrics, config = train(capsys, tmp_path / "run", networks["own_step"], "--epochs", "3")
    assert metrics["test"]["accuracy"] > 0.8
    status, out, err = run_cli(capsys, "evaluate", str(tmp_path / "run"))  # loads the subclass from the run's copy
    assert status == 0, err
    assert f"{metrics['test']['accuracy']:.4f}" in out
    status, out, err = run_cli(capsys, "export", str(tmp_path / "run"), "--out", str(tmp_path / "models"),
                               "--name", "mine")
    assert status == 0, err
    base, process = start_serve(tmp_path / "models", tmp_path / "serve.log", "--poll-seconds", "0")
    try:
        from classicnets.data import load_dataset

        digits = load_dataset("digits")
        images = (digits.x_test[:20] / 255.0).tolist()
        status, answer = call(base, "POST", "/v1/models/mine:predict", {"instances": images})
        assert status == 200
        served = np.asarray([row["probabilities"] for row in answer["predictions"]])
        import classicnets

        expected = classicnets.load_run(tmp_path / "run").predict(digits.x_test[:20])
        np.testing.assert_allclose(served, expected, atol=1e-5)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("text, message", [
    ("def build():\n    return 3\n", "returned int, not a keras.Model"),
    ("import keras\ndef build(num_classes):\n    x = keras.Input((8, 8, 1))\n"
     "    return keras.Model(x, keras.layers.Dense(3)(keras.layers.Flatten()(x)))\n", "one value per class"),
    ("def build(depth):\n    pass\n", "needs depth"),
    ("import keras\ndef build():\n    x = keras.Input((5,))\n    return keras.Model(x, keras.layers.Dense(10)(x))\n",
     "takes inputs of shape (5,)"),
    ("def build(:\n", "SyntaxError"),
])
def test_a_network_that_cannot_train_gets_a_message_and_leaves_nothing(capsys, tmp_path, text, message):
    source = write(tmp_path, "net.py", text)
    status, _, err = run_cli(capsys, "train", "--network", str(source), "--dataset", "digits",
                             "--run-dir", str(tmp_path / "run"))
    assert status == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "run").exists()


def test_a_network_reference_of_the_wrong_form_is_named(capsys, tmp_path):
    status, _, err = run_cli(capsys, "train", "--network", "my_net", "--dataset", "digits")
    assert status == 2 and "FILE.py:FUNCTION" in err
    status, _, err = run_cli(capsys, "train", "--network", str(tmp_path / "absent.py"), "--dataset", "digits")
    assert status == 2 and "does not exist" in err


def test_the_python_api_takes_a_build_function_and_a_model_object(tmp_path, networks):
    import importlib.util

    import keras

    import classicnets

    spec = importlib.util.spec_from_file_location("branches_module", networks["branches"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    run = classicnets.train(module.two_branches, "digits", epochs=1, run_dir=tmp_path / "function")
    assert run.config.model_options["network"] == f"{networks['branches'].resolve()}:two_branches"
    assert run.metrics["test"]["accuracy"] > 0.3

    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    run = classicnets.train(model, "digits", epochs=1, run_dir=tmp_path / "object")
    assert (tmp_path / "object" / "network" / f"{model.name}.keras").is_file()
    resumed = classicnets.train(model, "digits", epochs=2, run_dir=tmp_path / "object", resume=True)
    assert resumed.metrics["epochs"] == 2 and resumed.metrics["resumed_from_epoch"] == 1
    with pytest.raises(UserError, match="cannot change learning_rate"):
        classicnets.train(model, "digits", epochs=3, learning_rate=0.5, run_dir=tmp_path / "object", resume=True)
    with pytest.raises(UserError, match="not defined at the top level"):
        classicnets.train(lambda: model, "digits", run_dir=tmp_path / "lambda")


def test_a_network_that_gives_back_its_inputs_is_an_autoencoder(capsys, tmp_path):
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "networks" / "autoencoder.py"
    metrics, config = train(capsys, tmp_path / "run", example, "--epochs", "3")
    assert config["model_options"]["task"] == "autoencoder"
    assert 0 < metrics["test"]["mse"] < 0.05 and "per_class_mse" in metrics["test"]
    assert (tmp_path / "run" / "plots" / "reconstructions.png").stat().st_size > 0
    import classicnets

    run = classicnets.load_run(tmp_path / "run")
    from classicnets.data import load_dataset

    images = load_dataset("digits").x_test[:4]
    assert run.reconstruct(images).shape == images.shape
    with pytest.raises(UserError, match="no encode"):
        run.encode(images)
    status, out, err = run_cli(capsys, "export", str(tmp_path / "run"), "--out", str(tmp_path / "models"))
    assert status == 0, err
    status, _, err = run_cli(capsys, "train", "--network", str(example), "--task", "classifier", "--dataset", "digits",
                             "--run-dir", str(tmp_path / "as-classifier"))
    assert status == 2 and "as a classifier it must give (10,)" in err


def test_a_keras_file_is_a_start_to_train_from_and_a_bad_one_is_named(capsys, tmp_path):
    import keras

    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    model.fit(np.zeros((4, 8, 8, 1)), np.arange(4), verbose=0)  # weights the run starts from
    model.save(tmp_path / "start.keras")
    metrics, _ = train(capsys, tmp_path / "run", tmp_path / "start.keras", "--epochs", "2")
    assert metrics["test"]["accuracy"] > 0.5
    assert (tmp_path / "run" / "network" / "start.keras").is_file()
    with_code = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                                  keras.layers.Lambda(lambda t: 2 * t), keras.layers.Dense(10, activation="softmax")])
    with_code.save(tmp_path / "code.keras")
    (tmp_path / "text.keras").write_text("not a model")
    for name, message in (("code.keras", "safe mode does not run"), ("text.keras", "not a .keras file")):
        status, _, err = run_cli(capsys, "train", "--network", str(tmp_path / name), "--dataset", "digits",
                                 "--run-dir", str(tmp_path / name.replace(".", "-")))
        assert status == 2 and message in err and "Traceback" not in err
        assert not (tmp_path / name.replace(".", "-")).exists()
