"""Training on a large image folder: peak memory, time to the first step, epoch speed and test accuracy, with the
images read from the cache a batch at a time (first run: the cache is made; second run: it is there) and with
them held in memory, from one command per case.

    python bench/make_image_folder.py --count 100000 --out /tmp/photos-100k
    python bench/large_folders.py /tmp/photos-100k --cache /tmp/bench-cache --runs /tmp/bench-runs

Each case is `classicnets train cnn --dataset FOLDER --image-size 96 --color rgb --epochs 2 --stream ...` in its
own process, measured by bench/measure_training.py (resident memory of the process, sampled every 0.2 s)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from measure_training import run_measured, training_numbers  # noqa: E402

CASES = (  # name, --stream, whether the folder's cache is removed first
    ("streamed, first run (decodes into the cache)", "on", True),
    ("streamed, second run (cache there)", "on", False),
    ("in memory (--stream off, cache there)", "off", False),
)


def measure(folder: Path, name: str, stream: str, runs: Path, epochs: int, kill_above_gb: float) -> dict:
    """One case: its memory and times, and the run's own figures."""
    run = runs / f"{folder.name}-{stream}-{len(list(runs.glob('*')))}"
    command = ["classicnets", "train", "cnn", "--dataset", str(folder), "--image-size", "96", "--color", "rgb",
               "--epochs", str(epochs), "--stream", stream, "--run-dir", str(run), "--quiet"]
    result = run_measured(command, int(kill_above_gb * 2**30), 0.2)
    row = {"case": name, "peak_rss_gb": result["peak_rss_gb"], "wall_seconds": result["wall_seconds"],
           "exit_status": result["exit_status"], "rss_gb_timeline": result["rss_gb_timeline"]}
    if (run / "metrics.json").exists():
        metrics = json.loads((run / "metrics.json").read_text())
        row |= {key: round(metrics[key], 1) for key in ("data_seconds", "seconds_before_training")}
        row |= training_numbers(run)
    return row


def markdown(rows: list[dict]) -> str:
    """The rows as a table: memory, time to the first step, each epoch's seconds and test accuracy."""
    lines = ["| case | peak RSS (GB) | data (s) | to first step (s) | epoch seconds | test accuracy |",
             "| --- | ---: | ---: | ---: | --- | ---: |"]
    for row in rows:
        epochs = " / ".join(f"{seconds:.1f}" for seconds in row.get("epoch_seconds", []))
        lines.append(f"| {row['case']} | {row['peak_rss_gb']:.2f} | {row.get('data_seconds', '-')} | "
                     f"{row.get('seconds_before_training', '-')} | {epochs} | {row.get('test_accuracy', 0):.4f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a folder of class sub-folders of images")
    parser.add_argument("--cache", type=Path, required=True, help="CLASSICNETS_CACHE for the runs")
    parser.add_argument("--runs", type=Path, required=True, help="where the run folders go")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--kill-above-gb", type=float, default=20.0)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    os.environ["CLASSICNETS_CACHE"] = str(args.cache)
    args.runs.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, stream, fresh in CASES:
        if fresh:
            shutil.rmtree(args.cache / "images", ignore_errors=True)
        rows.append(measure(args.folder.resolve(), name, stream, args.runs, args.epochs, args.kill_above_gb))
        print(json.dumps(rows[-1]), flush=True)
    print(markdown(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
