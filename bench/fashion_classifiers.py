"""Train softmax, mlp, cnn and rnn on the real Fashion-MNIST (apt-get install dataset-fashion-mnist)
with the CLI, then print test accuracy, epochs and seconds per epoch as a Markdown table.

    python bench/fashion_classifiers.py --out bench-runs [--models softmax,mlp] [--epochs-scale 1.0]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

EPOCHS = {"softmax": 20, "mlp": 20, "cnn": 15, "rnn": 15}
TARGETS = {"softmax": 0.84, "mlp": 0.89, "cnn": 0.92, "rnn": 0.88}


def train(model: str, epochs: int, out: Path) -> tuple[dict, float]:
    """Run `classicnets train` for one model; returns its metrics and the command's wall time."""
    run_dir = out / f"{model}-fashion"
    command = [sys.executable, "-m", "classicnets", "train", model, "--dataset", "fashion-mnist",
               "--epochs", str(epochs), "--run-dir", str(run_dir), "--quiet"]
    print("$", " ".join(command[2:]), flush=True)
    started = time.perf_counter()
    subprocess.run(command, check=True)
    return json.loads((run_dir / "metrics.json").read_text()), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="folder for the run directories (must not exist)")
    parser.add_argument("--models", default="softmax,mlp,cnn,rnn")
    parser.add_argument("--epochs-scale", type=float, default=1.0)
    args = parser.parse_args()
    rows = ["| model | epochs | test accuracy | target | s/epoch | samples/s | wall s |", "|---|---|---|---|---|---|---|"]
    for model in args.models.split(","):
        epochs = max(1, round(EPOCHS[model] * args.epochs_scale))
        metrics, wall = train(model, epochs, args.out)
        rows.append(f"| {model} | {metrics['epochs']} | {metrics['test']['accuracy']:.4f} | {TARGETS[model]:.2f} | "
                    f"{metrics['seconds_per_epoch']:.1f} | {metrics['samples_per_second']:.0f} | {wall:.0f} |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
