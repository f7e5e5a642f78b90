"""What a user takes away from a run: files with the usual permissions, and a model.keras of every family that
plain Keras loads in a fresh process after `import classicnets`."""

import json
import os
import stat
import subprocess
import sys

import pytest

from classicnets.models import model_names


@pytest.fixture
def runs(family_runs):
    return family_runs


def test_run_files_get_the_usual_permissions(runs):
    umask = os.umask(0)
    os.umask(umask)
    expected = 0o666 & ~umask
    for name in ("config.json", "metrics.json", "history.csv", "checkpoint.npz", "model.keras"):
        mode = stat.S_IMODE((runs["mlp"] / name).stat().st_mode)
        assert mode == expected, f"{name}: {oct(mode)} instead of {oct(expected)}"
    assert not list(runs["mlp"].glob("*.tmp*"))


def test_every_family_run_opens_whole_with_everything_a_command_needs(runs):
    """The checks of a run directory accept every run the trainer writes (and load its model)."""
    from classicnets import runs as run_files

    for name, root in runs.items():
        run = run_files.open_run(root, needs=("config", "model", "checkpoint", "metrics"))
        assert run_files.read_config(run).model == name
        assert run_files.load_model(run) is not None
        assert run_files.read_metrics(run)["epochs"] >= 1


LOAD_ALL = """
import json, sys, warnings
import keras
import classicnets  # the only extra line a user needs
loaded = {}
for name, path in json.loads(sys.argv[1]).items():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = keras.saving.load_model(path)  # Keras' defaults: compile=True, safe_mode=True
    optimizer = getattr(model, "optimizer", None)
    loaded[name] = {"class": type(model).__name__, "warnings": [str(w.message) for w in caught],
                    "steps": int(optimizer.iterations.numpy()) if optimizer is not None else None}
print(json.dumps(loaded))
"""


@pytest.mark.parametrize("keras_first", [True, False], ids=["keras-first", "classicnets-first"])
def test_every_model_file_loads_with_plain_keras(runs, keras_first):
    script = LOAD_ALL if keras_first else LOAD_ALL.replace("import keras\nimport classicnets", "import classicnets\nimport keras")
    paths = {name: str(run / "model.keras") for name, run in runs.items()}
    done = subprocess.run([sys.executable, "-c", script, json.dumps(paths)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(loaded) == set(model_names())
    assert loaded["gan"]["class"] == "AdversarialPair" and loaded["ae-classifier"]["class"] == "AEClassifier"
    for name, facts in loaded.items():
        assert not [w for w in facts["warnings"] if "Skipping variable loading" in w], (name, facts["warnings"])
        if facts["steps"] is not None and name != "linear-classifier":  # (its step is written by hand)
            assert facts["steps"] > 0, name  # a compiled model comes back with its optimizer's state
