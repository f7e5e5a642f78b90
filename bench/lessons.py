"""Train the first lessons (linear-regression, linear-classifier, tabular) with the CLI; print a table.

    python bench/lessons.py --out /tmp/lessons-bench [--seeds 0,1,2,3,4] [--only line,clouds]

Each row is one `classicnets train ...` command (a subprocess, timed end to end) and the figures from its
metrics.json; every command runs once per seed. The numbers go to bench/README.md."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = {  # name -> arguments after `classicnets train`
    "line": ["linear-regression"],
    "clouds": ["linear-classifier"],
    "fur-wings": ["tabular"],
    "fur-wings-one-layer": ["tabular", "--hidden", ""],
    "fur-wings-one-layer-400": ["tabular", "--hidden", "", "--epochs", "400"],
}


def figures(metrics: dict) -> str:
    """The figure reported for one run: predictions and W, b (regression) or test accuracy."""
    test = metrics["test"]
    if "mse" in test:
        predictions = ", ".join(f"{value:.4f}" for value in test.get("predictions", []))
        weights = ", ".join(f"{value:.4f}" for value in metrics["W"].values())
        return f"predictions [{predictions}], W [{weights}], b {metrics['b']:.4f}, test MSE {test['mse']:.2e}"
    return f"test accuracy {test['accuracy']:.4f} ({test['num_examples']} examples)"


def run_one(name: str, arguments: list[str], seed: int, out: Path) -> dict:
    """Train one command into out/name-seed; returns its row."""
    run_dir = out / f"{name}-seed{seed}"
    command = ["classicnets", "train", *arguments, "--seed", str(seed), "--quiet", "--run-dir", str(run_dir)]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - started
    metrics = json.loads((run_dir / "metrics.json").read_text())
    shown = " ".join(repr(a) if a == "" else a for a in command[:-2])
    return {"command": shown, "epochs": metrics["epochs"], "train_seconds": metrics["train_seconds"],
            "wall_seconds": wall, "figures": figures(metrics)}


def main() -> int:
    """Run every command for every seed and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="folder for the run directories (must be new)")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds (default: 0)")
    parser.add_argument("--only", help=f"comma-separated commands to run (default: all of {', '.join(COMMANDS)})")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=False)
    chosen = args.only.split(",") if args.only else list(COMMANDS)
    rows = [run_one(name, COMMANDS[name], int(seed), args.out) for name in chosen for seed in args.seeds.split(",")]
    print("| command | epochs | train s | wall s | figures |\n|---|---|---|---|---|")
    for row in rows:
        print(f"| `{row['command']}` | {row['epochs']} | {row['train_seconds']:.1f} | {row['wall_seconds']:.1f} | "
              f"{row['figures']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
