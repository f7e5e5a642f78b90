"""The command line asks TensorFlow for its oneDNN CPU kernels unless the user chose otherwise, and keeps
TensorFlow's start-up log lines off the terminal."""

import os
import subprocess
import sys

import pytest

SHOW = ("from classicnets.cli.quiet import import_tensorflow_quietly; import_tensorflow_quietly(); "
        "import os; print(os.environ['TF_ENABLE_ONEDNN_OPTS'])")


@pytest.mark.parametrize("given, expected", [(None, "1"), ("0", "0")])
def test_onednn_is_on_unless_the_user_set_it(given, expected):
    env = {key: value for key, value in os.environ.items() if key not in ("TF_ENABLE_ONEDNN_OPTS", "TF_CPP_MIN_LOG_LEVEL")}
    if given is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = given
    shown = subprocess.run([sys.executable, "-c", SHOW], env=env, capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == expected
    assert shown.stderr == ""  # no oneDNN notice, no absl warning
