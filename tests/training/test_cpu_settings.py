"""The command line asks TensorFlow for its oneDNN CPU kernels unless the user chose otherwise, and keeps
TensorFlow's start-up log lines off the terminal."""

import os
import subprocess
import sys

import pytest

from classicnets.cli.quiet import set_tensorflow_defaults

SHOW = ("from classicnets.cli.quiet import import_tensorflow_quietly; import_tensorflow_quietly(); "
        "import os; print(os.environ['TF_ENABLE_ONEDNN_OPTS'])")


def test_a_fresh_command_loads_tensorflow_with_onednn_and_prints_nothing_of_it():
    env = {key: value for key, value in os.environ.items() if key not in ("TF_ENABLE_ONEDNN_OPTS", "TF_CPP_MIN_LOG_LEVEL")}
    shown = subprocess.run([sys.executable, "-c", SHOW], env=env, capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "1"
    assert shown.stderr == ""  # no oneDNN notice, no absl warning


@pytest.mark.parametrize("given, expected", [(None, ("1", "3")), (("0", "0"), ("0", "0"))])
def test_the_users_own_settings_are_kept(given, expected, monkeypatch):
    for name, value in zip(("TF_ENABLE_ONEDNN_OPTS", "TF_CPP_MIN_LOG_LEVEL"), given or (None, None)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    set_tensorflow_defaults()
    assert (os.environ["TF_ENABLE_ONEDNN_OPTS"], os.environ["TF_CPP_MIN_LOG_LEVEL"]) == expected
