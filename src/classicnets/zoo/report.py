"""The zoo run's report: summary.json, summary.md and one self-contained report.html (images embedded)."""

from __future__ import annotations

import html
import json
import shlex
from pathlib import Path
from typing import Any, Sequence

from classicnets.judges import get_evaluator
from classicnets.files import atomic_write_text
from classicnets.models import get_spec
from classicnets.zoo import facts, figures, page
from classicnets.zoo.claims import Verdict, judge_against_notes, verdict_facts
from classicnets.zoo.runner import Outcome, format_seconds

COLUMNS = ("model", "status", "parameters", "epochs", "seconds", "samples/s", "metric", "value", "notes")
LOWER_IS_BETTER = ("mse", "frechet_distance")
TRAIN_FLAGS = {"batch_size": "--batch-size", "learning_rate": "--lr", "optimizer": "--optimizer",
               "schedule": "--schedule", "seed": "--seed", "steps_per_execution": "--steps-per-execution",
               "jit_compile": "--jit-compile"}


def outcome_row(outcome: Outcome, out: Path, verdict: Verdict | None = None) -> dict[str, Any]:
    """One table row: what was trained on what, how long it took, its headline test number, the notes' claim."""
    row: dict[str, Any] = {"model": outcome.name, "family": outcome.model, "status": outcome.status,
                           "notes": outcome.notes, "run_dir": str(outcome.run_dir.relative_to(out))}
    if outcome.metrics is None:
        return {**row, "error": outcome.error}
    metrics = outcome.metrics
    name, value = get_evaluator(outcome.task).headline(metrics)
    return {**row, "data": metrics.get("dataset"), "parameters": metrics.get("parameters"),
            "epochs": metrics.get("epochs"), "seconds": round(metrics.get("train_seconds", 0.0), 1),
            "samples/s": round(metrics.get("samples_per_second", 0.0)), "metric": name, "value": float(f"{value:.4g}"),
            **verdict_facts(verdict)}


