"""What `classicnets run` trains: the notes' models in teaching order, with epochs sized for 2 CPU cores."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from classicnets.config import MAX_EPOCHS
from classicnets.data import load_dataset
from classicnets.data.labels import require_classes
from classicnets.errors import UserError
from classicnets.models import model_names


@dataclass(frozen=True)
class Step:
    """One model of the zoo run.

    epochs: for MNIST/Fashion-MNIST; quick_epochs and quick_train: for `--quick` on the bundled digits
    (1,438 training images: smaller batches so each epoch has enough steps).
    cost: rough seconds per epoch on Fashion-MNIST with 2 cores (measured), for the time estimate.
    """

    model: str
    epochs: int
    quick_epochs: int
    cost: float
    options: dict[str, Any] = field(default_factory=dict)
    train: dict[str, Any] = field(default_factory=dict)
    quick_train: dict[str, Any] = field(default_factory=lambda: {"batch_size": 32})
    quick_options: dict[str, Any] = field(default_factory=dict)  # model options that differ with --quick
    notes: str = ""  # what the study notes report for this model


STEPS = (
    Step("softmax", 10, 10, 0.5, quick_train={"batch_size": 32, "learning_rate": 0.01}, notes="~91% on MNIST"),
    Step("mlp", 20, 20, 2.3, notes="~94% on MNIST (the notes' 'ANN')"),
    Step("cnn", 5, 10, 15.0),
    Step("rnn", 5, 10, 12.5),
    Step("autoencoder", 20, 20, 3.6, options={"kind": "dense"},
         notes="784-256-128-256-784; to beat: PCA-128 test MSE 0.0063 on Fashion-MNIST"),
    Step("ae-classifier", 10, 10, 2.5, options={"encoder": "{out}/autoencoder"},
         notes="softmax on the autoencoder's code, fine-tuned; the notes: beats softmax and the MLP"),
    # --quick: a sample grid and Frechet distance every 10 of the 20 epochs, not every 2 (they cost ~1.5 s each)
    Step("gan", 5, 20, 25.0, quick_options={"samples_every": 10},
         notes="the notes' GAN; judged by a CNN (Frechet distance, class spread)"),
    Step("cgan", 5, 20, 25.0, quick_options={"samples_every": 10},
         notes="the notes gave up on it; judge agreement = share drawn as the class asked for"),
)

UNLABELLED = ("autoencoder", "gan")  # zoo models that learn from the inputs alone; the others need 2 classes


def choose_steps(models: list[str] | None = None, quick: bool = False, epochs_scale: float = 1.0) -> list[Step]:
    """The steps to run: all registered zoo models, or those named, in teaching order, epochs scaled."""
    if not 0 < epochs_scale < math.inf:
        raise UserError(f"--epochs-scale must be a positive number. Received: {epochs_scale}")
    available = [step for step in STEPS if step.model in model_names()]
    known = [step.model for step in available]
    unknown = [name for name in models or [] if name not in known]
    if unknown:
        raise UserError(f"--models: {', '.join(unknown)} not in the zoo; choose from {', '.join(known)}")
    chosen = [step for step in available if not models or step.model in models]
    chosen = [_without_missing_runs(step, {other.model for other in chosen}) for step in chosen]
    if quick:  # digits are ~40x smaller than MNIST; each model also has a fixed cost (compile, plots)
        chosen = [dataclasses.replace(step, epochs=step.quick_epochs, train={**step.train, **step.quick_train},
                                      options={**step.options, **step.quick_options}, cost=step.cost / 40)
                  for step in chosen]
    scaled = [dataclasses.replace(step, epochs=max(1, round(step.epochs * epochs_scale))) for step in chosen]
    longest = max(scaled, key=lambda step: step.epochs, default=None)
    if longest is not None and longest.epochs > MAX_EPOCHS:
        raise UserError(f"--epochs-scale {epochs_scale} gives {longest.model} {longest.epochs:,} epochs; a model may "
                        f"train at most {MAX_EPOCHS:,}. Lower --epochs-scale.")
    return scaled


def check_dataset(dataset: str, steps: list[Step]) -> None:
    """Load the zoo's dataset once before its folder is made: a name that does not exist, a damaged file or data
    of one class (for the models that classify) would otherwise fail every model."""
    loaded = load_dataset(dataset, notice=lambda _: None)
    classifying = [step.model for step in steps if step.model not in UNLABELLED]
    if classifying:
        require_classes(loaded.y_train, loaded.class_names, loaded.source, f"the zoo's {', '.join(classifying)}",
                        "Give a dataset with at least 2 classes, or choose only models that learn from the inputs "
                        f"alone: --models {','.join(UNLABELLED)}.")


def _without_missing_runs(step: Step, chosen: set[str]) -> Step:
    """Drop options naming another zoo run ("{out}/<model>") that this zoo run will not train; the model then
    does without it (ae-classifier pretrains its own autoencoder)."""
    kept = {key: value for key, value in step.options.items()
            if not (isinstance(value, str) and value.startswith("{out}/") and value[len("{out}/"):] not in chosen)}
    return dataclasses.replace(step, options=kept)
