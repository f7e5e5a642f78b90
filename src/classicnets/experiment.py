"""Training a run and evaluating it: train_and_evaluate(config, run_dir) and evaluate_run(run_dir), the
functions the Python API (classicnets.api) and the CLI call."""

from __future__ import annotations

import dataclasses
import math
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import keras

from classicnets import runs
from classicnets.runs.datasets import describe_data, load_run_data
from classicnets.runs.pretrained import check_pretrained, load_pretrained
from classicnets.config import RunConfig, sized_for, validate_data, validate_train
from classicnets.data import Dataset
from classicnets.data.pipeline import ArraySplit, split_validation, steps_per_epoch
from classicnets.errors import Interrupted, UserError
from classicnets.judges import get_evaluator
from classicnets.files import WriteError, check_writable, folder_safe_name, remove_temp_files
from classicnets.models import build_model, get_spec, make_options, task_of
from classicnets.training.distribute import is_chief, make_strategy
from classicnets.training.histograms import WeightHistograms
from classicnets.training.precision import dtype_policy, float32_copy, in_float32, training_policy
from classicnets.training.trainer import Trainer


def _check_same_data(config: RunConfig, info: dict[str, Any]) -> None:
    """A resumed run must see the data it started with."""
    stored = config.data_info
    for key in ("input_shape", "class_names", "train_examples"):
        if key in stored and stored[key] != info[key]:
            raise UserError(f"cannot resume: the data changed ({key} was {stored[key]}, now {info[key]}); "
                            "resume with the data the run started with, or start a new run")


def _callbacks(run: runs.RunDir, chief: bool, epochs: int) -> list[keras.callbacks.Callback]:
    """TensorBoard scalars each epoch and weight histograms about 4 times a run (a histogram pass of the mlp took
    0.09 s, 9% of its Fashion-MNIST epoch: written every epoch, it was the largest cost outside training) -
    chief only. The histograms are computed with numpy (training/histograms.py)."""
    if not chief:
        return []
    every = max(1, math.ceil(epochs / 4))
    return [keras.callbacks.TensorBoard(log_dir=str(run.tensorboard), histogram_freq=0, write_graph=False),
            WeightHistograms(run.tensorboard / "train", every)]


@dataclass
class RunResult:
    """What a training run produced."""

    run_dir: Path
    metrics: dict[str, Any]
    model: Any


def train_and_evaluate(config: RunConfig, run_dir: Path | None = None, resume: bool = False, verbose: bool = True,
                       notice: Callable[[str], None] = print, summary: Callable[[str], None] = print) -> RunResult:
    """Train `config` into `run_dir` (default runs/<model>-<dataset>-<time>) or continue it, then evaluate.
    `notice` gets remarks on the way (data found, a restart), `summary` the one-line result (also when not
    verbose: the command's --quiet still prints it)."""
    called = time.perf_counter()
    validate_train(config.train)
    validate_data(config.data)
    spec = get_spec(config.model)
    make_options(spec, config.model_options)  # bad options fail before any data is loaded
    check_pretrained(config.model, config.model_options)  # so does a run named in them that is not one
    start_over = resume and _check_resumable(Path(run_dir))  # a damaged run fails before any data is loaded
    finished = _finished(Path(run_dir), config.train.epochs) if resume and not start_over else None
    if finished is not None:  # nothing to train: the run is left as it is
        summary(f"{run_dir} had finished {finished.metrics['epochs']} epochs; nothing was changed (resume it with "
                f"more epochs than that to train it further)")
        return finished
    strategy = make_strategy(config.train.distribute)  # first: multi-worker must start before other TF work
    loading = time.perf_counter()
    dataset = load_run_data(config, notice=notice)
    setup = {"data_seconds": time.perf_counter() - loading, "called": called}
    info = describe_data(dataset)
    if resume:
        _check_same_data(config, info)
    config = dataclasses.replace(config, data=dataclasses.replace(config.data, dataset=dataset.name), data_info=info)
    chief = is_chief(strategy)
    if run_dir is None:
        run_dir = runs.default_run_dir(config.model, dataset.name)
    made_folder = not Path(run_dir).exists()
    run = _open_run_dir(Path(run_dir), resume, chief)
    if start_over and chief:
        notice(f"no epoch of {run.root} had been saved; training it from the beginning")
    try:
        return _train_in(run, config, dataset, strategy, spec, resume and not start_over, verbose, chief, summary,
                         setup)
    except KeyboardInterrupt as interrupt:
        if not chief:
            raise
        raise _interrupted(run, config, resume, made_folder) from interrupt
    except Exception as error:
        if not chief:
            raise
        if not run.checkpoint.exists():
            if not resume:
                runs.discard_new_run(run, made_folder)  # a failed new run leaves nothing behind
            raise
        if isinstance(error, WriteError):  # e.g. a full disk: the last saved epoch is kept
            raise UserError(f"cannot write {error.path}: {error.cause}. The checkpoint of the last finished epoch "
                            f"is kept; once the file can be written, continue with: {_continue_command(run, config)}"
                            ) from None
        raise
    finally:
        if not chief:
            shutil.rmtree(run.root, ignore_errors=True)


