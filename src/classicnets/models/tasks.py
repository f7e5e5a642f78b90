"""The kinds of job a model family does (ModelSpec.task), each declared once: how its runs are judged, which
signatures an export serves, and what it can do. Every list of tasks elsewhere (those with classes, those that
generate, those that predict from table rows) is derived from these declarations.

Judges and signatures are named as "module:NAME" and imported when first used: they live to the right of the
models in the data -> model -> train -> run -> evaluate/serve flow."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from classicnets.errors import UserError

SIGNATURES = "classicnets.serving.signatures"
JUDGES = "classicnets.judges"


@dataclass(frozen=True)
class Task:
    """One kind of job."""

    name: str
    judge: str  # "module:NAME" of its Evaluator (classicnets.judges.registry)
    signatures: str  # "module:function" of signatures(model, config) -> list of served Signatures
    classes: bool = False  # its outputs (or a cgan's inputs) are the data's classes
    generates: bool = False  # it draws new images (`classicnets generate`)
    reads_rows: bool = False  # a run on a table predicts from feature rows (`classicnets predict --values`)

    @property
    def evaluator(self) -> Any:
        """How its runs are judged (imports the judge's module)."""
        return _resolve(self.judge)

    @property
    def signature_builder(self) -> Any:
        """signatures(model, config) of its exports (imports TensorFlow)."""
        return _resolve(self.signatures)


def _resolve(reference: str) -> Any:
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


TASKS: dict[str, Task] = {task.name: task for task in (
    Task("classifier", f"{JUDGES}.classifier:EVALUATOR", f"{SIGNATURES}:classifier_signatures", classes=True,
         reads_rows=True),
    Task("regression", f"{JUDGES}.linear:REGRESSION", f"{SIGNATURES}:regression_signatures", reads_rows=True),
    Task("linear-classifier", f"{JUDGES}.linear:CLASSIFIER", f"{SIGNATURES}:linear_classifier_signatures",
         classes=True, reads_rows=True),
    Task("autoencoder", f"{JUDGES}.autoencoder:EVALUATOR", f"{SIGNATURES}:autoencoder_signatures"),
    Task("ae-classifier", f"{JUDGES}.ae_classifier:EVALUATOR", f"{SIGNATURES}:classifier_signatures", classes=True),
    Task("next-letter", f"{JUDGES}.sequences:AUTOCOMPLETE", f"{SIGNATURES}:autocomplete_signatures"),
    Task("translation", f"{JUDGES}.sequences:TRANSLATION", f"{SIGNATURES}:seq2seq_signatures"),
    Task("gan", f"{JUDGES}.gan:EVALUATOR", f"{SIGNATURES}:gan_signatures", generates=True),
    Task("cgan", f"{JUDGES}.gan:EVALUATOR", f"{SIGNATURES}:gan_signatures", classes=True, generates=True),
)}


def get_task(name: str) -> Task:
    """The declaration of task `name`, or a message naming the known ones."""
    if name not in TASKS:
        raise UserError(f"unknown task {name!r}; known: {', '.join(TASKS)}")
    return TASKS[name]


def tasks_where(**capabilities: bool) -> tuple[str, ...]:
    """Names of the tasks with these capabilities, e.g. tasks_where(generates=True)."""
    return tuple(name for name, task in TASKS.items()
                 if all(getattr(task, key) == value for key, value in capabilities.items()))