def best_rows(rows: Sequence[dict[str, Any]]) -> set[int]:
    """Indexes of the rows holding the best value of their metric among rows of the same metric and data
    (only where at least two rows compare)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for index, row in enumerate(rows):
        if row.get("value") is not None:
            groups.setdefault((row["metric"], row.get("data")), []).append(index)
    best = set()
    for (metric, _), members in groups.items():
        if len(members) > 1:
            pick = min if metric in LOWER_IS_BETTER else max
            best.add(pick(members, key=lambda index: rows[index]["value"]))
    return best


def cell(row: dict[str, Any], column: str) -> str:
    """A table cell as text; a failed model's row says why in the metric columns."""
    if column == "value" and row.get("error"):
        return row["error"]
    value = row.get(column)
    return "" if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def markdown_table(rows: list[dict[str, Any]]) -> str:
    """The comparison table in Markdown."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell(row, c).replace("|", "\\|").replace("\n", " ") for c in COLUMNS) + " |"
              for row in rows]
    return "\n".join(lines)


def train_command(outcome: Outcome, dataset: str) -> str:
    """The `classicnets train` command that trains this model of the zoo alone, into runs/<name>."""
    step = outcome.step
    if step is None:
        return ""
    words = ["classicnets", "train", step.model]
    if not step.own_data:
        words += ["--dataset", dataset]
    words += ["--epochs", str(step.epochs)]
    defaults = get_spec(step.model).train_defaults
    for key, value in step.train.items():
        if key in TRAIN_FLAGS and value is not None and defaults.get(key) != value:
            words += [TRAIN_FLAGS[key], str(value)]
    for key, value in step.options.items():
        flag = "--" + key.replace("_", "-")
        if isinstance(value, bool):
            words.append(flag if value else "--no-" + key.replace("_", "-"))
            continue
        if isinstance(value, (tuple, list)):
            value = ",".join(str(item) for item in value)
        words += [flag, str(value).replace("{out}/", "runs/")]
    return shlex.join([*words, "--run-dir", f"runs/{step.label}"])


def classifier_rows(outcomes: Sequence[Outcome]) -> list[dict[str, Any]]:
    """What `classicnets compare` computes for the image classifiers of the zoo: parameters, epochs, training
    seconds (pretraining counted) and test accuracy."""
    from classicnets.judges.comparison import run_row

    rows = []
    for outcome in outcomes:
        if outcome.metrics is None or (outcome.step is not None and outcome.step.own_data):
            continue
        if get_evaluator(outcome.task).headline(outcome.metrics)[0] != "accuracy":
            continue
        rows.append({**run_row(outcome.run_dir), "name": outcome.name})
    return rows


def comparison_section(rows: list[dict[str, Any]]) -> str:
    """The classifiers side by side: a table and a plot of accuracy against size and training time."""
    if len(rows) < 2:
        return ""
    best = {column: pick(range(len(rows)), key=lambda i: rows[i][column] or 0)
            for column, pick in (("value", max), ("parameters", min), ("seconds", min))}
    cells = [{"model": {"html": f'<a href="#{html.escape(row["name"])}">{html.escape(row["name"])}</a>'},
              "parameters": {"text": f"{row['parameters']:,}", "num": True, "best": best["parameters"] == i},
              "epochs": {"text": str(row["epochs"]), "num": True},
              "seconds": {"text": f"{row['seconds']:.1f}", "num": True, "best": best["seconds"] == i},
              "value": {"text": f"{row['value']:.4f}", "num": True, "best": best["value"] == i}}
             for i, row in enumerate(rows)]
    columns = (("model", "model"), ("parameters", "parameters"), ("epochs", "epochs (all stages)"),
               ("seconds", "training seconds"), ("value", "test accuracy"))
    plot = figures.figure(figures.comparison_plot(rows), "accuracy against parameters and training seconds", 0.9)
    return ('<h2 id="classifiers">The classifiers compared</h2><p>The numbers of '
            "<code>classicnets compare</code> for the image classifiers of this run (the ae-classifier's seconds "
            "include its autoencoder's pretraining).</p>" + page.table(columns, cells) + plot)


def summary_table(rows: list[dict[str, Any]]) -> str:
    """The table at the top of the report, each row linking to its section, the best of each metric marked."""
    best = best_rows(rows)
    cells = []
    for index, row in enumerate(rows):
        link = f'<a href="#{html.escape(row["model"])}">{html.escape(row["model"])}</a>'
        if row.get("error"):
            cells.append({"model": {"html": link}, "data": row.get("data", ""),
                          "value": {"text": f"failed: {row['error']}", "tone": "failed"}})
            continue
        number = f"{row['value']:.4g}" if row["metric"] in LOWER_IS_BETTER and row["value"] < 0.01 else \
            f"{row['value']:.4f}"
        cells.append({"model": {"html": link}, "data": row["data"],
                      "parameters": {"text": f"{row['parameters']:,}", "num": True},
                      "epochs": {"text": str(row["epochs"]), "num": True},
                      "seconds": {"text": f"{row['seconds']:.1f}", "num": True},
                      "metric": row["metric"].replace("_", " "),
                      "value": {"text": number, "num": True, "best": index in best},
                      "claim": row.get("notes_claim", ""),
                      "verdict": {"text": row.get("verdict", ""), "tone": row.get("tone", "other")}})
    columns = (("model", "model"), ("data", "data"), ("parameters", "parameters"), ("epochs", "epochs"),
               ("seconds", "train s"), ("metric", "test metric"), ("value", "value"), ("claim", "the notes"),
               ("verdict", "against the notes"))
    legend = ('<p class="legend">&#9733; best value of its metric among the models trained on the same data '
              "(lower is better for mse and frechet distance). Each model's name links to its section.</p>")
    return page.table(columns, cells) + legend


def header_facts(dataset: str, outcomes: Sequence[Outcome], command: str | None,
                 seconds: float | None) -> list[tuple[str, str]]:
    """Date, dataset, versions, machine, time and command."""
    info = facts.dataset_facts([outcome.run_dir for outcome in outcomes if outcome.step is None or
                                not outcome.step.own_data])
    counts = {status: sum(outcome.status == status for outcome in outcomes)
              for status in ("trained", "done before", "failed")}
    rows = [("Date", facts.now()), ("Dataset", facts.describe_dataset(dataset, info)),
            ("Other data", "the first lessons and the word models train on their own bundled data (the 'data' "
                           "column)"),
            ("Versions", ", ".join(f"{name} {version}" for name, version in facts.versions().items())),
            ("Machine", facts.machine()),
            ("Models", ", ".join(f"{count} {status}" for status, count in counts.items() if count))]
    if seconds is not None:
        training = sum(outcome.metrics.get("train_seconds", 0.0) for outcome in outcomes if outcome.metrics)
        rows.append(("Total time", f"{format_seconds(seconds)} from loading the data to this report, the export "
                                   f"included ({training:.0f} s of it in training epochs)"))
    if command:
        rows.append(("Command", command))
    return rows


def html_report(rows: list[dict[str, Any]], outcomes: list[Outcome], verdicts: list[Verdict | None], title: str,
                dataset: str, header: list[tuple[str, str]]) -> str:
    """The whole report as one HTML document."""
    sections = []
    for outcome, row, verdict in zip(outcomes, rows, verdicts):
        summary = get_evaluator(outcome.task).summarize(outcome.metrics) if outcome.metrics else ""
        details = (f"{summary}. {row.get('parameters', 0):,} parameters, {row.get('epochs')} epochs, "
                   f"{row.get('seconds')} s of training on {row.get('data')}." if outcome.metrics else "")
        figures_html = figures.run_figures(outcome.run_dir) if outcome.metrics else ""
        sections.append(page.section(outcome.name, outcome.name, details, verdict, train_command(outcome, dataset),
                                     figures_html, error=outcome.error if outcome.metrics is None else None))
    body = (summary_table(rows) + comparison_section(classifier_rows(outcomes)) + "".join(sections))
    return page.document(title, page.facts_table(header), body)


def write_report(out: Path, outcomes: list[Outcome], dataset: str, command: str | None = None,
                 seconds: float | None = None) -> list[dict[str, Any]]:
    """Write summary.json, summary.md and report.html into `out`; returns the table rows."""
    zoo = {outcome.name: outcome for outcome in outcomes}
    verdicts = [judge_against_notes(outcome, zoo, dataset) for outcome in outcomes]
    rows = [outcome_row(outcome, out, verdict) for outcome, verdict in zip(outcomes, verdicts)]
    title = f"classicnets zoo on {dataset}"
    header = header_facts(dataset, outcomes, command, seconds)
    atomic_write_text(out / "summary.json", json.dumps({"dataset": dataset, "facts": dict(header), "models": rows},
                                                       indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(out / "summary.md", f"# {title}\n\n{markdown_table(rows)}\n")
    atomic_write_text(out / "report.html", html_report(rows, outcomes, verdicts, title, dataset, header))
    return rows
