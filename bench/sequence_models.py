"""Train autocomplete and seq2seq on the notes' data and on the bundled lists with the CLI; print a table.

    python bench/sequence_models.py --out /tmp/sequence-bench

Each row is one `classicnets train ...` command (run as a subprocess, timed end to end) and the figures
from its metrics.json. The numbers go to bench/README.md."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ALL_TRAINED = ["--test-fraction", "0", "--validation-fraction", "0", "--batch-size", "2", "--epochs", "30"]
COMMANDS = {  # name -> arguments after `classicnets train`
    "autocomplete-notes": ["autocomplete", "--words", "notes", *ALL_TRAINED],
    "autocomplete-english": ["autocomplete"],
    "seq2seq-notes": ["seq2seq", "--pairs", "notes", *ALL_TRAINED],
    "seq2seq-english-korean": ["seq2seq"],
}


def figures(metrics: dict) -> str:
    """The figures reported for one run, from its's metrics.json."""
    train, test = metrics["train"], metrics["test"]
    if "completion_accuracy" in train:
        text = (f"completes {train['completion_accuracy']:.1%} of {train['completed_words']} training words "
                f"({train['completion_accuracy_unambiguous']:.1%} of {train['unambiguous_words']} unambiguous)")
        if test["num_examples"]:
            text += (f"; held-out next letter top-1 {test['next_letter_accuracy']:.1%}, "
                     f"top-3 {test['next_letter_top3_accuracy']:.1%} ({test['num_examples']} words)")
        return text
    text = f"{train['exact_match']:.1%} of {train['num_examples']} training pairs exact"
    held = [metrics[name] for name in ("validation", "test") if metrics[name]["num_examples"]]
    if held:
        pairs = sum(part["num_examples"] for part in held)
        right = sum(part["exact_match"] * part["num_examples"] for part in held)
        text += f"; held-out {right / pairs:.1%} of {pairs}"
    return text


def main() -> int:
    """Run every command, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the run directories (must not exist)")
    args = parser.parse_args()
    print("| command | epochs | train s | wall s | figures |\n|---|---|---|---|---|")
    for name, arguments in COMMANDS.items():
        command = ["classicnets", "train", *arguments, "--quiet", "--run-dir", str(args.out / name)]
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        metrics = json.loads((args.out / name / "metrics.json").read_text())
        shown = " ".join(command[:-2])
        print(f"| `{shown}` | {metrics['epochs']} | {metrics['train_seconds']:.1f} | {wall:.1f} | {figures(metrics)} |")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
