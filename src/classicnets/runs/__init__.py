"""The run directory: what a run writes, and how later commands load it back with no flags."""

from __future__ import annotations

import csv
import json
import re
import shlex
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from classicnets.runs import checks as run_checks
from classicnets.config import (
    RunConfig, config_from_dict, save_config, validate_data, validate_train, with_data_choices_moved,
)
from classicnets.errors import SettingsError, UserError
from classicnets.files import TEMP_NAME, atomic_save, atomic_write_text, make_folder, remove_temp_files
from classicnets.models import task_of


@dataclass(frozen=True)
class RunDir:
    """Paths of one run's files."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config.json"

    @property
    def model(self) -> Path:
        return self.root / "model.keras"

    @property
    def checkpoint(self) -> Path:
        return self.root / "checkpoint.npz"

    @property
    def history(self) -> Path:
        return self.root / "history.csv"

    @property
    def metrics(self) -> Path:
        return self.root / "metrics.json"

    @property
    def tensorboard(self) -> Path:
        return self.root / "tensorboard"

    @property
    def best_checkpoint(self) -> Path:
        return self.root / "checkpoint.best.npz"

    @property
    def plots(self) -> Path:
        return self.root / "plots"


def default_run_dir(model: str, dataset: str, base: Path = Path("runs")) -> Path:
    """runs/<model>-<dataset>-<timestamp>, never an existing folder."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(dataset).name or dataset).strip("_") or "data"
    stem = base / f"{model}-{slug}-{time.strftime('%Y%m%d-%H%M%S')}"
    candidate, number = stem, 1
    while candidate.exists():
        number += 1
        candidate = Path(f"{stem}-{number}")
    return candidate


def prepare_new_run(root: Path) -> RunDir:
    """Create a run directory; refuse to write into a folder that already has files."""
    root = Path(root)
    if root.is_file():
        raise SettingsError.about("run directory {root} is a file; nothing was changed. Choose another {run_dir}.",
                                  "run_dir", root=root)
    if root.is_dir() and any(not TEMP_NAME.fullmatch(entry.name) for entry in root.iterdir()):
        raise SettingsError.about("run directory {root} already exists and is not empty; nothing was changed. "
                                  "Continue that run with {resume}, or choose another {run_dir}.", "resume", "run_dir",
                                  root=root)
    make_folder(root)
    remove_temp_files(root)  # all it may hold: what a run killed while writing its first file left
    return RunDir(root)


def discard_new_run(run: RunDir, made_folder: bool) -> None:
    """Remove what a new run wrote before its first epoch was saved (nothing there can be resumed); a folder
    the user made stays, empty."""
    if made_folder:
        shutil.rmtree(run.root, ignore_errors=True)
        return
    for entry in run.root.iterdir() if run.root.is_dir() else []:
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def resume_command(model: str, root: Path) -> str:
    """The command that continues (or finishes) the run in `root`."""
    return f"classicnets train {shlex.quote(model)} --run-dir {shlex.quote(str(root))} --resume"


def open_run(root: Path, needs: Iterable[str] = ("config",)) -> RunDir:
    """An existing run directory whose files a command needs are whole. `needs`: config (always checked),
    model, checkpoint (to resume) and metrics (when it exists). A damaged or missing file is one UserError
    that names it and says what still works: resuming the run, or using its model."""
    run = RunDir(Path(root))
    if not run.root.is_dir():
        raise UserError(f"run directory {root} does not exist; give the folder a `classicnets train` run wrote")
    if not run.config.exists():
        raise UserError(f"{root} is not a classicnets run directory (no config.json in it)")
    config = read_config(run)
    for need in needs:
        if need == "model":  # using the run: its model, and the facts of its data that inputs are shaped by
            _raise_if(run, "config", run_checks.data_info_problem(config.data_info, task_of(config)))
            _raise_if(run, "model", _model_problem(run))
        elif need == "checkpoint":
            _raise_if(run, "checkpoint", _checkpoint_problem(run))
            if config.train.early_stopping and run.best_checkpoint.exists():
                _raise_if(run, "best", run_checks.checkpoint_problem(run.best_checkpoint, needs_history=False))
        elif need == "metrics" and run.metrics.exists():
            _raise_if(run, "metrics", run_checks.json_problem(run.metrics))
        elif need not in ("config", "metrics"):
            raise ValueError(f"open_run cannot check {need!r}; it checks config, model, checkpoint and metrics")
    return run


def _model_problem(run: RunDir) -> str | None:
    if not run.model.exists():
        return "missing"
    return run_checks.zip_problem(run.model, run_checks.MODEL_MEMBERS, ".keras")


def _checkpoint_problem(run: RunDir) -> str | None:
    return "missing" if not run.checkpoint.exists() else run_checks.checkpoint_problem(run.checkpoint)


def _raise_if(run: RunDir, part: str, problem: str | None) -> None:
    """A UserError for a missing or damaged file of the run, with what can still be done."""
    if problem is None:
        return
    path = {"model": run.model, "checkpoint": run.checkpoint, "best": run.best_checkpoint, "metrics": run.metrics,
            "config": run.config}[part]
    what = f"{path} does not exist" if problem == "missing" else f"{path} is damaged: {problem.rstrip('.')}"
    advice = _what_still_works(run, part)
    raise UserError(f"{what}. {advice[0].upper()}{advice[1:]}. Nothing was changed.")


