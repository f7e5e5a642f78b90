"""MultiWorkerMirroredStrategy for real: two worker processes on localhost train the MLP (and a user's own
compiled Keras network) for one epoch,
end with the same weights, match a single-process run of the same global batch (trained here, in the test's
process, while the workers run), and only the chief writes the run directory."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.data.test_streamed_folders import write_folder
from tests.helpers import free_port
from tests.training import multiworker_job

JOB = Path(__file__).with_name("multiworker_job.py")
SRC = Path(__file__).resolve().parents[2] / "src"


def environment(tf_config: dict | None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(SRC), "TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": ""}
    env.pop("TF_CONFIG", None)
    if tf_config:
        env["TF_CONFIG"] = json.dumps(tf_config)
    return env


def load(path: Path) -> list[np.ndarray]:
    with np.load(path) as saved:
        return [saved[name] for name in sorted(saved.files)]


@pytest.mark.slow
@pytest.mark.parametrize("model,dataset", [("mlp", "digits"), ("network", "digits"), ("mlp", "folder")])
def test_two_workers_agree_with_each_other_and_with_one_process(tmp_path, model, dataset):
    if dataset == "folder":  # each worker reads its batches from the folder's cache, made once by one of them
        dataset = str(write_folder(tmp_path / "pets", per_class=40))
    workers = [f"127.0.0.1:{free_port()}" for _ in range(2)]
    run_dir = tmp_path / "run"
    processes = []
    for index in range(2):
        tf_config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        command = [sys.executable, str(JOB), str(run_dir), str(tmp_path / f"w{index}.npz"), "multi-worker", model,
                   dataset]
        processes.append(subprocess.Popen(command, env=environment(tf_config), stdout=subprocess.PIPE,
                                          stderr=subprocess.STDOUT, text=True))
    multiworker_job.main(str(tmp_path / "single"), str(tmp_path / "one.npz"), "none", model, dataset)
    outputs = [process.communicate(timeout=240)[0] for process in processes]
    for process, output in zip(processes, outputs):
        assert process.returncode == 0, output[-3000:]

    chief, other, alone = load(tmp_path / "w0.npz"), load(tmp_path / "w1.npz"), load(tmp_path / "one.npz")
    for a, b in zip(chief, other):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(chief, alone):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    assert (run_dir / "model.keras").exists() and (run_dir / "metrics.json").exists()
    written = sorted(p.name for p in tmp_path.iterdir() if p.name != "pets")
    assert written == ["one.npz", "run", "single", "w0.npz", "w1.npz"]
