"""Run configuration: frozen dataclasses, loaded from and saved to JSON; unknown keys are an error."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classicnets.errors import UserError

OPTIMIZERS = ("adam", "sgd", "rmsprop")
SCHEDULES = ("constant", "cosine")
DISTRIBUTE = ("none", "mirrored", "multi-worker")
JIT_COMPILE = ("auto", "on", "off")
PRECISIONS = ("auto", "float32", "mixed-bfloat16")

# Automatic batch size and learning rate (TrainConfig fields left as None). MNIST-sized sets (54,000 training
# images) get 128 and 0.001, the settings of the published benchmarks. A small set would get only a few steps
# an epoch with 128 (the 1,294 digits: 10), so its batch is lowered to keep at least SMALL_SET_STEPS steps
# (digits: 16) and the learning rate raised: softmax on the digits, 5 epochs, reached 0.24 test accuracy with
# batch 128, 0.70 with batch 16 and 0.91 with batch 16 and rate 0.01 (mlp, cnn and rnn 0.95-0.97).
BATCH_SIZE = 128
LEARNING_RATE = 1e-3
SMALL_SET_STEPS = 50
SMALLEST_AUTO_BATCH = 16
SMALL_SET_LEARNING_RATE = 1e-2

# Bounds on values that would otherwise fail deep inside numpy or TensorFlow, or ask for more than any machine has
MAX_SEED = 2**32 - 1  # numpy's seeds
MAX_EPOCHS = 100_000
MIN_TRAINING_SIDE = 4  # pixels: the bundled digits are 8x8; a 1x1 "image" is one number
MAX_IMAGE_SIDE = 1024  # pixels; 28x28 is MNIST's size and 1024x1024 already takes 1 MiB an image (3 in colour)


@dataclass(frozen=True)
class DataConfig:
    """Which data a run trains on and how it is split."""

    dataset: str | None = None  # None: MNIST when it can be had, else the bundled digits (or the family's own data)
    target: str | None = None  # the CSV column a table model predicts; None: "y" (regression), "label" (classes)
    data_dir: str | None = None
    image_size: tuple[int, int] | None = None  # for image folders; None: 28x28
    color: str | None = None  # 'grayscale' or 'rgb', for image folders
    test_fraction: float = 0.2  # for datasets without their own test split
    validation_fraction: float = 0.1
    stream: str = "auto"  # image folders: 'on' reads the decoded images from the cache a batch at a time, 'off'
    # holds them in memory, 'auto' holds them in memory when they fit 256 MiB
    skip_bad_images: bool = False  # image folders: train without the files that cannot be read (else refused)


@dataclass(frozen=True)
class TrainConfig:
    """How a run trains."""

    epochs: int = 5
    batch_size: int | None = None  # None: automatic, see sized_for(); a run's config.json holds the value used
    optimizer: str = "adam"
    learning_rate: float | None = None  # None: automatic, see sized_for()
    schedule: str = "cosine"  # learning rate: constant, or cosine decay to 0 over all epochs
    seed: int = 0
    early_stopping: int = 0  # patience in epochs on validation loss; 0 turns it off
    steps_per_execution: int = 32  # training steps per compiled call: fewer Python round trips
    distribute: str = "none"
    # XLA-compile each step on one device: 'auto' does it for models without convolution or recurrent
    # layers (2-3x faster for dense networks on CPU; XLA's CPU convolutions and loops are slower)
    jit_compile: str = "auto"
    # Also measure the test split after every epoch (test_* columns and the epoch's end as wall_time, Unix
    # seconds, in history.csv): learning curves on the test set and time-to-accuracy measurements
    test_every_epoch: bool = False
    # Arithmetic of training: 'auto' is bfloat16 with float32 weights for convolutional classifiers on a CPU
    # with bfloat16 instructions (about 1.8x faster there), float32 otherwise; the saved model is float32
    precision: str = "auto"


@dataclass(frozen=True)
class RunConfig:
    """Everything needed to rebuild, retrain or use a run, with no flags."""

    model: str
    model_options: dict[str, Any] = field(default_factory=dict)
    data: DataConfig = field(default_factory=DataConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    data_info: dict[str, Any] = field(default_factory=dict)  # facts of the loaded data: shapes, class names


@dataclass(frozen=True)
class ZooConfig:
    """What `classicnets run` trains and where: its flags, or the keys of its --config file."""

    dataset: str | None = None  # None: MNIST when it can be had, else the bundled digits (quick: the digits)
    models: tuple[str, ...] | None = None  # None: every model of the zoo
    epochs_scale: float = 1.0
    quick: bool = False
    out: str | None = None  # None: runs/zoo-<dataset>-<time>
    no_export: bool = False
    networks: tuple[str, ...] = ()  # the user's own networks, FILE.py:FUNCTION or FILE.keras, after the zoo's


def check_finite(values: Any) -> None:
    """Raise a UserError naming the first float field of dataclass `values` that is nan or infinite (Python's
    float() and so argparse accept 'nan' and 'inf', and every comparison with nan is False)."""
    for field_ in dataclasses.fields(values):
        value = getattr(values, field_.name)
        if isinstance(value, float) and not math.isfinite(value):
            default = f" (the default is {field_.default})" if isinstance(field_.default, float) else ""
            raise UserError(f"{field_.name} must be a finite number{default}; nan and infinity are not. "
                            f"Received: {field_.name}={value}")


def validate_train(train: TrainConfig) -> TrainConfig:
    """Check training values; raise UserError naming the bad one."""
    check_finite(train)
    checks = [
        (1 <= train.epochs <= MAX_EPOCHS,
         f"epochs must be at least 1 and at most {MAX_EPOCHS:,}. Received: epochs={train.epochs}"),
        (0 <= train.seed <= MAX_SEED, f"seed must be a whole number from 0 to 2**32 - 1 ({MAX_SEED}). "
         f"Received: seed={train.seed}"),
        (train.batch_size is None or train.batch_size >= 1,
         f"batch size must be at least 1. Received: batch_size={train.batch_size}"),
        (train.learning_rate is None or train.learning_rate > 0,
         f"learning rate must be positive. Received: lr={train.learning_rate}"),
        (train.optimizer in OPTIMIZERS, f"unknown optimizer {train.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}"),
        (train.schedule in SCHEDULES, f"unknown schedule {train.schedule!r}; choose one of {', '.join(SCHEDULES)}"),
        (train.early_stopping >= 0, f"early stopping patience must be >= 0. Received: {train.early_stopping}"),
        (train.steps_per_execution >= 1, f"steps per execution must be >= 1. Received: {train.steps_per_execution}"),
        (train.distribute in DISTRIBUTE, f"unknown --distribute {train.distribute!r}; choose one of {', '.join(DISTRIBUTE)}"),
        (train.jit_compile in JIT_COMPILE, f"unknown --jit-compile {train.jit_compile!r}; choose one of {', '.join(JIT_COMPILE)}"),
        (train.precision in PRECISIONS, f"unknown --precision {train.precision!r}; choose one of {', '.join(PRECISIONS)}"),
    ]
    for ok, message in checks:
        if not ok:
            raise UserError(message)
    return train


def sized_for(train: TrainConfig, train_examples: int | None, large_set_rate: float = LEARNING_RATE) -> TrainConfig:
    """Fill an automatic batch size and learning rate for a training split of `train_examples` (None: unknown,
    the big-set values); `large_set_rate` is the model family's rate for batches of BATCH_SIZE or set by the
    user. Values already set are kept."""
    batch_size, learning_rate = train.batch_size, train.learning_rate
    if batch_size is None:
        batch_size = BATCH_SIZE
        if train_examples is not None and train_examples < SMALL_SET_STEPS * BATCH_SIZE:
            fitting = max(train_examples // SMALL_SET_STEPS, 1)  # the largest power of two with enough steps
            batch_size = max(SMALLEST_AUTO_BATCH, 2 ** int(math.log2(fitting)))
    if learning_rate is None:
        lowered = train.batch_size is None and batch_size < BATCH_SIZE
        learning_rate = SMALL_SET_LEARNING_RATE if lowered else large_set_rate
    return dataclasses.replace(train, batch_size=batch_size, learning_rate=learning_rate)


def require_image_size(image_size: Any) -> tuple[int, int]:
    """Return (height, width) as ints, or raise UserError for anything but two whole numbers 1..MAX_IMAGE_SIDE."""
    try:
        height, width = (int(size) for size in image_size)
        valid = [height, width] == list(image_size)
    except (TypeError, ValueError):
        valid = False
    if not valid or not (1 <= height <= MAX_IMAGE_SIDE and 1 <= width <= MAX_IMAGE_SIDE):
        raise UserError(
            f"image size must be two positive whole numbers, height and width, each at most {MAX_IMAGE_SIDE}, "
            f"e.g. (28, 28). Received: image_size={image_size!r}"
        )
    return height, width


def validate_data(data: DataConfig) -> DataConfig:
    """Check data values; raise UserError naming the bad one."""
    check_finite(data)
    if data.image_size is not None and min(require_image_size(data.image_size)) < MIN_TRAINING_SIDE:
        raise UserError(f"image size must be at least {MIN_TRAINING_SIDE}x{MIN_TRAINING_SIDE} to train on: smaller images "
                        f"hold too few pixels to learn from. Received: image_size={tuple(data.image_size)}")
    if data.stream not in ("auto", "on", "off"):
        raise UserError(f"stream must be auto, on or off. Received: stream={data.stream!r}")
    for name in ("test_fraction", "validation_fraction"):
        value = getattr(data, name)
        if not 0 <= value < 1:
            raise UserError(f"{name.replace('_', ' ')} must be in [0, 1). Received: {name}={value}")
    return data


def check_keys(values: dict[str, Any], known: Any, where: str) -> None:
    """Raise a UserError naming the keys of `values` not in `known` (and `where` they are), listing the known ones."""
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise UserError(
            f"{where}: unknown key(s) {', '.join(unknown)}. Known keys: {', '.join(sorted(known)) or 'none'}. "
            "Remove or rename them."
        )


def _build(cls: type, values: dict[str, Any], where: str) -> Any:
    """Make dataclass `cls` from a dict, rejecting keys it does not have."""
    check_keys(values, [f.name for f in dataclasses.fields(cls)], where)
    if "image_size" in values and values["image_size"] is not None:
        values = {**values, "image_size": tuple(values["image_size"])}
    return cls(**values)


# Data choices that runs made before they were data settings stored as model options: option -> DataConfig field
MOVED_TO_DATA = {"words": "dataset", "pairs": "dataset", "target": "target"}


def with_data_choices_moved(values: dict[str, Any], options_key: str = "model_options") -> dict[str, Any]:
    """A config's JSON form with the data choices of older runs (model options words, pairs, target) moved into
    its data section; a data value already set (a trained run's dataset name) is kept."""
    options, data = values.get(options_key), values.get("data", {})
    if not (isinstance(options, dict) and isinstance(data, dict) and set(options) & set(MOVED_TO_DATA)):
        return values  # nothing to move, or a damaged config that its readers describe
    data = dict(data)
    for option_name, field_name in MOVED_TO_DATA.items():
        if option_name in options and data.get(field_name) is None:
            data[field_name] = options[option_name]
    kept = {name: value for name, value in options.items() if name not in MOVED_TO_DATA}
    return {**values, options_key: kept, "data": data}


def config_from_dict(values: dict[str, Any], where: str = "config") -> RunConfig:
    """Rebuild a RunConfig from its JSON form (older runs' data choices moved to the data section)."""
    values = with_data_choices_moved(dict(values))
    if "model" not in values:
        raise UserError(f"{where}: the key 'model' is missing")
    data = _build(DataConfig, values.pop("data", {}), f"{where} [data]")
    train = _build(TrainConfig, values.pop("train", {}), f"{where} [train]")
    return _build(RunConfig, {**values, "data": data, "train": train}, where)


def save_config(config: RunConfig, path: Path) -> None:
    """Write the config as readable JSON."""
    Path(path).write_text(json.dumps(dataclasses.asdict(config), indent=2) + "\n")


def with_overrides(config: RunConfig, train: dict[str, Any] | None = None, **top: Any) -> RunConfig:
    """Return a copy with some training values (and top-level fields) replaced."""
    new_train = dataclasses.replace(config.train, **(train or {}))
    return dataclasses.replace(config, train=new_train, **top)
