"""Checkpoints: every variable (weights, optimizer slots, dropout RNG state) plus the trainer's state, in one
.npz written atomically (temp file + rename). Loading never unpickles."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from classicnets.errors import UserError
from classicnets.files import atomic_write


def save_checkpoint(path: Path, variables: dict[str, list], state: dict[str, Any]) -> None:
    """Write variable groups and a JSON-able state to `path` atomically."""
    arrays = {f"{group}/{index:05d}": np.asarray(v.numpy()) for group, vs in variables.items() for index, v in enumerate(vs)}
    arrays["__state__"] = np.array(json.dumps(state))
    atomic_write(Path(path), lambda stream: np.savez(stream, **arrays))


def load_checkpoint(path: Path, variables: dict[str, list]) -> dict[str, Any]:
    """Assign saved values to `variables` (same groups, same order) and return the saved state."""
    try:
        with np.load(path, allow_pickle=False) as saved:
            stored = {name: saved[name] for name in saved.files}
        state = json.loads(str(stored["__state__"]))
    except FileNotFoundError:
        raise UserError(f"no checkpoint at {path}: nothing to resume; train without --resume") from None
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile) as error:  # cut short, or not ours
        raise UserError(f"checkpoint {path} is damaged ({type(error).__name__}: {error}); the run cannot be "
                        "resumed from it") from None
    for group, vs in variables.items():
        names = sorted(n for n in stored if n.startswith(group + "/"))
        if len(names) != len(vs):
            raise UserError(
                f"checkpoint {path} holds {len(names)} {group} variables but the model has {len(vs)}: "
                "it was written for a different model or options"
            )
        for name, variable in zip(names, vs):
            if tuple(stored[name].shape) != tuple(variable.shape):
                raise UserError(f"checkpoint {path}: {name} has shape {stored[name].shape}, model expects {variable.shape}")
            variable.assign(stored[name])
    return state
