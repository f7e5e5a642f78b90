"""`classicnets run`: train every model of the zoo on one dataset into DIR/<model>, one after another,
surviving a failed model and continuing after an interruption (--resume)."""

from __future__ import annotations

import dataclasses
import functools
import json
import shutil
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from classicnets import runs
from classicnets.config import DataConfig, RunConfig, TrainConfig
from classicnets.data import load_dataset
from classicnets.errors import UserError
from classicnets.files import EXPORT_TEMP_PREFIX, atomic_write_text, remove_ended_temp_folders
from classicnets.models import get_spec
from classicnets.experiment import train_and_evaluate
from classicnets.zoo.plan import Step

PLAN_FILE = "zoo.json"
MODELS_FOLDER = "models"  # DIR/models/<model>/<version>: the trained models in TensorFlow Serving's layout
MODEL_OVERHEAD = 5.0  # seconds each model costs besides its epochs: building, compiling, evaluating, plotting


@dataclass
class Outcome:
    """How one model of the zoo run went."""

    model: str
    status: str  # "trained", "done before" (found finished on --resume) or "failed"
    run_dir: Path
    metrics: dict[str, Any] | None = None
    error: str | None = None
    notes: str = ""
    step: Step | None = None  # what was asked for: the row's name, options and data

    @property
    def task(self) -> str:
        """The kind of job of the step's run: its family's, or what a user's network settled (its config.json)."""
        options = self.step.options if self.step else {}
        try:
            options = runs.read_config(runs.RunDir(self.run_dir)).model_options
        except UserError:
            pass
        return get_spec(self.model).task_for(options)

    @property
    def name(self) -> str:
        """The row's name: the step's label (autoencoder-conv), else the model."""
        return self.step.label if self.step else self.model


def resolve_dataset(dataset: str | None, notice: Callable[[str], None]) -> str:
    """The dataset a zoo run trains on: the one named, or the default (MNIST when it can be had, else digits)."""
    return load_dataset(dataset, notice=notice).name if dataset is None else dataset


def start_zoo(out: Path, dataset: str | None, steps: list[Step], notice: Callable[[str], None]) -> dict[str, Any]:
    """Create DIR and record the plan (dataset resolved once, so every model trains on the same data)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserError(f"{out} already exists and is not empty; nothing was changed. Finish it with "
                        f"`classicnets run --out {out} --resume`, or choose another --out.")
    name = resolve_dataset(dataset, notice)
    zoo = {"dataset": name, "steps": [dataclasses.asdict(step) for step in steps]}
    atomic_write_text(out / PLAN_FILE, json.dumps(zoo, indent=2) + "\n")
    return zoo


def reopen_zoo(out: Path) -> tuple[str, list[Step]]:
    """The dataset and steps an interrupted zoo run was started with."""
    path = out / PLAN_FILE
    if not path.exists():
        raise UserError(f"{path} does not exist: {out} is not a `classicnets run` folder; "
                        "start one with `classicnets run --out DIR`")
    try:
        zoo = json.loads(path.read_text(encoding="utf-8"))
        dataset, steps = zoo["dataset"], [Step(**step) for step in zoo["steps"]]
    except (ValueError, TypeError, KeyError) as error:  # bad JSON, or not the plan start_zoo wrote
        raise UserError(f"{path} is damaged ({type(error).__name__}: {error}); the zoo run cannot be finished "
                        f"from it: start a new one with `classicnets run --out DIR`. Nothing was changed.") from None
    remove_left_exports(out / MODELS_FOLDER)
    return dataset, steps


def remove_left_exports(models: Path) -> None:
    """Remove the half-written exports in MODELS/<model>/ that a killed zoo left (a running export's are kept)."""
    for model_folder in models.iterdir() if models.is_dir() else []:
        if model_folder.is_dir() and not model_folder.is_symlink():
            remove_ended_temp_folders(model_folder, EXPORT_TEMP_PREFIX)


def step_config(step: Step, dataset: str, out: Path) -> RunConfig:
    """The run config of one step, with its family's training defaults as `classicnets train` gives them; string
    options may name other runs of the zoo as {out}/<step>. The lessons and word models read their own data."""
    options = {key: value.format(out=out) if isinstance(value, str) else value for key, value in step.options.items()}
    train = {**get_spec(step.model).train_defaults, **step.train, "epochs": step.epochs}
    return RunConfig(model=step.model, model_options=options,
                     data=DataConfig(dataset=None if step.own_data else dataset), train=TrainConfig(**train))


def run_step(step: Step, dataset: str, out: Path, verbose: bool) -> Outcome:
    """Train one model (or continue it, or find it finished); failures are caught and described."""
    run_dir = out / step.label
    run = runs.RunDir(run_dir)
    outcome = functools.partial(Outcome, step.model, run_dir=run_dir, notes=step.notes, step=step)
    try:
        if run.metrics.exists():
            return outcome("done before", metrics=runs.read_metrics(run))
        resume = run.checkpoint.exists()
        if run_dir.exists() and not resume:
            shutil.rmtree(run_dir)  # interrupted in its first epoch: nothing worth keeping
        config = runs.read_config(run) if resume else step_config(step, dataset, out)
        result = train_and_evaluate(config, run_dir, resume=resume, verbose=verbose, notice=lambda _: None)
    except UserError as error:
        return outcome("failed", error=str(error))
    except Exception as error:  # a bug in one model must not cost the others; the traceback is kept
        atomic_write_text(run_dir / "error.txt", traceback.format_exc())
        return outcome("failed", error=f"{type(error).__name__}: {error} (see {run_dir}/error.txt)")
    return outcome("trained", metrics=result.metrics)


def format_seconds(seconds: float) -> str:
    """65 -> '1m05s'."""
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes}m{rest:02d}s" if minutes else f"{rest}s"


