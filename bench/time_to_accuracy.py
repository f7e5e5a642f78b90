"""Time to accuracy on Fashion-MNIST: how long from the start of a command until a classifier's test accuracy
first passes its target, three ways on the same machine in one run:

  classicnets  `classicnets train MODEL --dataset fashion-mnist --test-every-epoch --seed S` (its defaults)
  pytorch      bench/peer_torch.py, the same network in an idiomatic PyTorch loop
  keras        bench/peer_keras.py, the same network with Keras model.fit

Each peer trains twice a seed: with classicnets' recipe as its run recorded it in config.json (batch size,
learning rate, schedule, epochs, validation share) and with the notes' recipe (Adam 0.001, batch 128, constant
rate, all 60,000 training images, up to --peer-epochs); the faster of the two counts. A peer stops after the
first epoch that passes. Seconds are wall time from starting the process to the end of that epoch's test.

    pip install torch==2.13.0 && apt-get install dataset-fashion-mnist
    python bench/time_to_accuracy.py [--models softmax,mlp,cnn,rnn] [--seeds 0,1,2] [--json results.json]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from classicnets.models import get_spec, make_options

HERE = Path(__file__).resolve().parent
TARGETS = {"softmax": 0.84, "mlp": 0.89, "cnn": 0.92, "rnn": 0.88}
PEER_EPOCHS = {"softmax": 20, "mlp": 30, "cnn": 15, "rnn": 15}  # the notes' recipe stops here at the latest
NOTES_RECIPE = {"batch_size": 128, "learning_rate": 1e-3, "schedule": "constant", "validation_fraction": 0.0}
PEERS = {"pytorch": HERE / "peer_torch.py", "keras": HERE / "peer_keras.py"}


def first_pass(epochs: list[dict], target: float, started: float) -> tuple[float | None, int | None]:
    """Seconds from `started` and the epoch number of the first epoch at or above `target`."""
    for row in epochs:
        if row["test_accuracy"] >= target:
            return row["wall_time"] - started, int(row["epoch"])
    return None, None


def run_classicnets(model: str, seed: int, out: Path) -> tuple[dict, dict]:
    """Train with the defaults; returns the result and the recipe the run recorded."""
    run_dir = out / f"{model}-seed{seed}"
    command = [shutil.which("classicnets") or "classicnets", "train", model, "--dataset", "fashion-mnist",
               "--test-every-epoch", "--seed", str(seed), "--run-dir", str(run_dir), "--quiet"]
    started = time.time()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.time() - started
    with open(run_dir / "history.csv", newline="") as stream:
        rows = [{key: float(value) for key, value in row.items() if value} for row in csv.DictReader(stream)]
    seconds, epochs = first_pass(rows, TARGETS[model], started)
    config = json.loads((run_dir / "config.json").read_text())
    train = config["train"]
    recipe = {"epochs": train["epochs"], "batch_size": train["batch_size"], "learning_rate": train["learning_rate"],
              "schedule": train["schedule"],
              "validation_fraction": config["data"]["validation_fraction"],
              "options": all_options(model, config["model_options"])}
    between = [later["wall_time"] - earlier["wall_time"] - later["seconds"] for earlier, later in zip(rows, rows[1:])]
    return ({"seconds": seconds, "epochs": epochs, "final_accuracy": rows[-1]["test_accuracy"], "wall": wall,
             "ran_epochs": len(rows), "train_seconds_per_epoch": statistics.median(row["seconds"] for row in rows),
             "around_epoch_seconds": statistics.median(between) if between else None}, recipe)


def all_options(model: str, given: dict) -> dict:
    """Every option of the network, defaults included (config.json keeps only the options given)."""
    return dataclasses.asdict(make_options(get_spec(model), given))


def run_peer(way: str, model: str, seed: int, recipe: dict, epochs: int) -> dict:
    """One peer process; returns its result."""
    command = [sys.executable, str(PEERS[way]), model, "--options", json.dumps(recipe.get("options", {})),
               "--seed", str(seed), "--target", str(TARGETS[model]), "--epochs", str(epochs),
               "--batch-size", str(recipe["batch_size"]), "--lr", str(recipe["learning_rate"]),
               "--schedule", recipe["schedule"],
               "--validation-fraction", str(recipe["validation_fraction"])]
    started = time.time()
    finished = subprocess.run(command, check=True, capture_output=True, text=True, cwd=HERE)
    wall = time.time() - started
    rows = [json.loads(line) for line in finished.stdout.splitlines() if line.startswith("{")]
    seconds, reached = first_pass(rows, TARGETS[model], started)
    return {"seconds": seconds, "epochs": reached, "final_accuracy": rows[-1]["test_accuracy"], "wall": wall,
            "ran_epochs": len(rows)}


def median_seconds(results: list[dict]) -> float:
    """The median over seeds, a seed that never reached the target counting as infinitely slow."""
    return statistics.median(r["seconds"] if r["seconds"] is not None else float("inf") for r in results)


def cell(results: list[dict]) -> str:
    """'12.3 s (4 ep, 0.9011)': median seconds, median epochs, median final accuracy."""
    seconds = median_seconds(results)
    reached = [r["epochs"] for r in results if r["epochs"] is not None]
    final = statistics.median(r["final_accuracy"] for r in results)
    if seconds == float("inf"):
        return f"not reached ({len(reached)}/{len(results)} seeds; final {final:.4f})"
    return f"{seconds:.1f} s ({statistics.median(reached):g} ep, final {final:.4f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="softmax,mlp,cnn,rnn")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--ways", default="classicnets,pytorch,keras")
    parser.add_argument("--peer-recipes", default="classicnets,notes", help="which recipes the peers train with")
    parser.add_argument("--json", type=Path, help="also write every result here")
    args = parser.parse_args()
    seeds = [int(seed) for seed in args.seeds.split(",")]
    ways = args.ways.split(",")
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="classicnets-tta-") as out:
        for model in args.models.split(","):
            for seed in seeds:
                # classicnets first: its run records the recipe the peers copy
                outcome, recipe = run_classicnets(model, seed, Path(out))
                if "classicnets" in ways:
                    results.setdefault(model, {}).setdefault("classicnets", []).append(outcome)
                    print(model, seed, "classicnets", outcome, recipe, flush=True)
                for way in (w for w in ways if w in PEERS):
                    for name in args.peer_recipes.split(","):
                        chosen = recipe if name == "classicnets" else {**NOTES_RECIPE, "options": recipe["options"]}
                        epochs = recipe["epochs"] if name == "classicnets" else PEER_EPOCHS[model]
                        outcome = run_peer(way, model, seed, chosen, epochs)
                        results[model].setdefault(f"{way}:{name}", []).append(outcome)
                        print(model, seed, way, name, outcome, flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    print(table(results))


def table(results: dict) -> str:
    """Markdown: per model, classicnets and each peer's faster recipe, and the ratio to the faster peer."""
    lines = ["| model | target | classicnets | PyTorch | Keras fit | classicnets / faster peer |",
             "|---|---|---|---|---|---|"]
    for model, ways in results.items():
        best = {}
        for way in PEERS:
            recipes = {key.split(":")[1]: rows for key, rows in ways.items() if key.startswith(way + ":")}
            if recipes:
                name = min(recipes, key=lambda n: median_seconds(recipes[n]))
                best[way] = (name, recipes[name])
        ours = median_seconds(ways["classicnets"]) if "classicnets" in ways else float("inf")
        fastest = min((median_seconds(rows) for _, rows in best.values()), default=float("inf"))
        ratio = f"{ours / fastest:.2f}" if fastest not in (0, float("inf")) and ours != float("inf") else "-"
        peers = [f"{cell(best[w][1])}, {best[w][0]} recipe" if w in best else "-" for w in PEERS]
        lines.append(f"| {model} | {TARGETS[model]:.2f} | {cell(ways.get('classicnets', [])) if 'classicnets' in ways else '-'} "
                     f"| {peers[0]} | {peers[1]} | {ratio} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
