"""Damaged run directories, bad output paths, full or read-only disks and bugs of ours: each is one clear message
(exit 2; a bug: exit 1) with no traceback, and every file of the user's and of the run is left as it was.
A training killed at random moments and resumed ends exactly where an uninterrupted one does."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
from PIL import Image

from classicnets import __version__
from classicnets.data.image_cache import images_home
from tests.data.test_streamed_folders import write_folder
from tests.helpers import run_cli

TRAIN = ["train", "mlp", "--dataset", "digits", "--epochs", "2", "--hidden", "16", "--quiet"]
RESUME = ["train", "mlp", "--run-dir", "RUN", "--resume", "--quiet"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    """One tiny finished run; each row damages its own copy."""
    from classicnets.cli.main import main

    run = tmp_path_factory.mktemp("trained") / "run"
    assert main([*TRAIN, "--run-dir", str(run)]) == 0
    return run


@dataclass
class Place:
    """Where a row's command runs: the user's folder (the working directory) holding a copy of the run."""

    folder: Path
    run: Path
    monkeypatch: pytest.MonkeyPatch


@pytest.fixture
def place(trained, tmp_path, monkeypatch) -> Place:
    folder = tmp_path / "work"
    shutil.copytree(trained, folder / "run")
    Image.fromarray(np.eye(8, dtype=np.uint8) * 255).save(folder / "digit.png")  # a picture of the user's
    monkeypatch.chdir(folder)
    monkeypatch.delenv("CLASSICNETS_DEBUG", raising=False)
    return Place(folder, folder / "run", monkeypatch)


def tree_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder`; TensorBoard's logs are left out (every training attempt appends)."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and "tensorboard" not in path.parts}


# ---- ways to damage a run or to make a bad input ----

def nothing(place: Place) -> None:
    """The input is bad by itself (a flag), nothing to damage."""


def user_file(name: str) -> Callable[[Place], None]:
    """A file of the user's in the working folder."""
    return lambda place: (place.folder / name).write_bytes(b"the user's own " + name.encode())


def user_folder(name: str) -> Callable[[Place], None]:
    """An empty folder of the user's."""
    return lambda place: (place.folder / name).mkdir()


def cut(*names: str, keep: float = 0.5) -> Callable[[Place], None]:
    """Run files cut short to `keep` of their size (0: empty), as a full disk or a copy stopped half-way leaves them."""

    def damage(place: Place) -> None:
        for name in names:
            path = place.run / name
            path.write_bytes(path.read_bytes()[:int(path.stat().st_size * keep)])

    return damage


def config_text(text: str) -> Callable[[Place], None]:
    """config.json replaced by `text`."""
    return lambda place: (place.run / "config.json").write_text(text)


def set_config(key: str, value) -> Callable[[Place], None]:
    """One value of config.json (dotted key) set to `value`, as a hand edit might."""

    def damage(place: Place) -> None:
        config = json.loads((place.run / "config.json").read_text())
        *parents, last = key.split(".")
        section = config
        for parent in parents:
            section = section[parent]
        section[last] = value
        (place.run / "config.json").write_text(json.dumps(config, indent=2))

    return damage


def run_file(name: str, text: str) -> Callable[[Place], None]:
    return lambda place: (place.run / name).write_text(text)


def model_with_code(place: Place) -> None:
    """A model.keras holding a Python lambda, as a crafted file might: Keras' safe mode refuses it."""
    import keras

    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Lambda(lambda x: x * 2)])
    model.save(place.run / "model.keras")


def os_error(code: int) -> Callable[..., None]:
    """A stand-in writer that writes a little and then fails the way the system does."""

    def fail(target, *args, **kwargs) -> None:
        if hasattr(target, "write"):
            target.write(b"partial")
        raise OSError(code, os.strerror(code))

    return fail


def disk_full_in_checkpoint(place: Place) -> None:
    place.monkeypatch.setattr(np, "savez", os_error(errno.ENOSPC))  # what checkpoint.npz is written with


def read_only_at_model_save(place: Place) -> None:
    import keras

    place.monkeypatch.setattr(keras.Model, "save", lambda self, path, *a, **k: os_error(errno.EROFS)(path))