def _what_still_works(run: RunDir, part: str) -> str:
    """Advice for a run whose file `part` is missing or damaged: resume it, use its model, or train again."""
    if part == "config":
        return "until it is restored the run can be neither used nor resumed: put back a copy, or train the run again"
    model = _stored_model_name(run)
    if model is not None and not run.checkpoint.exists() and not run.model.exists():
        return f"no epoch of the run was saved: `{resume_command(model, run.root)}` trains it from the beginning"
    resumable = part not in ("checkpoint", "best") and model is not None and _checkpoint_problem(run) is None
    if resumable:
        writes = {"model": "model.keras", "metrics": "metrics.json"}[part]
        return (f"its checkpoint is whole, so `{resume_command(model, run.root)}` finishes the run and writes "
                f"{writes} again")
    usable = part != "model" and _model_problem(run) is None
    if part == "metrics" and usable:
        return f"`classicnets evaluate {shlex.quote(str(run.root))}` prints its test metrics from model.keras"
    if part in ("checkpoint", "best") and usable:
        return ("the run cannot be resumed, but its model.keras is whole: evaluate, predict and the other commands "
                "still use it; to train longer, start a new run")
    return "the run can be neither resumed nor used: train it again in a new run"


def _stored_model_name(run: RunDir) -> str | None:
    """The run's model name, when its config.json is whole."""
    try:
        return read_config(run).model
    except UserError:
        return None


def write_config(run: RunDir, config: RunConfig) -> None:
    """Save the resolved config of the run."""
    atomic_save(run.config, lambda temp: save_config(config, temp))


def read_config(run: RunDir) -> RunConfig:
    """The run's config, checked whole: a damaged config.json (bad JSON, a value of the wrong type or out of
    range) is a UserError that says so."""
    try:
        values = json.loads(run.config.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{run.root} is not a classicnets run directory (no config.json in it)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        values, problem = None, f"it is not valid JSON ({error})"
    else:
        values = with_data_choices_moved(values) if isinstance(values, dict) else values
        problem = run_checks.config_problem(values)
    if problem is None:
        try:
            config = config_from_dict(values, where="config")
            validate_train(config.train)
            validate_data(config.data)
        except UserError as error:
            problem = str(error)
    _raise_if(run, "config", problem)
    return config


def write_history(run: RunDir, history: list[dict[str, float]]) -> None:
    """history.csv: one row per epoch."""
    columns = list(dict.fromkeys(key for row in history for key in row))
    lines = [",".join(columns)] + [",".join(f"{row.get(c, '')}" for c in columns) for row in history]
    atomic_write_text(run.history, "\n".join(lines) + "\n")


def read_history(run: RunDir) -> dict[str, list[float]]:
    """history.csv as columns of floats."""
    with open(run.history, newline="") as stream:
        rows = list(csv.DictReader(stream))
    return {key: [float(row[key]) for row in rows if row[key] != ""] for key in (rows[0] if rows else {})}


def write_metrics(run: RunDir, metrics: dict[str, Any]) -> None:
    """metrics.json: test metrics and run facts."""
    atomic_write_text(run.metrics, json.dumps(metrics, indent=2) + "\n")


def read_metrics(run: RunDir) -> dict[str, Any]:
    """The run's metrics.json; a missing or damaged one is a UserError that says what still works."""
    if not run.metrics.exists():
        raise UserError(f"{run.metrics} does not exist: the run did not finish; finish it with "
                        f"`{resume_command(_stored_model_name(run) or 'MODEL', run.root)}`")
    _raise_if(run, "metrics", run_checks.json_problem(run.metrics))
    return json.loads(run.metrics.read_text(encoding="utf-8"))


def save_model(run: RunDir, model: Any) -> None:
    """Write model.keras atomically: Keras saves to a temp `.keras` file beside it, which then replaces it."""
    atomic_save(run.model, lambda temp: model.save(temp))


def load_model(run: RunDir):
    """The run's trained model, loaded with Keras' safe mode (nothing is unpickled) except for a user's network,
    whose run holds the code it needs; a missing, damaged or refused model.keras is a UserError that says what
    still works."""
    import keras  # imported here so reading configs and metrics stays fast

    _raise_if(run, "model", _model_problem(run))
    config = read_config(run)
    own_code = run_checks.custom_objects(config.model, run.root)  # a user's network: the classes of its copy
    try:
        model = keras.saving.load_model(run.model, safe_mode=own_code is None, compile=False,
                                        custom_objects=own_code)
    except UserError:
        raise
    except Exception as error:  # Keras raises many kinds for a bad file; its message can hold the whole config
        _raise_if(run, "model", _load_failure(error))
    _raise_if(run, "config", run_checks.mismatch(model, config.data_info, task_of(config)))
    return model


def _load_failure(error: Exception) -> str:
    """A short reason why Keras did not load a model file."""
    text = str(error)
    if "safe_mode" in text:
        return ("it holds Python code, e.g. a Lambda layer, which Keras' safe mode refuses to run; classicnets "
                "never writes such a file, so it was replaced or altered: load it unsafely only if you trust where "
                "it came from")
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return f"Keras cannot load it: {type(error).__name__}: {first_line[:200]}"
