"""`classicnets evaluate RUN_DIR`: test metrics of a trained run, on its data or another dataset."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from classicnets.cli.common import HelpFormatter

EXAMPLES = """examples:
  classicnets evaluate runs/mlp-mnist-20261122-101500
  classicnets evaluate runs/cnn-mnist --dataset ./my_digits_folder
  classicnets evaluate runs/cnn-mnist --json
"""


def add_parser(subparsers: Any) -> None:
    """Register `evaluate`."""
    parser = subparsers.add_parser("evaluate", help="metrics of a trained run on a test split", epilog=EXAMPLES,
                                   formatter_class=HelpFormatter, description="Evaluate a trained run.")
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    parser.add_argument("--dataset", help="evaluate on this dataset's test split instead of the run's own; images of "
                        "another size or colour are converted to the run's, and a note says so")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the run's test metrics (for classifiers: accuracy, loss and per-class accuracy)."""
    from classicnets.experiment import evaluate_run

    result = evaluate_run(args.run_dir, args.dataset)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    test = result["test"]
    print(f"{result['dataset']} ({result['source']}): {test.get('num_examples', '?')} test examples")
    print(result["summary"])
    for name, accuracy in test.get("per_class_accuracy", {}).items():
        print(f"  {name:>20}: {accuracy:.4f}")
    return 0
