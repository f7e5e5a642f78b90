"""Temporary folders of exports and of `serve RUN_DIR` that a killed process left behind are removed by the next
one; those of a process still running, and anything not of that form, are kept."""

import os
import signal
import subprocess
import sys
import time

import pytest

from classicnets.files import owned_temp_folder
from tests.helpers import train_cli


def ended_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_folders_of_ended_processes_are_removed_and_others_kept(tmp_path):
    dead = tmp_path / f".tmp-{ended_pid()}-3-abcd1234"
    (dead / "variables").mkdir(parents=True)
    (dead / "saved_model.pb").write_bytes(b"half written")
    alive = tmp_path / f".tmp-{os.getppid()}-1-efgh5678"  # pytest's parent process: running
    alive.mkdir()
    unrelated = [tmp_path / ".tmp-export-5", tmp_path / "7", tmp_path / ".tmp-notes"]
    for folder in unrelated:
        folder.mkdir()
    made = owned_temp_folder(tmp_path, ".tmp-", "2-")
    assert made.name.startswith(f".tmp-{os.getpid()}-2-") and made.is_dir()
    assert not dead.exists() and alive.is_dir() and all(folder.is_dir() for folder in unrelated)


def test_resuming_a_zoo_removes_the_exports_a_kill_left_half_written(tmp_path):
    from classicnets.zoo.runner import PLAN_FILE, reopen_zoo

    out = tmp_path / "zoo"
    (out / "models" / "mlp" / "1").mkdir(parents=True)
    (out / PLAN_FILE).write_text('{"dataset": "digits", "steps": []}')
    left = [out / "models" / name / f".tmp-{ended_pid()}-{version}-x{version}" for name, version in
            (("mlp", 2), ("cnn", 1), ("cnn", 2))]
    for folder in left:
        (folder / "variables").mkdir(parents=True)
        (folder / "variables" / "variables.data-00000-of-00001").write_bytes(b"\0" * 4096)
    running = out / "models" / "mlp" / f".tmp-{os.getppid()}-3-abcd"  # an export still being written elsewhere
    running.mkdir()
    assert reopen_zoo(out) == ("digits", [])
    assert not any(folder.exists() for folder in left)
    assert running.is_dir() and (out / "models" / "mlp" / "1").is_dir()


@pytest.mark.slow
def test_sigterm_after_the_export_of_a_run_to_serve_removes_it(tmp_path):
    """The moment between exporting runs to serve and the server taking the signals over."""
    from classicnets.serving.run_dirs import models_dir_for

    run_dir = train_cli(tmp_path / "softmax", "softmax", "--dataset", "digits", "--epochs", "1")
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt):
        with models_dir_for(run_dir, notice=lambda line: None) as folder:
            assert (folder / "softmax").is_dir()
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the signal interrupts this
    assert not folder.exists()
    assert signal.getsignal(signal.SIGTERM) == before
