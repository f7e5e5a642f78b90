"""`classicnets translate RUN_DIR WORD...`: a seq2seq run's translation of each word."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from classicnets.cli.common import HelpFormatter

EXAMPLES = """examples:
  classicnets train seq2seq --run-dir runs/korean                 # the bundled English -> Korean pairs
  classicnets train seq2seq --pairs my_pairs.tsv --run-dir runs/mine
  classicnets translate runs/korean word
  classicnets translate runs/korean love kiss girl --json
"""


def add_parser(subparsers: Any) -> None:
    """Register `translate`."""
    parser = subparsers.add_parser("translate", help="translate words with a seq2seq run", epilog=EXAMPLES,
                                   formatter_class=HelpFormatter,
                                   description="Translate words letter by letter (greedy decoding, dropout off).")
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    parser.add_argument("words", nargs="+", metavar="WORD")
    parser.add_argument("--json", action="store_true", help='print a JSON list of {"word", "translation", "probability"}')
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per word: the word, its translation and that output's probability."""
    from classicnets.use.translation import translate_in_run

    results = translate_in_run(args.run_dir, args.words)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return 0
    for result in results:
        print(f"{result['word']} -> {result['translation']}  ({result['probability']:.1%})")
    return 0
