"""`classicnets models`: the model families and their options."""

from __future__ import annotations

import argparse
from typing import Any

from classicnets.cli.common import HelpFormatter, format_default


def add_parser(subparsers: Any) -> None:
    """Register `models`."""
    parser = subparsers.add_parser("models", help="list the models and their options", formatter_class=HelpFormatter,
                                   description="List the model families and their options.",
                                   epilog="examples:\n  classicnets models\n  classicnets train mlp --help\n")
    parser.set_defaults(handler=run, needs_tensorflow=False)


def run(args: argparse.Namespace) -> int:
    """Print each model and its options with defaults."""
    from classicnets.models import describe_options, get_spec, model_names

    for name in model_names():
        spec = get_spec(name)
        print(f"{name}: {spec.summary}")
        if spec.train_defaults:
            print("    trains with: " + ", ".join(f"{key} {value}" for key, value in spec.train_defaults.items()))
        for flag, help_text in data_flags(spec):
            print(f"    {flag:<18} {help_text}")
        for row in describe_options(spec):
            flag = "--" + row["name"].replace("_", "-")
            print(f"    {flag:<18} {row['help']} (default: {format_default(row['default'])})")
    print("Common to all: --dataset --epochs --batch-size --lr --optimizer --seed --early-stopping --run-dir --resume")
    return 0


def data_flags(spec: Any) -> list[tuple[str, str]]:
    """(flag, help) of the data flags a family has beyond --dataset: its name for its dataset, --target."""
    flags = [(f"--{spec.dataset_alias[0]}", spec.dataset_alias[1])] if spec.dataset_alias else []
    return flags + ([("--target", spec.target_help)] if spec.target_help else [])