def read_only_at_model_save_of_an_empty_model(place: Place) -> None:
    """A finished run whose model.keras is empty (resuming writes it again from the checkpoint), on a disk that
    turns read-only when it does."""
    (place.run / "model.keras").write_bytes(b"")
    read_only_at_model_save(place)


def read_only_temp_files(place: Place) -> None:
    import tempfile

    place.monkeypatch.setattr(tempfile, "mkstemp", lambda *a, **k: os_error(errno.EROFS)(None))


def read_only_file_system(place: Place) -> None:
    """statvfs says read-only, and so does any attempt to make a file."""
    import tempfile

    statvfs = os.statvfs
    place.monkeypatch.setattr(os, "statvfs", lambda path: os.statvfs_result(
        (*statvfs(path)[:8], statvfs(path).f_flag | os.ST_RDONLY, statvfs(path).f_namemax)))
    place.monkeypatch.setattr(tempfile, "mkstemp", lambda *a, **k: os_error(errno.EROFS)(None))


def no_permission_to_make_folders(place: Place) -> None:
    def refuse(self, *args, **kwargs) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))

    place.monkeypatch.setattr(Path, "mkdir", refuse)


def a_bug(place: Place) -> None:
    """A bug of ours: an exception no check expects."""

    def broken(run_dir):
        raise RuntimeError("index 3 is out of bounds for axis 0 with size 3")

    place.monkeypatch.setattr("classicnets.judges.comparison.run_row", broken)


