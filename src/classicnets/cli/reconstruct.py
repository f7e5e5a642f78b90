"""`classicnets reconstruct RUN_DIR [IMAGE...]`: originals above an autoencoder's reconstructions, as a PNG."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from classicnets.cli.common import HelpFormatter

EXAMPLES = """examples:
  classicnets reconstruct runs/autoencoder-fashion-mnist                  # 10 test images
  classicnets reconstruct runs/autoencoder-fashion-mnist --n 20 --out grid.png
  classicnets reconstruct runs/autoencoder-fashion-mnist shirt.png boot.jpg
"""


def add_parser(subparsers: Any) -> None:
    """Register `reconstruct`."""
    parser = subparsers.add_parser("reconstruct", help="draw images and an autoencoder's reconstructions",
                                   epilog=EXAMPLES, formatter_class=HelpFormatter,
                                   description="Draw images (yours, or the first test images) above their "
                                               "reconstructions by a trained autoencoder run.")
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    parser.add_argument("images", nargs="*", metavar="IMAGE", help="image files or folders of them (default: the run's "
                        "test images)")
    parser.add_argument("--n", type=int, default=10, help="how many test images (default: 10)")
    parser.add_argument("--dataset", help="take the test images of this dataset instead of the run's own")
    parser.add_argument("--out", type=Path, help="PNG to write (default: RUN_DIR/plots/reconstruct.png, replaced each "
                        "time)")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists (default: refuse)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the grid; print where it is and the reconstruction MSE."""
    from classicnets.use.autoencoding import reconstruct_run

    out = args.out or args.run_dir / "plots" / "reconstruct.png"
    result = reconstruct_run(args.run_dir, out, args.images, args.n, args.dataset, force=args.force or args.out is None)
    print(f"{result['images']} images, reconstruction MSE {result['mse']:.4f} per pixel -> {result['out']}")
    return 0
