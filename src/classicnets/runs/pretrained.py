"""Runs another run starts from: a model family may name, in one of its options, a finished run whose trained
model its network is built on (the ae-classifier's --encoder RUN_DIR: an autoencoder run). The run is checked
before any data is loaded, and its model handed to the builder: models themselves never read run folders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from classicnets.config import RunConfig
from classicnets.errors import SettingsError, UserError
from classicnets.models import get_spec, make_options
from classicnets.runs import RunDir, load_model, open_run, read_config


def pretrained_runs(model: str, options: dict[str, Any]) -> dict[str, str]:
    """The options of `model` that name a run (option -> run folder), those left empty left out."""
    chosen = make_options(get_spec(model), options)
    return {name: getattr(chosen, name) for name in get_spec(model).pretrained if getattr(chosen, name)}


def pretrained_config(option: str, run_dir: str, family: str) -> RunConfig:
    """The config of the run named by the option (--OPTION on the CLI); a clear error when the folder is no run or
    holds another family."""
    if not RunDir(Path(run_dir)).config.is_file():
        raise SettingsError.about("{%s} {run_dir} is not a classicnets run directory (no config.json in it); give "
                                  "the folder of a `classicnets train {family}` run" % option, option,
                                  run_dir=run_dir, family=family)
    config = read_config(open_run(Path(run_dir)))
    if config.model != family:
        raise SettingsError.about("{%s} {run_dir} holds a {model!r} run, not an {family}; train one with "
                                  "`classicnets train {family}` and pass its run directory" % option, option,
                                  run_dir=run_dir, model=config.model, family=family)
    return config


def check_pretrained(model: str, options: dict[str, Any]) -> None:
    """Fail before any data is loaded when a run named in `options` is missing or of the wrong family."""
    families = get_spec(model).pretrained
    for option, run_dir in pretrained_runs(model, options).items():
        pretrained_config(option, run_dir, families[option])


def load_pretrained(model: str, options: dict[str, Any], input_shape: tuple[int, ...]) -> dict[str, Any]:
    """The trained models of the runs named in `options` (option -> keras.Model), each checked to take inputs
    of `input_shape`."""
    families = get_spec(model).pretrained
    loaded = {}
    for option, run_dir in pretrained_runs(model, options).items():
        trained_shape = tuple(pretrained_config(option, run_dir, families[option]).data_info.get("input_shape", ()))
        if trained_shape != tuple(input_shape):
            raise SettingsError.about("the {family} in {run_dir} ({%s}) was trained on samples of shape {trained}, but "
                                      "this dataset's are {shape}; use data of the same size (e.g. {image_size})"
                                      % option, option, "image_size", family=families[option], run_dir=run_dir,
                                      trained=trained_shape, shape=tuple(input_shape))
        run = RunDir(Path(run_dir))
        if not run.model.is_file():
            raise UserError(f"{run.model} does not exist: the {families[option]} run did not finish; finish it "
                            f"with `classicnets train {families[option]} --run-dir {run_dir} --resume`")
        loaded[option] = load_model(open_run(run.root, needs=("model",)))
    return loaded
