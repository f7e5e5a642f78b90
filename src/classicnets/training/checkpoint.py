"""Checkpoints: every variable (weights, optimizer slots, dropout RNG state) plus the trainer's state, in one
.npz written atomically (temp file + rename). Loading never unpickles.

Each variable is stored under its group and its name in the model's object graph, the path of attributes
that leads to it (`encoder/_functional/_operations/1/_kernel`), as TensorFlow's own checkpoints name them.
Optimizer slots are named after the variable they belong to (`head/_kernel:momentum`). Names do not depend
on the order variables are listed in or on the numbers Keras appends to layer names, so a checkpoint is
loaded into the variables it was written from, or refused with a message."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from classicnets.errors import SettingsError, UserError
from classicnets.files import atomic_write

STATE_KEY = "__state__"


def object_graph_names(root: Any) -> dict[int, str]:
    """id(variable) -> its attribute path from `root`, the shortest one found breadth-first. A compiled model's
    optimizer is not walked: its slots are named after the variables they belong to (slot_name)."""
    import keras
    import tensorflow as tf

    view = tf.train.TrackableView(root)
    names: dict[int, str] = {}
    visited, queue = {id(root)}, [("", root)]
    while queue:
        path, parent = queue.pop(0)
        for name, child in view.children(parent).items():
            if id(child) in visited or isinstance(child, keras.optimizers.Optimizer):
                continue
            visited.add(id(child))
            child_path = f"{path}/{name}" if path else name
            names[id(child)] = child_path
            queue.append((child_path, child))
    return names


def slot_name(variable: Any, owners: dict[str, str]) -> str | None:
    """'head/_kernel:momentum' for an optimizer slot whose Keras path embeds its variable's path; the
    optimizer's own counters keep their short names ('iteration')."""
    path = str(getattr(variable, "path", variable.name))  # a plain tf.Variable has only a name
    local = path.split("/", 1)[-1]
    matches = [path for path in owners if local.startswith(path + "_")]
    if matches:
        owner = max(matches, key=len)
        return f"{owners[owner]}:{local[len(owner) + 1:]}"
    return local if "/" in path else None


def named_variables(groups: dict[str, list], root: Any) -> dict[str, Any]:
    """'group/name' -> variable for every variable of `groups`, named from the object graph of `root`."""
    graph = object_graph_names(root)
    owners = {str(getattr(v, "path", v.name)).replace("/", "_"): graph[id(v)] for v in root.variables
              if id(v) in graph}
    named: dict[str, Any] = {}
    for group, variables in groups.items():
        for index, variable in enumerate(variables):
            name = graph.get(id(variable)) or slot_name(variable, owners)
            key = f"{group}/{name}" if name else f"{group}/#{index}"
            if key in named:  # one object reached twice under one name: keep both, told apart by position
                key = f"{key}#{index}"
            named[key] = variable
    return named


def save_checkpoint(path: Path, variables: dict[str, list], state: dict[str, Any], root: Any) -> None:
    """Write variable groups (named from `root`'s object graph) and a JSON-able state to `path` atomically."""
    arrays = {key: np.asarray(v.numpy()) for key, v in named_variables(variables, root).items()}
    arrays[STATE_KEY] = np.array(json.dumps(state))
    atomic_write(Path(path), lambda stream: np.savez(stream, **arrays))


def read_checkpoint(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The stored arrays and state of a checkpoint, or a UserError saying what is wrong with the file."""
    try:
        with np.load(path, allow_pickle=False) as saved:
            stored = {name: saved[name] for name in saved.files}
        state = json.loads(str(stored.pop(STATE_KEY)))
    except FileNotFoundError:
        raise SettingsError.about("no checkpoint at {path}: nothing to resume; train without {resume}", "resume",
                                  path=path) from None
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile) as error:  # cut short, or not ours
        raise UserError(f"checkpoint {path} is damaged ({type(error).__name__}: {error}); the run cannot be "
                        "resumed from it") from None
    return stored, state


def load_checkpoint(path: Path, variables: dict[str, list], root: Any = None) -> dict[str, Any]:
    """Assign saved values to `variables`, each by its name in `root`'s object graph, and return the saved
    state. Nothing is assigned unless every variable has a stored value of its shape and nothing is left over."""
    stored, state = read_checkpoint(path)
    if not variables:
        return state
    named = named_variables(variables, root)
    if stored and all(key.split("/", 1)[-1].isdigit() for key in stored):
        raise SettingsError.about("checkpoint {path} was written by an older classicnets that stored variables by "
                                  "position, not by name; it cannot be resumed safely: train again without {resume}",
                                  "resume", path=path)
    missing = [key for key in named if key not in stored]
    unknown = [key for key in stored if key not in named]
    if missing or unknown:
        raise SettingsError.about("checkpoint {path} does not match the model: it was written for a different model "
                                  "or options ({missing} of the model's variables missing, e.g. {missing_names}; "
                                  "{unknown} not in the model, e.g. {unknown_names}); train without {resume}",
                                  "resume", path=path, missing=len(missing), missing_names=missing[:2],
                                  unknown=len(unknown), unknown_names=unknown[:2])
    for key, variable in named.items():
        if tuple(stored[key].shape) != tuple(variable.shape):
            raise UserError(f"checkpoint {path}: {key} has shape {stored[key].shape}, the model expects "
                            f"{tuple(variable.shape)}: it was written for a different model or options")
    for key, variable in named.items():
        variable.assign(stored[key])
    return state
