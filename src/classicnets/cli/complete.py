"""`classicnets complete RUN_DIR PREFIX...`: the most likely whole words an autocomplete run finds."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from classicnets.cli.common import HelpFormatter

EXAMPLES = """examples:
  classicnets train autocomplete --run-dir runs/words             # the bundled English list
  classicnets train autocomplete --words my_words.txt --run-dir runs/mine
  classicnets complete runs/words wor
  classicnets complete runs/words wor ki --top 5 --json
"""


def add_parser(subparsers: Any) -> None:
    """Register `complete`."""
    parser = subparsers.add_parser("complete", help="complete words with an autocomplete run", epilog=EXAMPLES,
                                   formatter_class=HelpFormatter,
                                   description="Complete the first letters of words to the most likely whole words.")
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    parser.add_argument("prefixes", nargs="+", metavar="PREFIX", help="the first letters of a word")
    parser.add_argument("--top", type=int, default=3, help="how many candidates to list (default: 3)")
    parser.add_argument("--json", action="store_true", help='print a JSON list of {"prefix", "word", "candidates"}')
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print each prefix's best word and the other candidates with their probabilities."""
    from classicnets.errors import UserError
    from classicnets.use.completion import complete_in_run

    if args.top < 1:
        raise UserError(f"--top must be at least 1. Received: --top {args.top}")
    results = complete_in_run(args.run_dir, args.prefixes, args.top)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return 0
    for result in results:
        candidates = ", ".join(f"{c['word']} {c['probability']:.1%}" for c in result["candidates"])
        print(f"{result['prefix']} -> {result['word']}  [{candidates}]")
    return 0
