"""What `classicnets run` trains: every model family of the notes, in teaching order, with epochs sized for 2 CPU
cores. Image models train on the zoo's dataset; the first lessons and the word models on their own bundled data."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from classicnets.config import MAX_EPOCHS, TrainConfig
from classicnets.data import load_dataset
from classicnets.data.labels import require_classes
from classicnets.errors import UserError
from classicnets.models import get_spec, model_names
from classicnets.models.tasks import get_task


@dataclass(frozen=True)
class Step:
    """One model of the zoo run.

    epochs: for MNIST/Fashion-MNIST; quick_epochs and quick_train: for `--quick` on the bundled digits
    (1,438 training images: smaller batches so each epoch has enough steps).
    cost: rough seconds per epoch on Fashion-MNIST with 2 cores (measured), for the time estimate.
    name: the step's row and folder (default: the model); several steps may train one family (autoencoder kinds).
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
    name: str = ""
    own_data: bool = False  # trains on its family's own bundled data (tables, word lists), not the zoo's images

    @property
    def label(self) -> str:
        """The step's name in the table, the report and the zoo's folder."""
        return self.name or self.model


def _lesson(model: str, cost: float, notes: str, train: dict[str, Any] | None = None) -> Step:
    """A model with its own bundled data: the same epochs and settings with and without --quick (its family's
    training defaults, as `classicnets train` gives them, updated by `train`)."""
    epochs = get_spec(model).train_defaults.get("epochs", 5)
    return Step(model, epochs, epochs, cost, train=train or {}, quick_train={}, notes=notes, own_data=True)


# --quick: XLA's compile time (several seconds a model) is more than it saves on the digits' short runs of the
# dense autoencoders and the GANs (measured: the gan's 20 epochs took 16.0 s of CPU instead of 20.7, the same
# Frechet distance within 0.3); softmax and mlp keep it (no difference measured).
QUICK_NO_XLA = {"batch_size": 32, "jit_compile": "off"}
QUICK_AUTO_RATE = {"batch_size": 32, "learning_rate": None}  # the digits' settings, whatever the full run's


def _default_epochs(model: str) -> int:
    """The epochs `classicnets train MODEL` trains for without --epochs."""
    return get_spec(model).train_defaults.get("epochs", TrainConfig().epochs)


STEPS = (
    # The classifiers train with their families' defaults, which pass 0.84, 0.89, 0.92 and 0.88 on Fashion-MNIST
    Step("softmax", _default_epochs("softmax"), 10, 0.3, quick_train={"batch_size": 32, "learning_rate": 0.01},
         notes="~91% on MNIST"),
    Step("mlp", _default_epochs("mlp"), 20, 1.2, notes="~94% on MNIST (the notes' 'ANN')"),
    Step("cnn", _default_epochs("cnn"), 10, 7.0, quick_train=QUICK_AUTO_RATE),
    Step("rnn", _default_epochs("rnn"), 10, 10.0, quick_train=QUICK_AUTO_RATE),
    _lesson("linear-regression", 0.02, "learns W = 2, b = 0 from x = 1, 2, 3, 4 and y = 2, 4, 6, 8"),
    _lesson("linear-classifier", 0.02, "a straight line separates the two Gaussian clouds"),
    _lesson("tabular", 0.05, "fur/wings -> other, mammal, bird: with a hidden layer every animal is right "
                             "(one layer stalls)"),
    Step("autoencoder", 20, 20, 3.6, options={"kind": "dense"}, quick_train=QUICK_NO_XLA,
         notes="784-256-128-256-784 rebuilds its input; to beat: PCA-128, test MSE 0.0063 on Fashion-MNIST"),
    # The three autoencoders the notes do not have train shorter than the dense one (bench/README.md has their
    # longer runs): 12 s (conv), 3 s (denoising) and 6 s (variational) an epoch of Fashion-MNIST
    Step("autoencoder", 2, 10, 12.0, options={"kind": "conv", "filters": (32, 64)}, name="autoencoder-conv",
         notes="(not in the notes) convolutions instead of dense layers"),
    # XLA draws the training noise slowly on a CPU: on Fashion-MNIST an epoch took 22.3 s with it, 3.0 s without
    Step("autoencoder", 5, 20, 3.0, options={"kind": "denoising"}, train={"jit_compile": "off"},
         quick_train=QUICK_NO_XLA,
         name="autoencoder-denoising", notes="(not in the notes) rebuilds clean images from noisy ones"),
    Step("autoencoder", 4, 20, 5.9, options={"kind": "variational"}, quick_train=QUICK_NO_XLA,
         name="autoencoder-variational", notes="(not in the notes) a VAE: new images from random codes"),
    Step("ae-classifier", 10, 10, 2.5, options={"encoder": "{out}/autoencoder"}, quick_train=QUICK_NO_XLA,
         notes="softmax on the autoencoder's code, fine-tuned, beats softmax and the MLP"),
    # The word models in larger batches with the learning rate doubled: measured, autocomplete took 9.5 s of CPU
    # instead of 16.4 and completes 93.9% of its training words (defaults: 92.2%), seq2seq 8.2 s instead of 10.8
    # and still translates all its training pairs
    _lesson("autocomplete", 0.1, "completes the notes' words from their first three letters (wor -> word, "
                                 "dee -> deep, ...)", {"batch_size": 128, "learning_rate": 0.02}),
    _lesson("seq2seq", 0.1, "translates word, wood, game, girl, kiss, love into Korean",
            {"batch_size": 64, "learning_rate": 0.02}),
    # One sample grid and Frechet distance, after the last epoch (each costs seconds: judging many samples)
    Step("gan", 5, 20, 25.0, options={"samples_every": 5}, quick_options={"samples_every": 20},
         quick_train=QUICK_NO_XLA, notes="the notes' GAN draws images like its training data"),
    Step("cgan", 5, 20, 25.0, options={"samples_every": 5}, quick_options={"samples_every": 20},
         quick_train=QUICK_NO_XLA, notes="the conditional GAN does not work yet"),
)


