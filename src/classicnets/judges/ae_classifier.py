"""The autoencoder classifier: judged as a classifier, with what each stage (pretrain, fine-tune) did."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from classicnets import runs
from classicnets.config import RunConfig
from classicnets.data import Dataset
from classicnets.judges import classifier
from classicnets.judges.registry import Evaluator
from classicnets.models.ae_classifier import resolve_pretrain_epochs


def encoder_run_facts(run_dir: str) -> dict[str, Any]:
    """The pretraining stage when it was another run: that run's epochs, seconds and test MSE (only its folder
    when that run is gone or unfinished)."""
    facts: dict[str, Any] = {"run": run_dir}
    if runs.RunDir(Path(run_dir)).metrics.is_file():
        metrics = runs.read_metrics(runs.open_run(Path(run_dir), needs=("metrics",)))
        facts.update(epochs=metrics.get("epochs"), train_seconds=metrics.get("train_seconds"),
                     test_mse=metrics.get("test", {}).get("mse"))
    return facts


def stage_facts(config: RunConfig, history: list[dict] | None) -> dict[str, Any]:
    """{"pretrain": {...}, "fine_tune": {...}}: epochs and seconds of each, and how the encoder was treated."""
    options = config.model_options
    epochs = len(history) if history else config.train.epochs
    fine_tune: dict[str, Any] = {"encoder": "frozen" if options.get("freeze_encoder") else "fine-tuned"}
    if options.get("encoder"):
        pretrain, start = encoder_run_facts(options["encoder"]), 0
    else:
        start = resolve_pretrain_epochs(options.get("pretrain_epochs", -1), config.train.epochs, True)
        pretrain = {"epochs": start, "kind": options.get("kind", "dense")}
        if history and len(history) >= start > 0:
            last = history[start - 1]
            pretrain.update(train_seconds=sum(row["seconds"] for row in history[:start]),
                            val_reconstruction_mse=last.get("val_reconstruction_mse"),
                            val_accuracy_of_head_on_frozen_codes=last.get("val_accuracy"))
    fine_tune["epochs"] = max(epochs - start, 0)
    if history:
        fine_tune["train_seconds"] = sum(row["seconds"] for row in history[start:])
    return {"pretrain": pretrain, "fine_tune": fine_tune}


def evaluate(model: Any, config: RunConfig, dataset: Dataset, plots: Path,
             history: list[dict] | None = None) -> dict[str, Any]:
    """The classifier's test metrics and plots, plus the stages."""
    metrics = classifier.evaluate(model, config, dataset, plots, history=history)
    return {**metrics, "stages": stage_facts(config, history)}


def summarize(metrics: dict[str, Any]) -> str:
    """'test accuracy 0.8912, loss 0.3011 (pretrained 10 epochs, then fine-tuned 10)'."""
    stages = metrics.get("stages", {})
    pretrain, fine_tune = stages.get("pretrain", {}), stages.get("fine_tune", {})
    return (f"{classifier.summarize(metrics)} (pretrained {pretrain.get('epochs', '?')} epochs, then "
            f"{fine_tune.get('encoder', '')} {fine_tune.get('epochs', '?')})")


EVALUATOR = Evaluator(evaluate, summarize, classifier.headline)
