"""`classicnets predict RUN_DIR IMAGE...`: the predicted class of each image file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from classicnets.cli.common import HelpFormatter

EXAMPLES = """examples:
  classicnets predict runs/cnn-mnist my_digit.png
  classicnets predict runs/cnn-mnist photos/*.jpg --top 5
  classicnets predict runs/cnn-mnist a.png b.png --json
"""


def add_parser(subparsers: Any) -> None:
    """Register `predict`."""
    parser = subparsers.add_parser("predict", help="classify image files with a trained run", epilog=EXAMPLES,
                                   formatter_class=HelpFormatter,
                                   description="Classify image files (any size or mode; converted to the run's input).")
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    parser.add_argument("images", nargs="+", metavar="IMAGE")
    parser.add_argument("--top", type=int, default=3, help="how many classes to list per image (default: 3)")
    parser.add_argument("--json", action="store_true",
                        help='print a JSON list of {"file", "label", "confidence", "top_k"}')
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per image (or JSON)."""
    from classicnets import runs
    from classicnets.errors import UserError
    from classicnets.inference import predict_files

    if args.top < 1:
        raise UserError(f"--top must be at least 1. Received: --top {args.top}")
    run_dir = runs.open_run(args.run_dir)
    config = runs.read_config(run_dir)
    results = predict_files(runs.load_model(run_dir), config, args.images, k=args.top)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for result in results:
        others = ", ".join(f"{t['label']} {t['probability']:.1%}" for t in result["top_k"][1:])
        print(f"{result['file']}: {result['label']} ({result['confidence']:.1%})" + (f"  [then {others}]" if others else ""))
    return 0
