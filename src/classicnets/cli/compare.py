"""`classicnets compare RUN_DIR...`: one table of finished runs of any kind."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from classicnets.cli.common import HelpFormatter

EXAMPLES = """examples:
  classicnets compare runs/softmax-fashion runs/mlp-fashion runs/ae-classifier-fashion
  classicnets compare runs/*/ --json
"""


def add_parser(subparsers: Any) -> None:
    """Register `compare`."""
    parser = subparsers.add_parser("compare", help="one table of several runs", epilog=EXAMPLES,
                                   formatter_class=HelpFormatter,
                                   description="Compare finished runs: model, dataset, parameters, epochs, training "
                                               "seconds and each run's headline test number (accuracy for "
                                               "classifiers, per-pixel MSE for autoencoders).")
    parser.add_argument("run_dirs", type=Path, nargs="+", metavar="RUN_DIR")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the table."""
    from classicnets.judges.comparison import compare_runs, format_table

    rows = compare_runs(args.run_dirs)
    print(json.dumps(rows, indent=2) if args.json else format_table(rows))
    return 0
