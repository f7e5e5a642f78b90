"""Train gan and cgan on Fashion-MNIST and on the 10,000 real MNIST test digits (split 8,000 train / 2,000 test),
then print the judge's numbers (agreement per class, class spread, Frechet distance per grid epoch) as Markdown.

    python bench/gans.py --out bench-gans [--runs cgan-fashion,gan-mnist] [--mnist /work/shared/data/mnist]

Judges are cached in ~/.cache/classicnets/judges ($CLASSICNETS_CACHE); the first run on a dataset trains one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

EPOCHS = {"fashion": 20, "mnist": 30}  # MNIST here is 8,000 training digits: 1/7 of Fashion-MNIST's epoch
GRID_EVERY = {"fashion": 2, "mnist": 5}
TARGETS = {"cgan-fashion": 0.80, "cgan-mnist": 0.90}


def train(name: str, dataset: str, out: Path) -> tuple[dict, float]:
    """`classicnets train gan|cgan` for one run; returns its metrics and the command's wall time."""
    model, data = name.split("-")[:2]
    command = [sys.executable, "-m", "classicnets", "train", model, "--dataset", dataset, "--epochs",
               str(EPOCHS[data]), "--samples-every", str(GRID_EVERY[data]), "--run-dir", str(out / name), "--quiet"]
    print("$", " ".join(command[2:]), flush=True)
    started = time.perf_counter()
    subprocess.run(command, check=True)
    return json.loads((out / name / "metrics.json").read_text()), time.perf_counter() - started


def describe(name: str, metrics: dict, wall: float) -> list[str]:
    """Markdown lines for one run."""
    test = metrics["test"]
    target = TARGETS["-".join(name.split("-")[:2])] if name.startswith("cgan") else None
    agreement = f"{test['judge_agreement']:.4f} (target {target:.2f})" if target else "-"
    lines = [f"### {name}", "",
             f"{metrics['epochs']} epochs, {metrics['train_seconds']:.0f} s training ({metrics['seconds_per_epoch']:.1f} "
             f"s/epoch), {wall:.0f} s wall with judge and plots; judge test accuracy {test['judge_test_accuracy']:.4f}",
             "", f"- judge agreement: {agreement}",
             f"- Frechet distance: {test['frechet_distance']:.2f} (real train vs test: "
             f"{test['frechet_distance_real_train_vs_test']:.2f}); by epoch: "
             + ", ".join(f"{e}: {d:.1f}" for e, d in metrics["frechet_distance_by_epoch"].items()),
             f"- judge confidence {test['judge_confidence']:.3f}, largest class {test['largest_class_share']:.1%}, "
             f"missing: {', '.join(test['missing_classes']) or 'none'}", "",
             "| class | " + " | ".join(test["class_spread"]) + " |", "|---" * (len(test["class_spread"]) + 1) + "|",
             "| share | " + " | ".join(f"{v:.3f}" for v in test["class_spread"].values()) + " |"]
    if "per_class_agreement" in test:
        lines.append("| agreement | " + " | ".join(f"{v:.3f}" for v in test["per_class_agreement"].values()) + " |")
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="folder for the run directories")
    parser.add_argument("--runs", default="cgan-fashion,cgan-mnist,gan-fashion,gan-mnist")
    parser.add_argument("--mnist", default="/work/shared/data/mnist", help="folder of the MNIST t10k IDX files")
    parser.add_argument("--report-only", action="store_true", help="only print the numbers of finished runs in --out")
    args = parser.parse_args()
    datasets = {"fashion": "fashion-mnist", "mnist": args.mnist}
    report = []
    for name in args.runs.split(","):  # <model>-<data>[-anything]
        if args.report_only:
            metrics, wall = json.loads((args.out / name / "metrics.json").read_text()), float("nan")
        else:
            metrics, wall = train(name, datasets[name.split("-")[1]], args.out)
        report += describe(name, metrics, wall)
    print("\n".join(report))


if __name__ == "__main__":
    main()