def _check_resumable(root: Path) -> bool:
    """Check the files of a run to resume; True when it never saved an epoch (killed in its first one): it
    then trains from the beginning with its stored config."""
    run = runs.open_run(root)
    try:
        check_writable(run.root)  # TensorBoard's logs are written first, and they fail without naming a cause
    except WriteError as error:
        raise UserError(f"cannot write into {run.root}: {error.cause}; a run is resumed where it can write its "
                        "files: copy the folder to a writable disk and resume the copy. Nothing was changed.") from None
    if not run.checkpoint.exists() and not run.model.exists():
        return True
    runs.open_run(root, needs=("checkpoint",))
    return False


class TrainingInterrupted(Interrupted):
    """Ctrl-C during training; `hint` says how to continue the run, or that nothing was saved."""

    def __init__(self, hint: str, run_dir: Path, resumable: bool) -> None:
        super().__init__(hint)
        self.run_dir, self.resumable = run_dir, resumable


def _continue_command(run: runs.RunDir, config: RunConfig) -> str:
    """The command that continues a stopped run, with --epochs when config.json does not have the new count yet
    (a resumed run writes it with its first new epoch)."""
    command = runs.resume_command(config.model, run.root)
    if runs.read_config(run).train.epochs != config.train.epochs:
        command += f" --epochs {config.train.epochs}"
    return command


def _interrupted(run: runs.RunDir, config: RunConfig, resume: bool, made_folder: bool) -> TrainingInterrupted:
    """The resume command when an epoch was checkpointed; otherwise the new run's folder is removed (it
    holds no finished epoch, and a folder with files in it cannot be trained into again)."""
    if run.checkpoint.exists():
        return TrainingInterrupted(f"continue it with: {_continue_command(run, config)}", run.root, True)
    if not resume:
        runs.discard_new_run(run, made_folder)
    return TrainingInterrupted("nothing was saved (no epoch had finished); run the same command again to start over",
                               run.root, False)


def _finished(root: Path, epochs: int) -> RunResult | None:
    """The result of a finished run that `epochs` would not extend (it trained that many, or stopped early);
    else None."""
    run = runs.RunDir(root)
    if not (run.metrics.exists() and run.model.exists()):
        return None
    metrics = runs.read_metrics(run)
    if metrics.get("epochs", 0) < epochs and not metrics.get("stopped_early"):
        return None
    try:
        model = runs.load_model(runs.open_run(root, needs=("model",)))
    except UserError:  # a damaged model.keras: resuming writes it again from the checkpoint
        return None
    return RunResult(root, metrics, model)


def _open_run_dir(root: Path, resume: bool, chief: bool) -> runs.RunDir:
    """The chief writes the real run directory; other workers write a throwaway copy."""
    if not chief:
        return runs.RunDir(Path(tempfile.mkdtemp(prefix="classicnets-worker-")))
    if resume:  # checked by _check_resumable
        run = runs.RunDir(root)
        for folder in (run.root, run.plots):  # what writes of a killed run left half-done
            remove_temp_files(folder)
        return run
    return runs.prepare_new_run(root)


def prepare_training(config: RunConfig, dataset: Dataset, strategy: Any,
                     kept: dict[str, Any] | None = None) -> tuple[RunConfig, Any, Any, Any]:
    """Everything random comes from config.train.seed: the validation split, then (after seeding Keras) the
    initial weights, the batch order, dropout and noise. Returns the config with its automatic batch size and
    learning rate (and what the family settles from its built model) filled in, the family's steps (model and
    optimizers) built under `strategy`, and the train and validation splits. `kept`: what the family's
    keeps_files hook gave (the builder gets it with the dataset's extra facts)."""
    train, validation = split_validation(dataset.x_train, dataset.y_train, config.data.validation_fraction, config.train.seed)
    rate = get_spec(config.model).learning_rate
    config = dataclasses.replace(config, train=sized_for(config.train, len(train), rate))  # config.json keeps the values used
    total_steps = config.train.epochs * steps_per_epoch(len(train), config.train.batch_size)
    spec = get_spec(config.model)

    extra = {**dataset.extra, **load_pretrained(config.model, config.model_options, dataset.input_shape), **(kept or {})}

    def build() -> Any:
        keras.utils.set_random_seed(config.train.seed)  # the same initial weights in any precision
        return build_model(config.model, config.model_options, dataset.input_shape, dataset.num_classes, extra)

    with strategy.scope():
        model = build()
        settle = spec.hook("settles")
        if settle is not None:  # e.g. a user's network: its task, found from its outputs
            config = dataclasses.replace(config, model_options=settle(model, config.model_options, dataset))
        policy = training_policy(config.train.precision, task_of(config), config.train.distribute, model)
        if policy is not None:
            with dtype_policy(policy):
                model = build()
        steps = spec.steps_class.create(model, config.train, total_steps)
    return config, steps, train, validation


