"""`classicnets predict RUN_DIR IMAGE...` (or `--values 1,0` / `--csv FILE` for runs on tables of features)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from classicnets.cli.common import HelpFormatter

EXAMPLES = """examples:
  classicnets predict runs/cnn-mnist my_digit.png
  classicnets predict runs/cnn-mnist photos/*.jpg --top 5
  classicnets predict runs/cnn-mnist photos/                             # every image in a folder
  classicnets predict runs/cnn-mnist a.png b.png --json
  classicnets predict runs/linear-regression --values 3.5 --values 5     # one row per --values
  classicnets predict runs/tabular --values 1,0                          # fur=1, wings=0 -> mammal
  classicnets predict runs/tabular --csv animals.csv                     # every row of a CSV
"""


def add_parser(subparsers: Any) -> None:
    """Register `predict`."""
    parser = subparsers.add_parser("predict", help="use a trained run on image files or feature values",
                                   epilog=EXAMPLES, formatter_class=HelpFormatter,
                                   description="Classify image files (any size or mode; converted to the run's input),\n"
                                   "or predict from feature values with a run trained on a table.")
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    parser.add_argument("images", nargs="*", metavar="IMAGE", help="image files, or folders: their .png, .jpg, .bmp "
                        "and .gif files, by name")
    parser.add_argument("--values", action="append", metavar="V,V",
                        help="one row of comma-separated feature values, in the training CSV's column order "
                        "(repeat for more rows)")
    parser.add_argument("--csv", metavar="FILE", help="predict every row of a CSV with the training data's feature "
                        "columns (a target column in it is ignored)")
    parser.add_argument("--top", type=int, default=3, help="how many classes to list per input (default: 3)")
    parser.add_argument("--json", action="store_true",
                        help='print a JSON list: {"file", "label", "confidence", "top_k"} per image; '
                        '{"inputs", "value" or "label", ...} per row')
    parser.set_defaults(handler=run)
    take_options_between_images(parser)


def take_options_between_images(parser: argparse.ArgumentParser) -> None:
    """Let options and image files come in any order: with IMAGE optional, argparse alone would take no image
    after the first option (`predict RUN --top 5 a.png`)."""
    plain = parser.parse_known_args

    def parse_known_args(args: Any = None, namespace: Any = None) -> Any:
        parser.parse_known_args = plain  # parse_known_intermixed_args calls parse_known_args itself
        try:
            return parser.parse_known_intermixed_args(args, namespace)
        finally:
            parser.parse_known_args = parse_known_args

    parser.parse_known_args = parse_known_args


def run(args: argparse.Namespace) -> int:
    """Print one line per image or row (or JSON)."""
    from classicnets import runs
    from classicnets.errors import UserError
    from classicnets.use.inference import feature_rows, predict_files, predict_rows

    if args.top < 1:
        raise UserError(f"--top must be at least 1. Received: --top {args.top}")
    given = [name for name, value in (("IMAGE", args.images), ("--values", args.values), ("--csv", args.csv)) if value]
    if len(given) != 1:
        raise UserError("give image files, --values or --csv (exactly one of them); "
                        f"received {' and '.join(given) or 'none'}")
    run_dir = runs.open_run(args.run_dir, needs=("model",))
    config = runs.read_config(run_dir)
    if args.images:
        results = predict_files(runs.load_model(run_dir), config, args.images, k=args.top)
    else:
        rows = feature_rows(config, args.values, args.csv)
        results = predict_rows(runs.load_model(run_dir), config, rows, k=args.top)
    print(json.dumps(results, indent=2) if args.json else "\n".join(describe(result) for result in results))
    return 0


def describe(result: dict[str, Any]) -> str:
    """One line for one prediction."""
    name = result["file"] if "file" in result else ",".join(f"{v:g}" for v in result["inputs"])
    if "value" in result:
        return f"{name}: {result['value']:.4f}"
    if "scores" in result:
        return f"{name}: {result['label']} (score {', '.join(f'{s:.3f}' for s in result['scores'])})"
    others = ", ".join(f"{t['label']} {t['probability']:.1%}" for t in result["top_k"][1:])
    return f"{name}: {result['label']} ({result['confidence']:.1%})" + (f"  [then {others}]" if others else "")
