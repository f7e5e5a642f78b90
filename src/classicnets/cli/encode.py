"""`classicnets encode RUN_DIR --out FEATURES.npz`: an autoencoder's codes of a dataset, with the labels."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from classicnets.cli.common import HelpFormatter

EXAMPLES = """examples:
  classicnets encode runs/autoencoder-fashion-mnist --out codes.npz
  classicnets encode runs/autoencoder-mnist --dataset ./my_digits --out my_codes.npz
  classicnets train softmax --dataset codes.npz        # a classifier on the codes
"""


def add_parser(subparsers: Any) -> None:
    """Register `encode`."""
    parser = subparsers.add_parser("encode", help="save an autoencoder's codes of a dataset as .npz",
                                   epilog=EXAMPLES, formatter_class=HelpFormatter,
                                   description="Encode a dataset's train and test splits with a trained autoencoder "
                                               "run; the .npz holds x_train, y_train, x_test, y_test (codes and "
                                               "labels) and class_names.")
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    parser.add_argument("--dataset", help="encode this dataset instead of the run's own")
    parser.add_argument("--out", type=Path, required=True, help=".npz file to write")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists (default: refuse)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the codes; print their size and where they are."""
    from classicnets.use.autoencoding import encode_run

    result = encode_run(args.run_dir, args.out, args.dataset, force=args.force)
    print(f"{result['dataset']}: {result['train']} train and {result['test']} test codes of size "
          f"{result['code_size']} -> {result['out']}")
    return 0
