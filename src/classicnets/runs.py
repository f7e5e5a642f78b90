"""The run directory: what a run writes, and how later commands load it back with no flags."""

from __future__ import annotations

import csv
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classicnets.config import RunConfig, load_config, save_config
from classicnets.errors import UserError
from classicnets.files import atomic_write_text


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
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise UserError(
            f"run directory {root} already exists and is not empty; nothing was changed. "
            "Continue that run with --resume, or choose another --run-dir."
        )
    root.mkdir(parents=True, exist_ok=True)
    return RunDir(root)


def open_run(root: Path) -> RunDir:
    """An existing run directory, checked to hold a config."""
    run = RunDir(Path(root))
    if not run.root.is_dir():
        raise UserError(f"run directory {root} does not exist; give the folder a `classicnets train` run wrote")
    if not run.config.exists():
        raise UserError(f"{root} is not a classicnets run directory (no config.json in it)")
    return run


def write_config(run: RunDir, config: RunConfig) -> None:
    """Save the resolved config of the run."""
    save_config(config, run.config)


def read_config(run: RunDir) -> RunConfig:
    """Load the run's config."""
    return load_config(run.config)


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
    """The run's metrics.json."""
    if not run.metrics.exists():
        raise UserError(f"{run.metrics} does not exist: the run did not finish; finish it with --resume")
    return json.loads(run.metrics.read_text())


def load_model(run: RunDir):
    """The run's trained model, loaded with Keras' safe mode (nothing is unpickled)."""
    import keras  # imported here so reading configs and metrics stays fast

    if not run.model.exists():
        raise UserError(f"{run.model} does not exist: the run did not finish; finish it with --resume")
    return keras.saving.load_model(run.model, safe_mode=True, compile=False)
