"""Config files: a run's or a zoo's settings read from TOML (or from a run's own config.json), and the whole
config written back as TOML.

TOML because Python reads it with its standard library (tomllib), it has no indentation to get wrong, and it
allows comments. A run's file holds the sections of a RunConfig:

    model = "cnn"              # optional; it must be the model trained
    [model_options]            # or [options]
    filters = [32, 64]
    [data]
    dataset = "digits"
    [train]
    epochs = 3
    learning_rate = 0.01

A zoo's file holds ZooConfig's keys at the top: dataset, models, epochs_scale, quick, out, no_export, networks."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import tomli_w

from classicnets.config import DataConfig, RunConfig, TrainConfig, ZooConfig, check_keys, with_data_choices_moved
from classicnets.errors import UserError
from classicnets.models import get_spec, make_options
from classicnets.settings.values import typed_values

RUN_KEYS = ("model", "model_options", "options", "data", "train")
UNSET = {  # what a setting left out (None, which TOML cannot write) means, as --print-config comments say it
    "dataset": "automatic (mnist when it can be had, else the bundled digits)",
    "target": "the model's own (y for linear-regression, label for linear-classifier and tabular)",
    "image_size": "not set (28x28 for image folders)",
    "batch_size": "automatic (128, lowered for a small training set; config.json keeps the value used)",
    "learning_rate": "automatic (the model's own rate, raised when the batch size is lowered for a small set)",
    "models": "every model of the zoo",
    "out": "runs/zoo-<dataset>-<time>",
}


@dataclass(frozen=True)
class FileSettings:
    """The settings a run's config file sets (only those), sorted as build_run_config takes them."""

    options: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    train: dict[str, Any] = field(default_factory=dict)


def read_settings_file(path: str | Path) -> dict[str, Any]:
    """The table in a TOML file, or in a .json file (a run's config.json); UserError naming the file when it
    cannot be read or parsed."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"config file {path} is a folder; give a .toml file (or a run's config.json)")
    try:
        text = path.read_text(encoding="utf-8")
        values = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except FileNotFoundError:
        raise UserError(f"config file {path} does not exist; check the path") from None
    except UnicodeDecodeError:
        raise UserError(f"config file {path} is not a text file; give a TOML file (or a run's config.json)") from None
    except json.JSONDecodeError as error:
        raise UserError(f"config file {path} is not valid JSON ({error}); give a run's config.json, or a TOML "
                        "file named .toml") from None
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"config file {path} is not valid TOML ({error}); lines are key = value, strings in "
                        'quotes (dataset = "digits"), sections in brackets ([train])') from None
    if not isinstance(values, dict):
        raise UserError(f"config file {path} must hold settings by name (a JSON object), not a {type(values).__name__}")
    return values


def read_run_file(path: str | Path, model: str) -> FileSettings:
    """The settings of a run of `model` in a config file; unknown keys, values of the wrong type and another
    model are a UserError naming the file and the key."""
    path = Path(path)
    values = read_settings_file(path)
    check_keys(values, RUN_KEYS + (("data_info",) if path.suffix.lower() == ".json" else ()), str(path))
    if "model_options" in values and "options" in values:
        raise UserError(f"{path} has both [model_options] and [options]; they are one section: keep one")
    if values.get("model", model) != model:
        raise UserError(f"{path} holds the settings of model {values['model']!r}, not {model!r}: train "
                        f"{values['model']!r} with it, or remove its model line")
    options_key = "options" if "options" in values else "model_options"
    values = with_data_choices_moved(values, options_key)  # a file of an older run
    options = _section(values, options_key, path)
    return FileSettings(
        options=typed_values(get_spec(model).options, options, f"{path} [{options_key}] ({model}'s options)"),
        data=typed_values(DataConfig, _section(values, "data", path), f"{path} [data]"),
        train=typed_values(TrainConfig, _section(values, "train", path), f"{path} [train]"))


def read_zoo_file(path: str | Path) -> dict[str, Any]:
    """The zoo's settings in a config file (models as a list or as 'softmax,mlp'); unknown keys and values of
    the wrong type are a UserError naming the file and the key."""
    values = read_settings_file(path)
    if isinstance(values.get("models"), str):
        values["models"] = [name for name in values["models"].split(",") if name]
    return typed_values(ZooConfig, values, str(path))


def _section(values: Mapping[str, Any], key: str, path: Path) -> dict[str, Any]:
    """The table `key` of a config file ({} when it has none)."""
    section = values.get(key, {})
    if not isinstance(section, dict):
        raise UserError(f"{path}: {key} must be a section of settings ([{key}], then key = value lines). "
                        f"Received: {key}={section!r}")
    return section


def run_config_toml(config: RunConfig) -> str:
    """The whole config of a run as TOML, every default filled in: what --config reads back."""
    options = make_options(get_spec(config.model), config.model_options)
    values = {"model": config.model, "model_options": dataclasses.asdict(options),
              "data": dataclasses.asdict(config.data), "train": dataclasses.asdict(config.train)}
    return toml_text(values, f"settings of a run of {config.model}: `classicnets train {config.model} --config FILE` "
                             f"or classicnets.train({config.model!r}, config=FILE) reads them")


def zoo_config_toml(config: ZooConfig) -> str:
    """The settings of a zoo run as TOML: what `classicnets run --config` reads back."""
    return toml_text(dataclasses.asdict(config), "settings of a zoo run: `classicnets run --config FILE` reads them")


def toml_text(values: Mapping[str, Any], title: str) -> str:
    """`values` as TOML under a comment line `title`: plain keys first, then one section per dict; a None, which
    TOML cannot hold, is a comment saying what leaving the key out means."""
    sections = {key: value for key, value in values.items() if isinstance(value, dict)}
    lines = [f"# {title}", *_lines({k: v for k, v in values.items() if k not in sections})]
    for name, section in sections.items():
        lines += ["", f"[{name}]", *_lines(section)]
    return "\n".join(lines) + "\n"


def _lines(values: Mapping[str, Any]) -> list[str]:
    """key = value lines (tomli_w writes the values), '# key: ...' for a None."""
    return [f"# {key}: {UNSET.get(key, 'not set')}" if value is None else tomli_w.dumps({key: value}).rstrip("\n")
            for key, value in values.items()]
