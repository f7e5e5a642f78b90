"""What makes a run directory's files whole: each check returns what is wrong with one file, or None.

No TensorFlow here: a damaged model.keras or checkpoint.npz is found from its zip structure and checksums,
and config.json from the types of its values, before anything is loaded or written."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from classicnets.config import DataConfig, TrainConfig
from classicnets.errors import UserError
from classicnets.models.tasks import tasks_where

MODEL_MEMBERS = ("config.json", "model.weights.h5")  # what every .keras file Keras writes holds
CLASS_TASKS = tasks_where(classes=True)  # tasks whose outputs are classes


def fits(value: Any, hint: Any) -> bool:
    """Whether a JSON value fits a dataclass field's type hint (int, float, str, bool, tuples, unions, dicts)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(fits(value, arg) for arg in args)
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(fits(item, args[0]) for item in value)
        return len(value) == len(args) and all(fits(item, arg) for item, arg in zip(value, args))
    if origin is dict or hint is dict:
        return isinstance(value, dict)
    return True  # any other hint: left to the dataclass


def field_problem(cls: type, values: dict[str, Any], where: str) -> str | None:
    """The first value of `values` whose type does not fit its field of dataclass `cls`."""
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        if field.name in values and not fits(values[field.name], hints[field.name]):
            value = json.dumps(values[field.name])
            return f"{where}{field.name} is {value}, which is not a {type_name(hints[field.name])}"
    return None


def type_name(hint: Any) -> str:
    """'int', 'float or null', 'list of int'... for messages."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(type_name(arg) for arg in args)
    if hint is type(None):
        return "null"
    if origin is tuple:
        return f"list of {type_name(args[0])}"
    names = {int: "whole number", float: "number", str: "string", bool: "true/false"}
    return names.get(hint, getattr(hint, "__name__", str(hint)))


def config_problem(values: Any) -> str | None:
    """What is wrong with the JSON of a config.json (its shape and value types), or None."""
    if not isinstance(values, dict):
        return f"it holds a JSON {type(values).__name__}, not an object of settings"
    sections = {"model": str, "model_options": dict, "data": dict, "train": dict, "data_info": dict}
    for key, kind in sections.items():
        if key == "model" and key not in values:
            return "the key 'model' is missing"
        if key in values and not isinstance(values[key], kind):
            return f"{key} is {json.dumps(values[key])}, which is not a {'string' if kind is str else 'JSON object'}"
    return (field_problem(DataConfig, values.get("data", {}), "data.")
            or field_problem(TrainConfig, values.get("train", {}), "train.")
            or options_problem(values["model"], values.get("model_options", {})))


def options_problem(model: str, options: dict[str, Any]) -> str | None:
    """Wrong types or values among a model's stored options (unknown models and options included)."""
    from classicnets.models import get_spec, make_options

    try:
        spec = get_spec(model)
        problem = field_problem(spec.options, options, "model_options.")
        if problem is None:
            make_options(spec, options)  # unknown options, and each family's own checks of its values
        return problem
    except UserError as error:
        return str(error)


def data_info_problem(info: dict[str, Any], task: str) -> str | None:
    """What a run's stored facts of its data lack that using the run needs."""
    shape = info.get("input_shape")
    if not (isinstance(shape, list) and shape and all(isinstance(n, int) and n > 0 for n in shape)):
        return f"data_info.input_shape is {json.dumps(shape)}, not a list of positive sizes"
    names = info.get("class_names", [])
    if not (isinstance(names, list) and all(isinstance(name, str) for name in names)):
        return f"data_info.class_names is {json.dumps(names)}, not a list of names"
    if task in CLASS_TASKS and not names:
        return "data_info.class_names is empty, but this model's outputs are classes"
    if not isinstance(info.get("is_image", True), bool):
        return f"data_info.is_image is {json.dumps(info['is_image'])}, not true or false"
    return None


def zip_problem(path: Path, members: tuple[str, ...], kind: str) -> str | None:
    """What is wrong with a zip-based file (.keras, .npz): empty, cut short, a checksum, a missing part."""
    size = path.stat().st_size
    if size == 0:
        return "it is empty (0 bytes)"
    try:
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip()  # reads every part and checks its CRC
            names = set(archive.namelist())
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        return f"it is cut short or is not a {kind} file ({size:,} bytes)"
    except zipfile.LargeZipFile:
        return f"it is not a {kind} file"
    if broken is not None:
        return f"its part {broken} does not match its checksum"
    missing = [member for member in members if member not in names]
    return f"it lacks {', '.join(missing)}" if missing else None


def checkpoint_problem(path: Path, needs_history: bool = True) -> str | None:
    """What is wrong with a checkpoint .npz: its zip structure, or a state that is not the trainer's."""
    problem = zip_problem(path, ("__state__.npy",), ".npz checkpoint")
    if problem:
        return problem
    try:
        with np.load(path, allow_pickle=False) as saved:
            state = json.loads(str(saved["__state__"]))
    except (ValueError, OSError, json.JSONDecodeError) as error:
        return f"its state cannot be read ({error})"
    if not isinstance(state, dict):
        return "its state is not the trainer's"
    history = state.get("history")
    if needs_history and not (isinstance(history, list) and all(isinstance(row, dict) for row in history)):
        return "its state holds no history of epochs"
    return None


def json_problem(path: Path) -> str | None:
    """What is wrong with a JSON file that must hold an object."""
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return "it is not text"
    except json.JSONDecodeError as error:
        return f"it is not valid JSON ({error})"
    return None if isinstance(values, dict) else f"it holds a JSON {type(values).__name__}, not an object"


def custom_objects(model: str, root: Path) -> dict[str, Any] | None:
    """The Keras classes a run's model.keras needs from the run's own files (a user's network), or None when the
    family needs none (it then loads in Keras' safe mode)."""
    from classicnets.models import get_spec

    objects = get_spec(model).hook("custom_objects")
    return None if objects is None else objects(root)


def mismatch(model: Any, info: dict[str, Any], task: str) -> str | None:
    """Where a run's facts of its data disagree with its loaded model: the input shape, or (classifiers) the
    number of classes. Models whose shapes Keras does not know (subclassed ones) are not compared."""
    try:
        inputs, outputs = tuple(model.input_shape[1:]), tuple(model.output_shape[1:])
    except (AttributeError, ValueError, TypeError):
        return None
    shape = info.get("input_shape")
    if None not in inputs and len(inputs) == len(shape) and list(inputs) != shape:
        return f"data_info.input_shape is {shape}, but model.keras takes inputs of shape {list(inputs)}"
    classes = len(info.get("class_names", []))
    if task == "classifier" and outputs and outputs[-1] is not None and outputs[-1] != classes:
        return f"data_info.class_names lists {classes} classes, but model.keras has {outputs[-1]} outputs"
    return None
