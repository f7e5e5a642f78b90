"""Pictures of the zoo report: each run's plots embedded at a size that keeps their labels readable, and the
classifiers' comparison (accuracy against parameters and training seconds) drawn from their runs."""

from __future__ import annotations

import base64
import html
import io
import struct
from pathlib import Path
from typing import Any

# Display width as a share of a plot's own pixel width (the plots are drawn at 100 dpi with 8-10 pt labels,
# readable at 0.7 and above); pictures made of many small images can be smaller than charts.
SCALES = {"history": 0.9, "losses": 0.85, "judge": 0.85, "confusion_matrix": 0.7, "predictions": 0.7,
          "reconstructions": 0.8, "codes": 0.7, "samples": 0.55, "denoising": 0.8, "top_losses": 0.6,
          "confused_pairs": 0.7, "calibration": 0.8, "per_class": 0.8}
DEFAULT_SCALE = 0.8
CURVES_FIRST = ("history", "losses", "judge", "fit", "decision_line")


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG from its header; (0, 0) when it is not one."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return 0, 0
    return struct.unpack(">II", data[16:24])


def data_uri(data: bytes) -> str:
    """A PNG as a data: URI, so the report needs no other file."""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def figure(data: bytes, caption: str, scale: float = DEFAULT_SCALE) -> str:
    """A <figure> with the PNG embedded and shown at `scale` of its pixel width (never wider than the page)."""
    width, height = png_size(data)
    size = f' width="{round(width * scale)}" height="{round(height * scale)}"' if width else ""
    return (f'<figure><img alt="{html.escape(caption)}" src="{data_uri(data)}"{size}>'
            f'<figcaption>{html.escape(caption)}</figcaption></figure>')


def plot_order(path: Path) -> tuple[int, str]:
    """Curves first, then the pictures, each group by name."""
    stem = path.stem
    return (CURVES_FIRST.index(stem) if stem in CURVES_FIRST else len(CURVES_FIRST), stem)


def run_figures(run_dir: Path) -> str:
    """Every plot a run wrote, embedded, curves first."""
    plots = sorted((run_dir / "plots").glob("*.png"), key=plot_order)
    return "".join(figure(path.read_bytes(), path.stem.replace("_", " "), SCALES.get(path.stem, DEFAULT_SCALE))
                   for path in plots)


def tick_label(value: float, _: Any = None) -> str:
    """10000 -> '10,000'; 2.5 -> '2.5'; 0.5 -> '0.5'."""
    return f"{value:,.0f}" if value >= 10 else f"{value:.2g}"


def comparison_plot(rows: list[dict[str, Any]]) -> bytes:
    """Test accuracy against parameters and against training seconds (both on log scales), one labelled point
    per classifier; `rows` as classicnets.judges.comparison.run_row gives them."""
    from matplotlib import colormaps, ticker

    from classicnets.evaluation._figures import new_figure

    figure_ = new_figure(10, 3.8)
    axes = figure_.subplots(1, 2, sharey=True)
    colours = colormaps["tab10"]
    for axis, column, label, subs in ((axes[0], "parameters", "parameters (log scale)", (1.0,)),
                                      (axes[1], "seconds", "training seconds (log scale)", (1.0, 2.0, 5.0))):
        for index, row in enumerate(rows):
            axis.scatter([max(float(row[column] or 0), 1e-3)], [float(row["value"])], s=60, zorder=3,
                         color=colours(index % 10), label=row["name"])
        axis.set_xscale("log")
        axis.xaxis.set_major_locator(ticker.LogLocator(base=10, subs=subs))
        axis.xaxis.set_major_formatter(ticker.FuncFormatter(tick_label))
        axis.xaxis.set_minor_formatter(ticker.NullFormatter())
        axis.set_xlabel(label, fontsize=10)
        axis.grid(True, alpha=0.3)
        axis.margins(x=0.15, y=0.15)
    axes[0].set_ylabel("test accuracy", fontsize=10)
    # the names in a legend beside the plots, where it covers no point
    handles, names = axes[0].get_legend_handles_labels()
    figure_.legend(handles, names, loc="outside right center", fontsize=10, frameon=False)
    figure_.suptitle("Classifiers: test accuracy against size and training time (up and left is better)",
                     fontsize=11)
    buffer = io.BytesIO()
    figure_.savefig(buffer, format="png")
    figure_.clear()
    return buffer.getvalue()
