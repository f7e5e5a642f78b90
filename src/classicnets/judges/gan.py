"""GAN runs judged by a separately trained classifier: does it see the class asked for (cgan), are all classes
drawn (no mode collapse), and how far are generated images from real ones (Frechet distance on its features)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from classicnets.config import RunConfig
from classicnets.data import Dataset
from classicnets.data.stored import take
from classicnets.evaluation import plot_image_grid
from classicnets.evaluation.frechet import frechet_distance
from classicnets.evaluation.gan_plots import plot_adversarial_losses, plot_judge
from classicnets.judges.classifier import check_same_classes
from classicnets.judges.gan_progress import SampleGrids
from classicnets.judges.gan_samples import grid_rows, judge_samples, progress_rows
from classicnets.judges.judge import get_judge
from classicnets.judges.registry import Evaluator


def evaluate(model: Any, config: RunConfig, dataset: Dataset, plots: Path,
             history: list[dict] | None = None) -> dict[str, Any]:
    """Judge 1,000 generated images per class against the dataset's test split; write the plots."""
    check_same_classes(config, dataset)
    judge = get_judge(dataset)
    names = list(config.data_info.get("class_names", dataset.class_names))
    _, real_features = judge.judge(dataset.x_test)
    report = judge_samples(model, judge, real_features, names)
    same_count = np.arange(min(len(dataset.x_train), len(dataset.x_test)))
    train_features = judge.judge(take(dataset.x_train, same_count))[1]  # stored images stay in their file
    report.update({"num_examples": int(len(dataset.y_test)), "judge_test_accuracy": judge.test_accuracy,
                   "judge": str(judge.path),
                   "frechet_distance_real_train_vs_test": frechet_distance(real_features, train_features)})
    progress = progress_rows(plots.parent) if plots.name == "plots" else {}  # recorded during training
    by_epoch = {epoch: row["frechet_distance"] for epoch, row in progress.items()}
    rows, titles = grid_rows(model, names)
    plot_image_grid(rows, plots / "samples.png", row_titles=titles, title=f"{config.model}: samples (fixed noise)")
    agreement = list(report["per_class_agreement"].values()) if model.conditional else None
    plot_judge(names, list(report["class_spread"].values()), agreement, by_epoch, summarize({"test": report}),
               plots / "judge.png")
    if history:
        plot_adversarial_losses({key: [row[key] for row in history if key in row] for key in history[-1]},
                                plots / "losses.png")
    return {"test": report, "frechet_distance_by_epoch": {str(k): v for k, v in sorted(by_epoch.items())},
            "judge_by_epoch": {str(k): v for k, v in sorted(progress.items())}}


def summarize(metrics: dict[str, Any]) -> str:
    """'judge agreement 0.9412 (worst: 8 0.85), Frechet distance 12.3, largest class 11%'."""
    test = metrics["test"]
    parts = []
    if "judge_agreement" in test:
        worst = min(test["per_class_agreement"], key=test["per_class_agreement"].get)
        parts.append(f"judge agreement {test['judge_agreement']:.4f} (worst: {worst} "
                     f"{test['per_class_agreement'][worst]:.2f})")
    parts.append(f"Frechet distance {test['frechet_distance']:.2f}")
    missing = ", ".join(test["missing_classes"]) or "none"
    parts.append(f"largest class {test['largest_class_share']:.0%}, missing: {missing}")
    return ", ".join(parts)


def headline(metrics: dict[str, Any]) -> tuple[str, float]:
    """cgan: judge agreement; gan: Frechet distance (lower is better)."""
    test = metrics["test"]
    if "judge_agreement" in test:
        return "judge_agreement", float(test["judge_agreement"])
    return "frechet_distance", float(test["frechet_distance"])


def training_callbacks(run_dir: Path, dataset: Dataset) -> list:
    """Sample grids with fixed noise and the Frechet distance every few epochs."""

    return [SampleGrids(Path(run_dir), dataset)]


EVALUATOR = Evaluator(evaluate, summarize, headline, training_callbacks)