def _train_in(run: runs.RunDir, config: RunConfig, dataset: Dataset, strategy: Any, spec: Any,
              resume: bool, verbose: bool, chief: bool, summary: Callable[[str], None],
              setup: dict[str, float]) -> RunResult:
    """Build, train, save and evaluate inside an opened run directory. `setup`: when the call began (called) and
    the seconds the data took to load (data_seconds)."""
    keep = spec.hook("keeps_files")
    kept = keep(make_options(spec, config.model_options), run.root, resume) if keep else {}
    config, steps, train, validation = prepare_training(config, dataset, strategy, kept)
    config_saved = resume and runs.read_config(run) == config
    if not resume:  # a new run's config comes first: an interrupted run is resumed from it
        runs.write_config(run, config)
        config_saved = True
    callbacks = _callbacks(run, chief, config.train.epochs)
    evaluator = get_evaluator(task_of(config))
    watch = evaluator.training_callbacks
    if chief and watch is not None:  # e.g. a GAN's sample grids
        callbacks += watch(run.root, dataset)

    def epoch_saved(history: list[dict]) -> None:
        nonlocal config_saved
        if not config_saved:  # a resumed run's new --epochs: written once its checkpoint loaded and grew
            runs.write_config(run, config)
            config_saved = True
        runs.write_history(run, history)

    trainer = Trainer(steps, strategy, config.train, run.checkpoint, callbacks=callbacks, on_epoch_end=epoch_saved,
                      verbose=verbose)
    started = time.perf_counter()
    before_training = {"data_seconds": setup["data_seconds"], "seconds_before_training": started - setup["called"]}
    test = ArraySplit(dataset.x_test, dataset.y_test) if config.train.test_every_epoch else None
    result = trainer.fit(train, validation if len(validation) else None, resume=resume, test=test)
    epoch_saved(result.history)  # also when the run had stopped between its last checkpoint and history.csv
    model = steps.model if in_float32(steps.model) else float32_copy(steps.model)
    runs.save_model(run, model)
    metrics = evaluator.evaluate(model, config, dataset, run.plots, history=result.history)
    metrics.update(training_facts(config, model, result, time.perf_counter() - started), **before_training)
    runs.write_metrics(run, metrics)
    summary(summary_line(config, metrics, run.root))
    return RunResult(run.root, metrics, model)


def training_facts(config: RunConfig, model: Any, result: Any, seconds: float) -> dict[str, Any]:
    """Model, data and timing facts stored beside the test metrics."""
    history = result.history
    train_seconds = sum(row["seconds"] for row in history)
    examples = config.data_info["train_examples"] * (1 - config.data.validation_fraction)
    return {"model": config.model, "dataset": config.data.dataset, "parameters": int(model.count_params()),
            "epochs": len(history), "stopped_early": result.stopped_early,
            "train_seconds": train_seconds, "seconds_per_epoch": train_seconds / max(len(history), 1),
            "samples_per_second": examples * len(history) / max(train_seconds, 1e-9),
            "wall_seconds_this_session": seconds, "resumed_from_epoch": result.resumed_from_epoch,
            "best_epoch": result.best_epoch,
            "final_train": {k: v for k, v in history[-1].items() if k != "epoch"} if history else {}}


def summary_line(config: RunConfig, metrics: dict[str, Any], root: Path) -> str:
    """One line that says how the run went and where it is."""
    outcome = get_evaluator(task_of(config)).summarize(metrics)
    epochs = f"after {metrics['epochs']} epochs"
    if metrics.get("best_epoch"):  # early stopping: the model holds the weights of its best epoch
        epochs = f"with best epoch {metrics['best_epoch']} of {metrics['epochs']}"
    return (f"{config.model} on {config.data.dataset}: {outcome} "
            f"{epochs} ({metrics['train_seconds']:.1f}s, "
            f"{metrics['samples_per_second']:.0f} samples/s) -> {root}")


def evaluate_run(run_dir: Path, dataset: str | None = None, notice: Callable[[str], None] = print) -> dict[str, Any]:
    """Metrics of a finished run on its test split or on another dataset (plots go to RUN/plots/<dataset>);
    "summary" holds the evaluator's one-line summary."""
    run = runs.open_run(Path(run_dir), needs=("model",))
    config = runs.read_config(run)
    model = runs.load_model(run)
    data = load_run_data(config, dataset, notice=notice)
    expected = tuple(config.data_info["input_shape"])
    if tuple(data.input_shape) != expected:
        raise UserError(f"dataset {data.name!r} has samples of shape {tuple(data.input_shape)}, but the run was "
                        f"trained on shape {expected}; evaluate it on data of the same shape")
    evaluator = get_evaluator(task_of(config))
    plots = run.plots if dataset is None else run.plots / _slug(data.name)
    metrics = evaluator.evaluate(model, config, data, plots)
    return {"dataset": data.name, "source": data.source, "summary": evaluator.summarize(metrics), **metrics}


def _slug(name: str) -> str:
    """A folder-safe name for a dataset."""
    return folder_safe_name(name, name, keep="-_.")

