"""Generated images judged, the fixed-noise sample grids, and the per-epoch progress file of a GAN run."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from classicnets.evaluation.frechet import frechet_distance
from classicnets.judges.judge import Judge
from classicnets.files import atomic_write_text

SAMPLES_PER_CLASS = 1000  # 1,000 images per requested label
GRID_SEED = 1234  # fixed noise: every grid of a run shows the same noise, so grids show progress
SAMPLES_FOLDER, FRECHET_FILE = "samples", "frechet_distance.csv"
MISSING_SHARE = 0.1  # a class drawn less than a tenth as often as a uniform share counts as missing


def generated_for_judging(model: Any, num_classes: int, per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """per_class * K images and their requested labels (cgan: per_class of each class; gan: labels -1)."""
    if model.conditional:
        requested = np.repeat(np.arange(num_classes, dtype=np.int32), per_class)
        return model.sample(len(requested), requested, seed=seed), requested
    return model.sample(per_class * num_classes, seed=seed), np.full(per_class * num_classes, -1)


def judge_samples(model: Any, judge: Judge, real_features: np.ndarray, class_names: list[str],
                  per_class: int = SAMPLES_PER_CLASS, seed: int = 0) -> dict[str, Any]:
    """Judge agreement (cgan), class spread, confidence and Frechet distance of freshly generated images."""
    images, requested = generated_for_judging(model, len(class_names), per_class, seed)
    probabilities, features = judge.judge(images)
    seen = probabilities.argmax(axis=1)
    shares = np.bincount(seen, minlength=len(class_names)) / len(seen)
    report: dict[str, Any] = {
        "num_generated": int(len(images)),
        "frechet_distance": frechet_distance(real_features, features),
        "judge_confidence": float(probabilities.max(axis=1).mean()),
        "class_spread": {name: float(share) for name, share in zip(class_names, shares)},
        "largest_class_share": float(shares.max()),
        "missing_classes": [name for name, share in zip(class_names, shares) if share < MISSING_SHARE / len(shares)],
    }
    if model.conditional:
        agrees = seen == requested
        report["judge_agreement"] = float(agrees.mean())
        report["per_class_agreement"] = {name: float(agrees[requested == k].mean())
                                         for k, name in enumerate(class_names)}
    return report


def grid_rows(model: Any, class_names: list[str], columns: int = 10, seed: int = GRID_SEED) -> tuple[list, list]:
    """Rows of a sample grid: one per class for a cgan (the same noise in each column), else 10 rows of samples."""
    if model.conditional:
        return [model.sample(columns, k, seed=seed) for k in range(len(class_names))], list(class_names)
    images = model.sample(columns * 10, seed=seed)
    return [images[row * columns:(row + 1) * columns] for row in range(10)], None


def progress_rows(run_root: Path) -> dict[int, dict[str, float]]:
    """samples/frechet_distance.csv as {epoch: {"frechet_distance": ..., ...}}."""
    path = run_root / SAMPLES_FOLDER / FRECHET_FILE
    if not path.exists():
        return {}
    with open(path, newline="") as stream:
        return {int(row.pop("epoch")): {key: float(value) for key, value in row.items() if value != ""}
                for row in csv.DictReader(stream)}


def progress_row(report: dict[str, Any]) -> dict[str, float]:
    """What the progress file keeps of a judgement: distance, largest class share, agreement (cgan)."""
    keys = ("frechet_distance", "largest_class_share", "judge_agreement")
    return {key: float(report[key]) for key in keys if key in report}


def write_progress_rows(run_root: Path, rows: dict[int, dict[str, float]]) -> None:
    """samples/frechet_distance.csv: epoch, frechet_distance, largest_class_share[, judge_agreement]."""
    columns = list(dict.fromkeys(key for row in rows.values() for key in row))
    lines = [",".join(["epoch", *columns])]
    lines += [",".join([str(epoch), *(str(rows[epoch].get(key, "")) for key in columns)]) for epoch in sorted(rows)]
    (run_root / SAMPLES_FOLDER).mkdir(parents=True, exist_ok=True)
    atomic_write_text(run_root / SAMPLES_FOLDER / FRECHET_FILE, "\n".join(lines) + "\n")
