"""`classicnets generate RUN_DIR --out FILE.png`: a grid of images drawn by a trained gan or cgan run."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from classicnets.cli.common import HelpFormatter

EXAMPLES = """examples:
  classicnets generate runs/cgan-mnist --label 7 --n 16 --out sevens.png
  classicnets generate runs/cgan-fashion-mnist --label all --n 8 --out classes.png   # one row per class
  classicnets generate runs/gan-mnist --n 64 --seed 3 --out samples.png
"""


def add_parser(subparsers: Any) -> None:
    """Register `generate`."""
    parser = subparsers.add_parser("generate", help="draw images with a trained gan or cgan run", epilog=EXAMPLES,
                                   formatter_class=HelpFormatter,
                                   description="Draw images with a trained gan or cgan run and save them as a grid.")
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    parser.add_argument("--label", help="cgan only: a class name or index, or 'all' for one row per class "
                        "(default: all)")
    parser.add_argument("--n", type=int, default=16, help="images (per class with --label all), at most 10,000 in "
                        "all (default: 16)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the noise: same seed, same images (default: 0)")
    parser.add_argument("--out", type=Path, required=True, help="the PNG file to write")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists (default: refuse)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the grid and say where it is."""
    from classicnets.use.generation import generate_to_file

    path = generate_to_file(args.run_dir, args.out, args.label, args.n, args.seed, force=args.force)
    print(f"wrote {path}")
    return 0
