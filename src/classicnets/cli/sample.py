"""`classicnets sample RUN_DIR --n 16 --out FILE.png`: new images from a variational autoencoder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from classicnets.cli.common import HelpFormatter

EXAMPLES = """examples:
  classicnets sample runs/autoencoder-variational --n 16 --out samples.png
  classicnets sample runs/autoencoder-variational --n 64 --seed 3 --out more.png
"""


def add_parser(subparsers: Any) -> None:
    """Register `sample`."""
    parser = subparsers.add_parser("sample", help="draw new images with a variational autoencoder run",
                                   epilog=EXAMPLES, formatter_class=HelpFormatter,
                                   description="Decode codes drawn from N(0, I) with a `--kind variational` "
                                               "autoencoder run into a grid of new images.")
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    parser.add_argument("--n", type=int, default=16, help="how many images, at most 10,000 (default: 16)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the drawn codes (default: 0)")
    parser.add_argument("--out", type=Path, help="PNG to write (default: RUN_DIR/plots/sample.png, replaced each time)")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists (default: refuse)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the grid; print where it is."""
    from classicnets.use.autoencoding import sample_run

    out = args.out or args.run_dir / "plots" / "sample.png"
    result = sample_run(args.run_dir, out, args.n, args.seed, force=args.force or args.out is None)
    print(f"{result['samples']} samples of shape {tuple(result['shape'])} -> {result['out']}")
    return 0