ROWS = [  # description, damage, argv (RUN: the damaged copy), words the message must hold
    ("encode --out on a file of the user's", user_file("my_data.npz"),
     ["encode", "RUN", "--out", "my_data.npz"], ["my_data.npz", "already exists", "--force"]),
    ("generate --out on a picture of the user's", user_file("existing.png"),
     ["generate", "RUN", "--out", "existing.png"], ["existing.png", "already exists", "--force"]),
    ("sample --out on a picture of the user's", user_file("existing.png"),
     ["sample", "RUN", "--out", "existing.png"], ["existing.png", "already exists", "--force"]),
    ("reconstruct --out on a picture of the user's", user_file("existing.png"),
     ["reconstruct", "RUN", "--out", "existing.png"], ["existing.png", "already exists", "--force"]),
    ("generate --n of a billion", nothing,
     ["generate", "RUN", "--n", "1000000000", "--out", "new.png"], ["--n 1000000000", "at most 10,000"]),
    ("sample --n of a billion", nothing,
     ["sample", "RUN", "--n", "1000000000", "--out", "new.png"], ["--n 1000000000", "at most 10,000"]),
    ("generate --out under a file", user_file("some_file.txt"),
     ["generate", "RUN", "--out", "some_file.txt/grid.png"], ["some_file.txt", "not a folder"]),
    ("model.keras of 0 bytes", cut("model.keras", keep=0),
     ["evaluate", "RUN"], ["model.keras", "is damaged", "empty", "--resume"]),
    ("model.keras cut short", cut("model.keras"),
     ["predict", "RUN", "digit.png"], ["model.keras", "is damaged", "cut short", "--resume"]),
    ("model.keras with code that Keras' safe mode refuses", model_with_code,
     ["evaluate", "RUN"], ["model.keras", "safe mode", "--resume"]),
    ("checkpoint.npz cut short, resumed", cut("checkpoint.npz"),
     [*RESUME, "--epochs", "3"], ["checkpoint.npz", "is damaged", "cannot be resumed", "model.keras is whole"]),
    ("checkpoint.npz and model.keras empty, resumed", cut("checkpoint.npz", "model.keras", keep=0),
     RESUME, ["checkpoint.npz", "is damaged", "neither resumed nor used"]),
    ("config.json holds a list", config_text("[1, 2]"),
     ["evaluate", "RUN"], ["config.json", "is damaged", "list"]),
    ("config.json is not JSON", config_text('{"model": "mlp",'),
     ["compare", "RUN"], ["config.json", "is damaged", "not valid JSON"]),
    ("config.json data: null", set_config("data", None),
     ["predict", "RUN", "digit.png"], ["config.json", "data is null"]),
    ("config.json epochs: 'x'", set_config("train.epochs", "x"),
     RESUME, ["config.json", "train.epochs", "not a whole number"]),
    ("config.json dropout: 'x'", set_config("model_options.dropout", "x"),
     ["evaluate", "RUN"], ["config.json", "model_options.dropout", "not a number"]),
    ("config.json with empty data_info", set_config("data_info", {}),
     ["evaluate", "RUN"], ["config.json", "data_info.input_shape"]),
    ("config.json with an empty class list", set_config("data_info.class_names", []),
     ["predict", "RUN", "digit.png"], ["config.json", "class_names is empty"]),
    ("config.json with fewer classes than the model", set_config("data_info.class_names", ["a", "b"]),
     ["predict", "RUN", "digit.png"], ["config.json", "2 classes", "model.keras has 10 outputs"]),
    ("config.json with another input shape than the model", set_config("data_info.input_shape", [9, 9, 1]),
     ["evaluate", "RUN"], ["config.json", "[9, 9, 1]", "model.keras takes inputs of shape [8, 8, 1]"]),
    ("metrics.json is not JSON", run_file("metrics.json", "{oops"),
     ["compare", "RUN"], ["metrics.json", "is damaged", "not valid JSON", "--resume"]),
    ("--run-dir under a file", user_file("some_file.txt"),
     [*TRAIN, "--run-dir", "some_file.txt/run"], ["some_file.txt/run", "a file, not a folder"]),
    ("--run-dir where folders may not be made", no_permission_to_make_folders,
     [*TRAIN, "--run-dir", "new/run"], ["new/run", "permission denied"]),
    ("full disk while checkpoint.npz is written", disk_full_in_checkpoint,
     [*RESUME, "--epochs", "3"], ["checkpoint.npz", "no space left", "last finished epoch is kept",
                                  "--resume --epochs 3"]),
    ("read-only file system while model.keras is written again", read_only_at_model_save_of_an_empty_model,
     RESUME, ["model.keras", "read-only", "--resume"]),
    ("read-only file system while the plots are written", read_only_temp_files,
     ["evaluate", "RUN"], ["plots", ".png", "read-only"]),
    ("generate --out on a read-only file system", read_only_file_system,
     ["generate", "RUN", "--out", "new.png"], ["new.png", "read-only"]),
    ("resumed on a read-only file system", read_only_file_system,
     [*RESUME, "--epochs", "3"], ["cannot write into", "run", "read-only", "copy the folder"]),
    ("predict on a folder without images", user_folder("empty_folder"),
     ["predict", "RUN", "empty_folder"], ["empty_folder", "no image files"]),
    ("a bug of ours", a_bug,
     ["compare", "RUN"], ["internal error", "RuntimeError", "report", "classicnets compare", __version__, "--debug"]),
]


@pytest.mark.parametrize("description, damage, argv, words", ROWS, ids=[row[0] for row in ROWS])
def test_one_message_and_nothing_changed(place, capsys, description, damage, argv, words):
    damage(place)
    before = tree_hashes(place.folder)
    status, _, err = run_cli(capsys, *[str(place.run) if arg == "RUN" else arg for arg in argv])
    assert status == (1 if damage is a_bug else 2), err
    assert "Traceback" not in err and len(err) < 1200, err
    message = err.strip().splitlines()[0]
    assert message.startswith(f"classicnets {argv[0]}: "), err
    for word in words:
        assert word in err, f"{word!r} not in: {err}"
    assert tree_hashes(place.folder) == before  # nothing changed, nothing created, no temp file left


def test_the_advice_for_a_damaged_model_works(place, capsys):
    """model.keras of 0 bytes: the command the message gives writes it again, with the same test metrics."""
    original = json.loads((place.run / "metrics.json").read_text())["test"]
    cut("model.keras", keep=0)(place)
    status, _, err = run_cli(capsys, "evaluate", str(place.run))
    command = err.split("`")[1].split()
    assert status == 2 and command[:2] == ["classicnets", "train"]
    status, _, err = run_cli(capsys, *command[1:], "--quiet")
    assert status == 0, err
    status, out, err = run_cli(capsys, "evaluate", str(place.run), "--json")
    assert status == 0, err
    assert json.loads(out)["test"]["accuracy"] == original["accuracy"]


