"""`classicnets compare`: one table of any finished runs, each judged by its own evaluator's headline number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from classicnets import runs
from classicnets.judges import get_evaluator
from classicnets.models import task_of

COLUMNS = ("run", "model", "dataset", "parameters", "epochs", "seconds", "metric", "value")


def stage_totals(metrics: dict[str, Any]) -> tuple[int | None, dict[str, int], float]:
    """Epochs in all (stages counted wherever they ran), the epochs of each stage of a multi-stage run, and the
    total training seconds."""
    stages = metrics.get("stages")
    if not stages:
        return metrics.get("epochs"), {}, float(metrics.get("train_seconds", 0.0))
    epochs = {name: int(stage.get("epochs") or 0) for name, stage in stages.items()}
    seconds = sum(stage.get("train_seconds") or 0.0 for stage in stages.values())
    return sum(epochs.values()), epochs, seconds


def run_row(run_dir: Path) -> dict[str, Any]:
    """One run's row: what was trained on what, its size and cost, and its headline test number."""
    run = runs.open_run(Path(run_dir), needs=("metrics",))
    config = runs.read_config(run)
    model = config.model
    if "kind" in config.model_options:
        model += f" --kind {config.model_options['kind']}"
    row: dict[str, Any] = {"run": str(run_dir), "model": model, "dataset": config.data.dataset}
    if not run.metrics.exists():
        return {**row, "metric": "not finished", "value": None}
    metrics = runs.read_metrics(run)
    name, value = get_evaluator(task_of(config)).headline(metrics)
    epochs, stage_epochs, seconds = stage_totals(metrics)
    row = {**row, "parameters": metrics.get("parameters"), "epochs": epochs, "seconds": round(seconds, 1),
           "metric": name, "value": value}
    return {**row, "stage_epochs": stage_epochs} if stage_epochs else row


def compare_runs(run_dirs: list[Path]) -> list[dict[str, Any]]:
    """Rows of all runs, in the order given."""
    return [run_row(run_dir) for run_dir in run_dirs]


def format_cell(column: str, value: Any, row: dict[str, Any] | None = None) -> str:
    """Integers with thousands separators, seconds with 1 decimal, test numbers with 4, nothing when missing;
    a multi-stage run's epochs as 'total (pretrain+fine-tune)'."""
    stages = (row or {}).get("stage_epochs")
    if column == "epochs" and stages:
        return f"{value} ({'+'.join(str(epochs) for epochs in stages.values())})"
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.1f}" if column == "seconds" else f"{value:.4f}"


def format_table(rows: list[dict[str, Any]]) -> str:
    """The rows as an aligned plain-text table (also valid Markdown)."""
    cells = [list(COLUMNS)] + [[format_cell(column, row.get(column), row) for column in COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = ["| " + " | ".join(text.ljust(width) for text, width in zip(line, widths)) + " |" for line in cells]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)
