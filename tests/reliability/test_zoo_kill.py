"""`classicnets run` killed with SIGKILL in the middle of the zoo: `--resume` (run in the test's process)
finishes it, keeping the model that was done and training the rest (one epoch of softmax and two of mlp:
--epochs-scale 0.1)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.helpers import run_cli

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}


def classicnets(*argv: str) -> list[str]:
    return [sys.executable, "-m", "classicnets", *argv]


@pytest.mark.kills
@pytest.mark.slow
def test_a_killed_zoo_resumes_to_a_full_report(tmp_path, capsys):
    out = tmp_path / "zoo"
    command = classicnets("run", "--quick", "--models", "softmax,mlp", "--epochs-scale", "0.1", "--out", str(out),
                          "--quiet")
    child = subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while not (out / "softmax" / "metrics.json").exists():  # the first model is finished
            assert child.poll() is None, "the zoo ended before it could be killed"
            assert time.monotonic() < deadline, "the zoo's first model did not finish in 4 minutes"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert not (out / "report.html").exists()
    finished = json.loads((out / "softmax" / "metrics.json").read_text())
    status, _, err = run_cli(capsys, "run", "--out", str(out), "--resume", "--quiet", "--no-export")  # in this process
    assert status == 0, err[-2000:]
    assert (out / "report.html").exists() and (out / "mlp" / "metrics.json").exists()
    assert json.loads((out / "softmax" / "metrics.json").read_text()) == finished  # kept, not trained again
    summary = (out / "summary.md").read_text()
    assert "softmax" in summary and "mlp" in summary