def test_a_full_disk_while_a_new_run_saves_its_model_keeps_the_checkpoint(tmp_path, capsys, monkeypatch):
    """The epochs are kept; once there is room, the printed command finishes the run."""
    import keras

    run = tmp_path / "run"
    with monkeypatch.context() as patch:
        patch.setattr(keras.Model, "save", lambda self, path, *a, **k: os_error(errno.ENOSPC)(path))
        status, _, err = run_cli(capsys, *TRAIN, "--run-dir", str(run))
    assert status == 2 and "no space left" in err and "model.keras" in err, err
    assert (run / "checkpoint.npz").exists() and not (run / "model.keras").exists()
    assert not [path for path in run.iterdir() if ".tmp" in path.name]
    command = err.strip().split("continue with: ")[1].split()
    status, _, err = run_cli(capsys, *command[1:])
    assert status == 0, err
    assert json.loads((run / "metrics.json").read_text())["epochs"] == 2


# ---- a training killed at random moments ----

KILLS = 10
# without XLA: its compile time would be most of each start (an XLA run resuming exactly: tests/training)
KILL_TRAIN = ["train", "mlp", "--dataset", "digits", "--epochs", "3", "--hidden", "16", "--quiet", "--seed", "3",
              "--jit-compile", "off"]

# A process that loads TensorFlow once and then runs each command in a forked child, which it kills with SIGKILL
# after the delay asked (a child not yet reaped keeps its pid, so no other process can be hit). Every file the
# children write waits a moment before it is synced and again before it is renamed into place, so that kills
# land while files are written.
TRAINER = """
import json, os, signal, sys, time
pause = float(sys.argv[1])
fsync, replace = os.fsync, os.replace
os.fsync = lambda fd: (time.sleep(pause), fsync(fd))[1]
os.replace = lambda source, target: (time.sleep(pause), replace(source, target))[1]
from classicnets.cli.quiet import import_tensorflow_quietly
import_tensorflow_quietly()
import classicnets.experiment
from classicnets.cli.main import main
for line in sys.stdin:
    argv, log, kill_after = json.loads(line)
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        output = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.dup2(output, 1)
        os.dup2(output, 2)
        status = 70
        try:
            status = main(argv)
        except SystemExit as exit_:  # argparse
            status = exit_.code
        finally:  # the child never returns to reading commands
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status if isinstance(status, int) else 2)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            print(json.dumps([os.waitstatus_to_exitcode(status), time.perf_counter() - started]), flush=True)
            break
        if kill_after is not None and time.perf_counter() - started > kill_after:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            print(json.dumps(["killed", time.perf_counter() - started]), flush=True)
            break
        time.sleep(0.002)
"""


