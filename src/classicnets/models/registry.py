"""What a model family declares: its name, its options dataclass, and where its builder, its training steps
and its data loader live.

Builders, steps and data loaders are named as "module:name" and imported when first used, so listing the models
and their options (the CLI's help pages) needs no TensorFlow. classicnets.models lists every family."""

from __future__ import annotations

import dataclasses
import importlib
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from classicnets.config import LEARNING_RATE
from classicnets.errors import UserError

if TYPE_CHECKING:  # the steps import TensorFlow; listing the models must not
    from classicnets.models.steps import Learning


@dataclass(frozen=True)
class ModelSpec:
    """One model family: how to build it and which options it takes."""

    name: str
    summary: str
    options: type  # a frozen dataclass; field metadata["help"] documents each option
    builder: str  # "module:function"; build(options, input_shape, num_classes[, extra]) -> keras.Model
    # the kind of job: how its runs are judged (classicnets.judges), predicted from and served
    task: str = "classifier"
    # "module:Class" of how it learns, in the form the trainer runs (classicnets.models.steps explains it)
    steps: str = "classicnets.models.steps:ClassifierSteps"
    # "module:function" of load_data(config: RunConfig, notice) -> Dataset, for models with their own kind of
    # data (word lists, regression tables); None: the image/CSV datasets of classicnets.data.load_dataset.
    data_loader: str | None = None
    # (name, help) of the family's own word for its dataset (autocomplete's words): a flag and a Python argument
    # that set data.dataset; None: the dataset is only called dataset
    dataset_alias: tuple[str, str] | None = None
    # help of --target (data.target, with the loader's default) for families whose data loader reads a CSV column
    # to predict; None: their data has no such column and a target is refused
    target_help: str | None = None
    uses_extra: bool = False  # build() also gets extra=Dataset.extra (e.g. vocabularies)
    # TrainConfig values this family trains with unless flags say otherwise (tiny tables need many epochs)
    train_defaults: dict[str, Any] = dataclasses.field(default_factory=dict)
    # Options that name a finished run whose trained model build() gets in extra[option]: option -> the family
    # that run must be (loaded by classicnets.runs.pretrained; models never read run folders themselves)
    pretrained: dict[str, str] = dataclasses.field(default_factory=dict)
    # The automatic learning rate on MNIST-sized sets (batch 128) and with a batch size the user chose
    learning_rate: float = LEARNING_RATE
    # "module:function" keep(options, run_root, resume) -> dict: files a run keeps of its family (a user's network
    # source), copied into a new run or checked against the copy on resume; the dict joins the builder's extra
    keeps_files: str | None = None
    # "module:function" settle(model, options, dataset) -> options: values left "auto" that only the built model
    # can say (a user's network: its task), written into the run's config.json
    settles: str | None = None
    # "module:function" objects(run_root) -> dict of the Keras classes a run's model.keras needs (a user's
    # network); such a model is loaded with Keras' safe mode off: it runs the run's own copy of the user's code
    custom_objects: str | None = None

    def task_for(self, options: dict[str, Any]) -> str:
        """The kind of job of a run with these options: the family's own, or (task "from-options") the one its
        options settled."""
        return str(options.get("task", "auto")) if self.task == "from-options" else self.task

    def hook(self, name: str) -> Callable[..., Any] | None:
        """The function a "module:function" field names (keeps_files, settles, custom_objects), or None."""
        reference = getattr(self, name)
        return _resolve(reference) if reference else None

    @property
    def build(self) -> Callable[..., Any]:
        """The builder function (imports the family's Keras code)."""
        return _resolve(self.builder)

    @property
    def steps_class(self) -> "type[Learning]":
        """The family's steps class (imports TensorFlow)."""
        return _resolve(self.steps)

    @property
    def load_data(self) -> Callable[..., Any] | None:
        """The family's own data loader, or None for the image/CSV datasets."""
        return _resolve(self.data_loader) if self.data_loader else None


def _resolve(reference: str) -> Callable[..., Any]:
    """The function or class named by "package.module:name"."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


def make_options(spec: ModelSpec, values: dict[str, Any]) -> Any:
    """Build the options dataclass from a dict; unknown keys are an error."""
    known = {f.name for f in dataclasses.fields(spec.options)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise UserError(
            f"model {spec.name!r} has no option(s) {', '.join(unknown)}; its options are: "
            f"{', '.join(sorted(known)) or 'none'}"
        )
    hints = typing.get_type_hints(spec.options)
    values = {name: tuple(value) if isinstance(value, list) and typing.get_origin(hints[name]) is tuple else value
              for name, value in values.items()}  # JSON gives lists back for tuples
    options = spec.options(**values)
    check = getattr(options, "check", None)
    if check:
        check()
    return options


def describe_options(spec: ModelSpec) -> list[dict[str, Any]]:
    """Each option's name, default and help text, for listings and the CLI."""
    rows = []
    for f in dataclasses.fields(spec.options):
        rows.append({"name": f.name, "default": f.default, "type": f.type, "help": f.metadata.get("help", "")})
    return rows


def option(default: Any, help: str, choices: tuple[str, ...] | None = None) -> Any:
    """A dataclass field with help text (and allowed values) for the CLI and `classicnets models`."""
    return dataclasses.field(default=default, metadata={"help": help, "choices": choices})
