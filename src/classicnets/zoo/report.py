"""The zoo run's report: summary.json, summary.md and one self-contained report.html (images embedded)."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

from classicnets.evaluators import get_evaluator
from classicnets.files import atomic_write_text
from classicnets.models import get_spec
from classicnets.zoo.runner import Outcome

COLUMNS = ("model", "status", "parameters", "epochs", "seconds", "samples/s", "metric", "value", "notes")


def outcome_row(outcome: Outcome, out: Path) -> dict[str, Any]:
    """One table row: what was trained, how long it took, its headline test number, the notes' figure."""
    row: dict[str, Any] = {"model": outcome.model, "status": outcome.status, "notes": outcome.notes,
                           "run_dir": str(outcome.run_dir.relative_to(out))}
    if outcome.metrics is None:
        return {**row, "error": outcome.error}
    metrics = outcome.metrics
    name, value = get_evaluator(get_spec(outcome.model).task).headline(metrics)
    return {**row, "parameters": metrics.get("parameters"), "epochs": metrics.get("epochs"),
            "seconds": round(metrics.get("train_seconds", 0.0), 1),
            "samples/s": round(metrics.get("samples_per_second", 0.0)), "metric": name, "value": round(value, 4)}


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


def embedded_image(path: Path) -> str:
    """An <img> whose PNG travels inside the HTML file."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<figure><img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}"><figcaption>' \
           f'{html.escape(path.stem.replace("_", " "))}</figcaption></figure>'


def model_section(outcome: Outcome) -> str:
    """A model's heading, its summary and every plot its run wrote."""
    title = f"<h2 id=\"{html.escape(outcome.model)}\">{html.escape(outcome.model)}</h2>"
    if outcome.metrics is None:
        return title + f"<p class=\"failed\">failed: {html.escape(outcome.error or '')}</p>"
    plots = sorted((outcome.run_dir / "plots").glob("*.png"))
    images = "".join(embedded_image(path) for path in plots) or "<p>no plots</p>"
    summary = get_evaluator(get_spec(outcome.model).task).summarize(outcome.metrics)
    return title + f"<p>{html.escape(summary)} (run directory: {html.escape(str(outcome.run_dir))})</p>" + images


STYLE = ("body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}"
         "td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}td:first-child{text-align:left}"
         "figure{display:inline-block;margin:8px}img{max-width:560px}.failed{color:#b00}")


def html_report(rows: list[dict[str, Any]], outcomes: list[Outcome], title: str) -> str:
    """The whole report as one HTML document."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell(row, c))}</td>" for c in COLUMNS) + "</tr>" for row in rows)
    sections = "".join(model_section(outcome) for outcome in outcomes)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{sections}</body></html>\n")


def write_report(out: Path, outcomes: list[Outcome], dataset: str) -> list[dict[str, Any]]:
    """Write summary.json, summary.md and report.html into `out`; returns the table rows."""
    rows = [outcome_row(outcome, out) for outcome in outcomes]
    title = f"classicnets zoo on {dataset}"
    atomic_write_text(out / "summary.json", json.dumps({"dataset": dataset, "models": rows}, indent=2) + "\n")
    atomic_write_text(out / "summary.md", f"# {title}\n\n{markdown_table(rows)}\n")
    atomic_write_text(out / "report.html", html_report(rows, outcomes, title))
    return rows