class Trainer:
    """Runs `classicnets` commands in children of one TensorFlow process and kills them on request."""

    def __init__(self, folder: Path, pause: float) -> None:
        self.log = folder / "commands.log"
        environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
        self.process = subprocess.Popen([sys.executable, "-c", TRAINER, str(pause)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, env=environment)

    def run(self, argv: list[str], kill_after: float | None = None) -> tuple[int | str, float]:
        """(exit status or 'killed', seconds) of `classicnets argv`."""
        self.process.stdin.write(json.dumps([argv, str(self.log), kill_after]) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the training process ended: {self.log.read_text()[-2000:] if self.log.exists() else ''}"
        status, seconds = json.loads(line)
        assert status in ("killed", 0), f"{argv}: exit {status}: {self.log.read_text()[-2000:]}"
        return status, seconds

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def outcome(run: Path) -> dict:
    """What must not depend on interruptions: history without timings, test metrics, every checkpoint array."""
    history = [line.split(",") for line in (run / "history.csv").read_text().splitlines()]
    keep = [index for index, name in enumerate(history[0]) if name != "seconds"]
    with np.load(run / "checkpoint.npz") as saved:
        arrays = {name: saved[name] for name in saved.files if name != "__state__"}
    return {"history": [[row[index] for index in keep] for row in history],
            "test": json.loads((run / "metrics.json").read_text())["test"], "arrays": arrays}


@pytest.mark.kills
@pytest.mark.slow
def test_killed_training_resumes_to_the_uninterrupted_result(tmp_path):
    """SIGKILL at random moments (loading data, compiling, training, writing checkpoints, saving the model,
    plotting); after each, the command a user would run next (--resume once config.json is there) until the run
    finishes; every run ends with the weights, history and test metrics of the uninterrupted one."""
    started = time.perf_counter()
    trainer = Trainer(tmp_path, pause=0.07)
    try:
        reference = tmp_path / "reference"
        _, work_seconds = trainer.run([*KILL_TRAIN, "--run-dir", str(reference)])
        rng = random.Random(20261127)
        kills, early, while_writing, fresh_starts, resumes, chains, outcomes = 0, 0, 0, 0, 0, 0, []
        while kills < KILLS:
            chains += 1
            run = tmp_path / f"killed-{chains}"
            status = "killed"
            while status == "killed":
                resume = (run / "config.json").exists()
                resumes, fresh_starts = resumes + resume, fresh_starts + (not resume)
                argv = ["train", "mlp", "--run-dir", str(run), "--resume", "--quiet"] if resume else \
                    [*KILL_TRAIN, "--run-dir", str(run)]
                status, _ = trainer.run(argv, rng.uniform(0.0, work_seconds) if kills < KILLS else None)
                if status == "killed":
                    kills += 1
                    early += not (run / "checkpoint.npz").exists()
                    while_writing += any(".tmp" in path.name for path in run.rglob("*"))
            outcomes.append(outcome(run))
    finally:
        trainer.close()
    expected = outcome(reference)
    for result in outcomes:
        assert result["history"] == expected["history"]
        assert result["test"] == expected["test"]
        assert result["arrays"].keys() == expected["arrays"].keys()
        for name, array in expected["arrays"].items():
            np.testing.assert_array_equal(result["arrays"][name], array, err_msg=name)
    print(f"\n{kills} kills ({early} before the first checkpoint, {while_writing} while a file was being written), "
          f"{resumes} resumes, {fresh_starts} "
          f"fresh starts, {chains} killed runs finished equal to the uninterrupted one "
          f"({time.perf_counter() - started:.0f}s)")


@pytest.mark.kills
@pytest.mark.slow
def test_killed_training_on_a_streamed_image_folder_resumes_to_the_uninterrupted_result(tmp_path):
    """The same on an image folder read from its cache a batch at a time; each killed run starts with the cache
    removed, so kills also land while the folder is decoded into it."""
    folder = write_folder(tmp_path / "pets", per_class=30)
    train = ["train", "cnn", "--dataset", str(folder), "--image-size", "8", "--color", "rgb", "--stream", "on",
             "--epochs", "3", "--filters", "4", "--dense", "8", "--batch-size", "16", "--seed", "2", "--quiet"]
    trainer = Trainer(tmp_path, pause=0.05)
    try:
        reference = tmp_path / "reference"
        _, work_seconds = trainer.run([*train, "--run-dir", str(reference)])
        rng, kills, outcomes = random.Random(20261207), 0, []
        for chain in range(3):
            run, status = tmp_path / f"killed-{chain}", "killed"
            shutil.rmtree(images_home(), ignore_errors=True)
            while status == "killed":
                resume = (run / "config.json").exists()
                argv = ["train", "cnn", "--run-dir", str(run), "--resume", "--quiet"] if resume else \
                    [*train, "--run-dir", str(run)]
                status, _ = trainer.run(argv, rng.uniform(0.0, work_seconds) if kills < 6 else None)
                kills += status == "killed"
            outcomes.append(outcome(run))
    finally:
        trainer.close()
    expected = outcome(reference)
    for result in outcomes:
        assert (result["history"], result["test"]) == (expected["history"], expected["test"])
        for name, array in expected["arrays"].items():
            np.testing.assert_array_equal(result["arrays"][name], array, err_msg=name)
    assert kills >= 1
