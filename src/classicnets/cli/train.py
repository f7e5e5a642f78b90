"""`classicnets train MODEL`: parse flags, build the config, call train_and_evaluate."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from classicnets.cli.common import (
    HelpFormatter, PrintConfig, add_dataclass_options, finite_float, given_options, help_text_of, image_size,
)
from classicnets.config import (
    DISTRIBUTE, JIT_COMPILE, MAX_EPOCHS, MAX_IMAGE_SIDE, OPTIMIZERS, PRECISIONS, SCHEDULES, SMALL_SET_LEARNING_RATE, RunConfig, TrainConfig,
)
from classicnets.errors import UserError
from classicnets.models import get_spec, model_names

EXAMPLES = """examples:
  classicnets train mlp --epochs 5
  classicnets train cnn --dataset fashion-mnist --epochs 3 --run-dir runs/cnn-fashion
  classicnets train mlp --hidden 256,256 --initializer random_normal --dropout 0 --activation relu
  classicnets train rnn --cell gru --units 64 --dataset digits
  classicnets train softmax --dataset ./my_images --image-size 28 --color grayscale
  classicnets train --network my_net.py:build --dataset fashion-mnist   # your own Keras network
  classicnets train cnn --run-dir runs/cnn-fashion --resume --epochs 6    # continue (and extend) a run
  classicnets train cnn --config cnn.toml --lr 0.01    # settings from a TOML file; flags override it
  classicnets train cnn --config runs/cnn-fashion/config.json --run-dir runs/cnn-again   # train a run again
  classicnets train cnn --dataset digits --print-config > cnn.toml   # every setting, as TOML
"""

TRAIN_FLAGS = {  # flag -> TrainConfig field
    "epochs": "epochs", "batch_size": "batch_size", "lr": "learning_rate", "optimizer": "optimizer",
    "schedule": "schedule", "seed": "seed", "early_stopping": "early_stopping", "steps_per_execution": "steps_per_execution",
    "distribute": "distribute", "jit_compile": "jit_compile", "test_every_epoch": "test_every_epoch",
    "precision": "precision",
}
FLAG_OF = {field: flag for flag, field in TRAIN_FLAGS.items()}  # setting -> flag, where they differ (lr)


def add_parser(subparsers: Any) -> None:
    """Register `train` with one sub-command per model, each with its own options."""
    parser = subparsers.add_parser("train", help="train a model into a run directory", epilog=EXAMPLES,
                                   formatter_class=HelpFormatter, description="Train a model into a run directory.")
    models = parser.add_subparsers(dest="model", metavar="MODEL", required=True)
    for name in model_names():
        spec = get_spec(name)
        sub = models.add_parser(name, help=help_text_of(spec.summary), epilog=EXAMPLES, formatter_class=HelpFormatter,
                                description=f"Train {name}: {spec.summary}.")
        add_common_flags(sub, spec)
        add_dataclass_options(sub, spec.options, f"{name} options")
        sub.set_defaults(handler=run)


def add_common_flags(parser: argparse.ArgumentParser, spec: Any) -> None:
    """Data, training and run-directory flags shared by every model, with `spec`'s own defaults."""
    data = parser.add_argument_group("data")
    data.add_argument("--dataset", help="mnist, fashion-mnist, digits, a folder of class sub-folders, a .csv or .npz "
                      "(default: mnist when available, else the bundled digits)")
    if spec.dataset_alias:
        alias, alias_help = spec.dataset_alias
        data.add_argument(f"--{alias}", help=help_text_of(alias_help))
    if spec.target_help:
        data.add_argument("--target", metavar="COLUMN", help=help_text_of(spec.target_help))
    data.add_argument("--data-dir", help="folder holding the dataset's files (IDX .gz or Keras .npz)")
    data.add_argument("--image-size", type=image_size, help="size images of a folder are converted to, e.g. 28 or 32x24 "
                      f"(each side at most {MAX_IMAGE_SIDE})")
    data.add_argument("--color", choices=("grayscale", "rgb"), help="colour mode for images of a folder")
    data.add_argument("--stream", choices=("auto", "on", "off"), help="image folders are decoded once into a cache "
                      "($CLASSICNETS_CACHE/images, default ~/.cache/classicnets/images; `classicnets cache` lists and "
                      "clears it); on: read the images from there a batch at a time, in bounded memory; off: hold them "
                      "in memory; auto (default): hold them in memory when they fit 256 MiB")
    data.add_argument("--skip-bad-images", action="store_true", default=None,
                      help="train without the files of an image folder that cannot be read (default: refuse them, "
                      "naming them)")
    data.add_argument("--test-fraction", type=finite_float, help="test share for data without a test split (default: 0.2)")
    data.add_argument("--validation-fraction", type=finite_float, help="share of training data held out (default: 0.1)")
    train = parser.add_argument_group("training")
    defaults = TrainConfig(**spec.train_defaults)
    train.add_argument("--epochs", type=int, help=f"passes over the training data, at most {MAX_EPOCHS:,} "
                       f"(default: {defaults.epochs})")
    batch = (str(defaults.batch_size) if defaults.batch_size is not None else
             "128; a training set under 6,400 examples gets the largest power of two that still makes 50 steps an "
             "epoch, at least 16; config.json keeps the value used")
    train.add_argument("--batch-size", type=int, help=f"examples per step (default: {batch})")
    rate = (f"{defaults.learning_rate:g}" if defaults.learning_rate is not None else
            f"{spec.learning_rate:g}; {SMALL_SET_LEARNING_RATE:g} when the default batch size is lowered for a small "
            "training set")
    train.add_argument("--lr", type=finite_float, help=f"learning rate (default: {rate})")
    train.add_argument("--optimizer", choices=OPTIMIZERS, help=f"(default: {defaults.optimizer})")
    train.add_argument("--schedule", choices=SCHEDULES, help="learning rate: constant, or cosine decay to 0 "
                       f"over the epochs (default: {defaults.schedule}; the notes use constant)")
    train.add_argument("--seed", type=int, help="seed of every random choice, 0 to 2**32 - 1 "
                       f"(default: {defaults.seed})")
    train.add_argument("--early-stopping", type=int, metavar="PATIENCE",
                       help="stop when validation loss has not improved for PATIENCE epochs and keep the weights "
                       "of the epoch with the lowest validation loss (default: off)")
    train.add_argument("--steps-per-execution", type=int, help=f"steps per compiled call (default: {defaults.steps_per_execution})")
    train.add_argument("--distribute", choices=DISTRIBUTE, help="TensorFlow strategy: mirrored = all local devices, "
                       "multi-worker = the cluster in TF_CONFIG (default: none)")
    train.add_argument("--jit-compile", choices=JIT_COMPILE, help="XLA-compile each step on one device; auto: for "
                       f"models without convolution/recurrent layers (default: {defaults.jit_compile})")
    train.add_argument("--precision", choices=PRECISIONS, help="arithmetic of training; auto: bfloat16 with float32 "
                       "weights for convolutional classifiers on a CPU with bfloat16 instructions, else float32; the "
                       "saved model is float32 (default: auto)")
    train.add_argument("--test-every-epoch", action="store_const", const=True,
                       help="also measure the test split after every epoch: test_* columns and the epoch's end "
                       "(wall_time, Unix seconds) in history.csv")
    settings = parser.add_argument_group("config file")
    settings.add_argument("--config", type=Path, metavar="FILE", help="read the settings from a TOML file: "
                          "[model_options] (or [options]), [data], [train] and an optional model = line, keys named "
                          "as in Python (learning_rate); a run's config.json works too; flags given override it")
    settings.add_argument("--print-config", action=PrintConfig, help="print every setting of the run as TOML (what "
                          "--config reads) and exit without training")
    run = parser.add_argument_group("run directory")
    run.add_argument("--run-dir", type=Path, help="where the run is written (default: runs/<model>-<dataset>-<time>)")
    run.add_argument("--resume", action="store_true", help="continue the interrupted run in --run-dir")
    run.add_argument("--quiet", action="store_true", help="no per-epoch progress; only the summary line")