def _learns_from_inputs(step: Step) -> bool:
    """Whether the step's model learns from the inputs alone: its task has no classes."""
    return not get_task(get_spec(step.model).task_for(step.options)).classes


# zoo models on the zoo's dataset that learn from the inputs alone (autoencoder, gan); the others need 2 classes
UNLABELLED = tuple(dict.fromkeys(step.model for step in STEPS if not step.own_data and _learns_from_inputs(step)))


def choose_steps(models: list[str] | None = None, quick: bool = False, epochs_scale: float = 1.0,
                 networks: list[str] | None = None) -> list[Step]:
    """The steps to run: all of them, or those named (a family name picks all its steps), in teaching order,
    then the user's own `networks` (FILE.py:FUNCTION or FILE.keras); epochs scaled (the lessons' and word
    models' too)."""
    if not 0 < epochs_scale < math.inf:
        raise UserError(f"--epochs-scale must be a positive number. Received: {epochs_scale}")
    available = [step for step in STEPS if step.model in model_names()]
    known = list(dict.fromkeys(name for step in available for name in (step.model, step.label)))
    unknown = [name for name in models or [] if name not in known]
    if unknown:
        raise UserError(f"--models: {', '.join(unknown)} not in the zoo; choose from {', '.join(known)}")
    chosen = [step for step in available if not models or step.model in models or step.label in models]
    chosen = [_without_missing_runs(step, {other.label for other in chosen}) for step in chosen]
    chosen += network_steps(networks or [], chosen)
    if quick:  # digits are ~40x smaller than MNIST; each model also has a fixed cost (compile, plots)
        chosen = [_quick(step) for step in chosen]
    scaled = [dataclasses.replace(step, epochs=max(1, round(step.epochs * epochs_scale))) for step in chosen]
    longest = max(scaled, key=lambda step: step.epochs, default=None)
    if longest is not None and longest.epochs > MAX_EPOCHS:
        raise UserError(f"--epochs-scale {epochs_scale} gives {longest.label} {longest.epochs:,} epochs; a model may "
                        f"train at most {MAX_EPOCHS:,}. Lower --epochs-scale.")
    return scaled


def network_steps(references: list[str], taken: list[Step]) -> list[Step]:
    """Steps that train the user's own networks (FILE.py:FUNCTION or FILE.keras) on the zoo's data, named after
    their files; the file's path is kept absolute, so `--resume` finds it from any folder."""
    from classicnets.models.network.source import parse

    names = {step.label for step in taken}
    steps = []
    for reference in references:
        source = parse(reference)
        name = source.path.stem if source.path.stem not in names | set(model_names()) else f"network-{source.path.stem}"
        if name in names:
            raise UserError(f"--add {reference}: a zoo row is already named {name!r}; rename the file")
        names.add(name)
        function = f":{source.function}" if source.function else ""
        # epochs: `classicnets train`'s default; cost: unknown before it trains, counted as the mlp's
        steps.append(Step("network", TrainConfig().epochs, 10, 1.2, options={"network": f"{source.path}{function}"},
                          name=name, notes="your own network"))
    return steps


def _quick(step: Step) -> Step:
    """The step sized for the bundled digits (the lessons and word models train as they always do)."""
    if step.own_data:
        return step
    return dataclasses.replace(step, epochs=step.quick_epochs, train={**step.train, **step.quick_train},
                               options={**step.options, **step.quick_options}, cost=step.cost / 40)


def check_dataset(dataset: str, steps: list[Step]) -> None:
    """Load the zoo's dataset once before its folder is made: a name that does not exist, a damaged file or data
    of one class (for the models that classify) would otherwise fail every model."""
    image_steps = [step for step in steps if not step.own_data]
    if not image_steps:
        return
    loaded = load_dataset(dataset, notice=lambda _: None)
    classifying = [step.label for step in image_steps if step.model not in UNLABELLED]
    if classifying:
        require_classes(loaded.y_train, loaded.class_names, loaded.source, f"the zoo's {', '.join(classifying)}",
                        "Give a dataset with at least 2 classes, or choose only models that learn from the inputs "
                        f"alone: --models {','.join(UNLABELLED)}.")


def _without_missing_runs(step: Step, chosen: set[str]) -> Step:
    """Drop options naming another zoo run ("{out}/<step>") that this zoo run will not train; the model then
    does without it (ae-classifier pretrains its own autoencoder)."""
    kept = {key: value for key, value in step.options.items()
            if not (isinstance(value, str) and value.startswith("{out}/") and value[len("{out}/"):] not in chosen)}
    return dataclasses.replace(step, options=kept)
