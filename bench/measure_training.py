"""Run a command as a child process and measure it: peak resident memory of the process and its children,
wall seconds and exit status; for a `classicnets train` run also the run folder's seconds per epoch, samples
per second and test accuracy. A memory guard kills the child's process group when it passes a limit.

    CLASSICNETS_CACHE=/tmp/cache python bench/measure_training.py --json cnn.json -- \\
        classicnets train cnn --dataset photos --epochs 1 --run-dir runs/cnn-photos

The JSON goes to stdout (and to --json FILE); the child's own output goes to stderr.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterable

GB = 1024 ** 3
OUTPUT_LINES_KEPT = 15
TIMELINE_EVERY_S = 10.0  # seconds between the samples kept in the reported memory timeline


def process_tree(root: int) -> set[int]:
    """`root` and every process descended from it, read from /proc."""
    children: dict[int, list[int]] = collections.defaultdict(list)
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:  # the process ended while we looked
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])  # fields after "(name)": state, ppid, ...
            children[parent].append(int(entry.name))
    tree, waiting = set(), [root]
    while waiting:
        pid = waiting.pop()
        tree.add(pid)
        waiting.extend(children[pid])
    return tree


def resident_bytes(pids: Iterable[int]) -> int:
    """The sum of VmRSS of `pids`; processes that ended meanwhile count 0."""
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total


def echo_output(stream: Iterable[str], kept: collections.deque[str]) -> None:
    """Copy the child's output to stderr as it comes, keeping its last lines."""
    for line in stream:
        sys.stderr.write(line)
        sys.stderr.flush()
        kept.append(line.rstrip("\n"))


def run_measured(command: list[str], kill_above_bytes: int, interval_s: float) -> dict[str, Any]:
    """Run `command`, sampling its process tree's memory every `interval_s`; kill it above `kill_above_bytes`."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             errors="replace", start_new_session=True)  # its own process group, to kill at once
    kept: collections.deque[str] = collections.deque(maxlen=OUTPUT_LINES_KEPT)
    reader = threading.Thread(target=echo_output, args=(child.stdout, kept), daemon=True)
    reader.start()
    peak, killed_at, timeline, next_mark = 0, None, {}, 0.0
    while child.poll() is None:
        rss, elapsed = resident_bytes(process_tree(child.pid)), time.perf_counter() - started
        peak = max(peak, rss)
        if elapsed >= next_mark:
            timeline[f"{elapsed:.0f}s"] = round(rss / GB, 2)
            next_mark += TIMELINE_EVERY_S
        if rss > kill_above_bytes:
            os.killpg(child.pid, signal.SIGKILL)
            killed_at = {"rss_gb": round(rss / GB, 2), "after_seconds": round(elapsed, 1)}
            break
        time.sleep(interval_s)
    status = child.wait()
    reader.join(timeout=5)
    return {"command": command, "exit_status": status, "wall_seconds": round(time.perf_counter() - started, 1),
            "peak_rss_gb": round(peak / GB, 3),
            "ru_maxrss_children_gb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / GB, 3),
            "killed": killed_at, "rss_gb_timeline": timeline, "last_output": list(kept)}


def run_folder(command: list[str], last_output: list[str]) -> Path | None:
    """The run folder of a `classicnets train` command: its --run-dir, else the one its summary line names."""
    for i, word in enumerate(command):
        if word == "--run-dir" and i + 1 < len(command):
            return Path(command[i + 1])
        if word.startswith("--run-dir="):
            return Path(word.split("=", 1)[1])
    for line in reversed(last_output):  # "cnn on ...: accuracy 0.91 after 1 epochs (...) -> runs/cnn-..."
        if " -> " in line and Path(line.rsplit(" -> ", 1)[1].strip()).is_dir():
            return Path(line.rsplit(" -> ", 1)[1].strip())
    return None


def training_numbers(folder: Path) -> dict[str, Any]:
    """Seconds per epoch, samples per second and test accuracy from a run folder's metrics.json and history.csv."""
    numbers: dict[str, Any] = {"run_folder": str(folder)}
    if (folder / "history.csv").is_file():
        with open(folder / "history.csv", newline="") as stream:
            numbers["epoch_seconds"] = [round(float(row["seconds"]), 1) for row in csv.DictReader(stream)]
    if (folder / "metrics.json").is_file():
        metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        kept = ("epochs", "train_seconds", "seconds_per_epoch", "samples_per_second", "wall_seconds_this_session")
        numbers.update({key: metrics.get(key) for key in kept})
        numbers["test_accuracy"] = metrics.get("test", {}).get("accuracy")
    return numbers


def main(argv: list[str] | None = None) -> int:
    """Measure the command after `--`; print the JSON; exit with the command's status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kill-above-gb", type=float, default=20.0,
                        help="kill the command's process group when its RSS passes this (default 20)")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between memory samples (default 0.2)")
    parser.add_argument("--json", type=Path, help="also write the JSON to this file")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- the command line to run")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to measure after --, e.g. -- classicnets train cnn --epochs 1")
    if args.kill_above_gb <= 0 or args.interval <= 0:
        parser.error(f"--kill-above-gb and --interval must be positive. "
                     f"Received: --kill-above-gb {args.kill_above_gb} --interval {args.interval}")
    result = run_measured(command, int(args.kill_above_gb * GB), args.interval)
    if "train" in command and (folder := run_folder(command, result["last_output"])) is not None:
        result["training"] = training_numbers(folder)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return result["exit_status"] if result["exit_status"] >= 0 else 128 - result["exit_status"]


if __name__ == "__main__":
    sys.exit(main())