def given(args: argparse.Namespace, names: Any) -> dict[str, Any]:
    """The flags among `names` that the user set."""
    return {name: getattr(args, name) for name in names if getattr(args, name) is not None}


def flag_of(name: str) -> str:
    """The flag of a setting: learning_rate -> --lr, batch_size -> --batch-size, code_size -> --code-size."""
    return "--" + FLAG_OF.get(name, name).replace("_", "-")


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """The run's config from the flags given (over the --config file's); with --resume, the stored run's."""
    from classicnets import runs
    from classicnets.settings import build_run_config, data_setting_names

    if args.resume and args.run_dir is None:
        raise UserError("--resume needs --run-dir: the folder of the run to continue")
    stored = runs.read_config(runs.open_run(args.run_dir)) if args.resume else None
    train = {TRAIN_FLAGS[flag]: value for flag, value in given(args, TRAIN_FLAGS).items()}
    spec = get_spec(args.model)
    return build_run_config(args.model, given_options(args, spec.options), given(args, data_setting_names(spec)),
                            train, stored, config_file=args.config, run_dir=args.run_dir)


def run(args: argparse.Namespace) -> int:
    """Train and evaluate; prints progress and a one-line summary (or, with --print-config, the settings)."""
    config = config_from_args(args)
    if args.print_config:
        from classicnets.settings import run_config_toml

        print(run_config_toml(config), end="")
        return 0
    from classicnets.experiment import train_and_evaluate

    train_and_evaluate(config, args.run_dir, resume=args.resume, verbose=not args.quiet)
    return 0


def network_shorthand(argv: list[str]) -> list[str]:
    """`classicnets train --network FILE ...` is `classicnets train network --network FILE ...`."""
    if len(argv) > 1 and argv[0] == "train" and argv[1].split("=")[0] == "--network":
        return ["train", "network", *argv[1:]]
    return argv
