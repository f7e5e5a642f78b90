"""The evaluation package must stay light: no TensorFlow, Keras or pyplot."""

import os
import subprocess
import sys
from pathlib import Path

SOURCE_DIR = Path(__file__).resolve().parents[2] / "src"

SCRIPT = """
import sys
import numpy as np
import classicnets.evaluation as evaluation
evaluation.plot_history({"loss": [1.0, 0.5]}, sys.argv[1])
heavy = sorted(name for name in ("tensorflow", "keras", "matplotlib.pyplot") if name in sys.modules)
print(",".join(heavy))
"""


def test_importing_and_plotting_loads_no_tensorflow_keras_or_pyplot(tmp_path):
    environment = {**os.environ, "PYTHONPATH": str(SOURCE_DIR)}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "history.png")],
        env=environment, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"loaded: {result.stdout.strip()}"
    assert (tmp_path / "history.png").is_file()
