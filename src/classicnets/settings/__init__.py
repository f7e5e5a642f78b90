"""A run's settings: build_run_config makes a run's config from what the user gave (arguments, flags, a config
file) and applies the resume rules. The Python API (classicnets.train) and the command line (classicnets train)
both call it, so a setting means the same and is refused the same in both; its errors name Python arguments
(learning_rate), and the command line renames them as its flags (--lr)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Mapping

from classicnets import runs
from classicnets.config import DataConfig, RunConfig, TrainConfig, ZooConfig, validate_data, validate_train
from classicnets.errors import SettingsError, UserError
from classicnets.models import FAMILIES, ModelSpec, get_spec, make_options
from classicnets.settings.files import read_run_file, read_zoo_file, run_config_toml, zoo_config_toml
from classicnets.settings.values import typed_values

__all__ = ["build_run_config", "build_zoo_config", "data_setting_names", "run_config_toml", "zoo_config_toml"]

AUTO = "auto"  # an option's value that the family resolves when it builds (the stored run keeps the result)


def build_run_config(model: str, options: Mapping[str, Any], data: Mapping[str, Any], train: Mapping[str, Any],
                     stored: RunConfig | None = None, *, config_file: str | Path | None = None,
                     run_dir: str | Path | None = None) -> RunConfig:
    """The config of a new run of family `model` from the model options, data and training settings given (only
    those the user set; `config_file`'s fill in under them, then the family's and the dataclasses' defaults).
    With `stored`, the config of the run in `run_dir` being resumed: unchanged but for `epochs`; any other
    setting given that differs from it is a SettingsError naming it."""
    spec = get_spec(model)
    data = family_data(spec, data)
    if stored is not None and stored.model != model:
        raise UserError(f"{run_dir} holds a {stored.model!r} run, not {model!r}; resume it as a {stored.model!r} "
                        f"run: {runs.resume_command(stored.model, Path(str(run_dir)))}")
    if config_file is not None:
        in_file = read_run_file(config_file, model)
        options, train = {**in_file.options, **options}, {**in_file.train, **train}
        data = {**family_data(spec, in_file.data), **data}
    requested = RunConfig(
        model=model, model_options=checked_options(spec, options, {} if stored is None else stored.model_options),
        data=validate_data(DataConfig(**typed_values(DataConfig, data))),
        train=validate_train(TrainConfig(**typed_values(TrainConfig, {**spec.train_defaults, **train}))))
    if stored is None:
        return requested
    return resumed_config(requested, stored, given=[*data, *train], run_dir=run_dir)


def data_setting_names(spec: ModelSpec) -> list[str]:
    """The data settings family `spec` takes: DataConfig's (target only where its data has a column to predict)
    and its own name for its dataset (autocomplete's words)."""
    names = [field.name for field in dataclasses.fields(DataConfig) if field.name != "target" or spec.target_help]
    return names + ([spec.dataset_alias[0]] if spec.dataset_alias else [])


def family_data(spec: ModelSpec, data: Mapping[str, Any]) -> dict[str, Any]:
    """The data settings given, the family's own name for its dataset (words, pairs) made the dataset; that name
    with another dataset, or a target for a family whose data has no column to predict, is a SettingsError."""
    data = dict(data)
    alias = spec.dataset_alias[0] if spec.dataset_alias else None
    named = data.pop(alias, None) if alias else None
    if named is not None:
        if data.get("dataset") not in (None, named):
            raise SettingsError("{dataset} {given} and {alias} {named} name different data; give only {alias}",
                                {"dataset": ["dataset"], "alias": [alias]}, {"given": data["dataset"], "named": named})
        data["dataset"] = named
    if data.get("target") is not None and not spec.target_help:
        readers = [name for name, family in FAMILIES.items() if family.target_help]
        raise SettingsError("{target} names a CSV column to predict, which only the data of {readers} has; "
                            "{model} reads none: remove {target}", {"target": ["target"]},
                            {"readers": ", ".join(readers), "model": spec.name})
    return data


def checked_options(spec: ModelSpec, options: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """The model options given, as the family's options dataclass holds them, checked over a resumed run's
    `stored` ones (a family may need an option set: a user's network); a bad name or value is a UserError."""
    values = typed_values(spec.options, options, f"{spec.name}'s options")
    make_options(spec, {**stored, **values})  # the family's own checks: ranges, choices
    return values


SAME_DATA_ANY_WAY = {"stream"}  # data settings that change how the data is read, not what it is: free on resume


def resumed_config(requested: RunConfig, stored: RunConfig, given: list[str], run_dir: str | Path | None) -> RunConfig:
    """The stored config (of the same model) with the requested epochs and stream; `given` names the data and
    training settings set. A change of any other is a SettingsError."""
    changed = changed_settings(requested, stored, given)
    if changed:
        raise SettingsError("cannot change {changed} when resuming {run}: the run keeps the settings it started with "
                            "(only {epochs} may grow). Start a new run to change them.",
                            {"changed": changed, "epochs": ["epochs"]}, {"run": run_dir})
    epochs = requested.train.epochs if "epochs" in given else stored.train.epochs
    stream = requested.data.stream if "stream" in given else stored.data.stream
    return dataclasses.replace(stored, train=dataclasses.replace(stored.train, epochs=epochs),
                               data=dataclasses.replace(stored.data, stream=stream))


def changed_settings(requested: RunConfig, stored: RunConfig, given: list[str]) -> list[str]:
    """The settings given that differ from the stored run's: data, training (but epochs) and model options. A
    model option given as "auto" is no change: the stored value may be what "auto" became."""
    data_names = {field.name for field in dataclasses.fields(DataConfig)}
    changed = [name for name in given if name in data_names and name not in SAME_DATA_ANY_WAY
               and getattr(requested.data, name) != getattr(stored.data, name)]
    changed += [name for name in given if name not in data_names and name != "epochs"
                and getattr(requested.train, name) != getattr(stored.train, name)]
    defaults = {field.name: field.default for field in dataclasses.fields(get_spec(stored.model).options)}
    changed += [name for name, value in requested.model_options.items() if value != AUTO
                and _as_json(value) != _as_json(stored.model_options.get(name, defaults[name]))]
    return changed


def _as_json(value: Any) -> Any:
    """A value as config.json holds it (tuples are lists there)."""
    return json.loads(json.dumps(value))


def build_zoo_config(given: Mapping[str, Any], config_file: str | Path | None = None) -> ZooConfig:
    """The settings of a zoo run: those given, over `config_file`'s, over ZooConfig's defaults."""
    in_file = read_zoo_file(config_file) if config_file is not None else {}
    return ZooConfig(**typed_values(ZooConfig, {**in_file, **given}))
