"""Temporary folders of exports and of `serve RUN_DIR` that a killed process left behind are removed by the next
one; those of a process still running, and anything not of that form, are kept."""

import os
import subprocess
import sys

from classicnets.files import owned_temp_folder


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
