"""classicnets asks TensorFlow for its oneDNN CPU kernels unless the user chose otherwise."""

import os
import subprocess
import sys

import pytest

SHOW = "import classicnets, os; print(os.environ['TF_ENABLE_ONEDNN_OPTS'])"


@pytest.mark.parametrize("given, expected", [(None, "1"), ("0", "0"), ("1", "1")])
def test_onednn_is_on_unless_the_user_set_it(given, expected):
    env = {key: value for key, value in os.environ.items() if key != "TF_ENABLE_ONEDNN_OPTS"}
    if given is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = given
    shown = subprocess.run([sys.executable, "-c", SHOW], env=env, capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == expected