def progress_line(index: int, steps: list[Step], elapsed: float) -> str:
    """'[3/8] cnn, 5 epochs  |  elapsed 1m10s, about 4m20s left' (estimated from the work done so far)."""
    weights = [step.cost * step.epochs + MODEL_OVERHEAD for step in steps]
    done, left = sum(weights[:index]), sum(weights[index:])
    estimate = f"about {format_seconds(elapsed / done * left)} left" if done and elapsed > 0 else "estimating time left"
    step = steps[index]
    return f"[{index + 1}/{len(steps)}] {step.label}, {step.epochs} epochs  |  elapsed {format_seconds(elapsed)}, {estimate}"


def run_zoo(out: Path, dataset: str, steps: list[Step], verbose: bool = True,
            say: Callable[[str], None] = print) -> list[Outcome]:
    """Every step in order; returns one outcome per model."""
    outcomes, started = [], time.perf_counter()
    for index, step in enumerate(steps):
        say(progress_line(index, steps, time.perf_counter() - started))
        outcome = run_step(step, dataset, out, verbose)
        if outcome.status == "failed":
            say(f"  {step.label} failed: {outcome.error}")
        outcomes.append(outcome)
    return outcomes


def export_models(out: Path, outcomes: list[Outcome], say: Callable[[str], None] = print) -> list[str]:
    """Export every model trained by this command, and any finished one not exported yet (a resumed zoo), into
    DIR/models/<model>/<next version>, checked in one reloading process; returns the models whose export failed."""
    from classicnets.serving.export import export_runs  # loads the export's TensorFlow code only when it is used

    models = out / MODELS_FOLDER
    chosen = [outcome for outcome in outcomes if outcome.status == "trained" or
              (outcome.status == "done before" and not _exported(models / outcome.name))]
    if not chosen:
        return []
    say(f"exporting {len(chosen)} model(s) to {models} for TensorFlow Serving")
    results = export_runs([(outcome.run_dir, models, outcome.name) for outcome in chosen])
    failed = []
    for outcome, result in zip(chosen, results):
        if isinstance(result, Exception):
            say(f"  export of {outcome.name} failed: {result}")
            failed.append(outcome.name)
    return failed


def _exported(model_folder: Path) -> bool:
    """Whether a model of the zoo already has a version folder."""
    return model_folder.is_dir() and any(child.name.isdigit() for child in model_folder.iterdir())
