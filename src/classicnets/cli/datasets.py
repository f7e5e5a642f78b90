"""`classicnets datasets`: the known datasets, where each was found, sizes and shapes."""

from __future__ import annotations

import argparse
import json
from typing import Any

from classicnets.cli.common import HelpFormatter

EXAMPLES = """examples:
  classicnets datasets
  classicnets datasets --data-dir ~/data/mnist --json
"""


def add_parser(subparsers: Any) -> None:
    """Register `datasets`."""
    parser = subparsers.add_parser("datasets", help="list the datasets and where they are", epilog=EXAMPLES,
                                   formatter_class=HelpFormatter, description="List the known datasets.")
    parser.add_argument("--data-dir", help="also look in this folder")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print one block per dataset."""
    from classicnets.data import list_datasets

    rows = list_datasets(args.data_dir)
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
        return 0
    for row in rows:
        status = "available" if row.get("available") else "not found"
        print(f"{row['name']}: {status} - {row.get('description', '')}")
        print(f"    where: {row.get('where', '')}")
        for key in ("train", "test", "shape", "train_size", "test_size", "sample_shape", "classes"):
            if row.get(key) is not None:
                print(f"    {key}: {row[key]}")
    print("Any folder of class sub-folders of images, or a CSV with a 'label' column, also works: --dataset PATH")
    return 0
