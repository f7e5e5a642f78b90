"""Plots of training history, confusion matrices and image grids, each written as one PNG file."""

from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from classicnets.evaluation._figures import (
    as_image_batch,
    figure_with_margins,
    grid_shape,
    hide_ticks,
    image_mosaic,
    new_figure,
    save_figure,
)
from classicnets.evaluation.metrics import check_labels, confusion_counts

# History keys that describe the run rather than a metric to plot.
NOT_METRICS = {"epoch", "seconds", "lr", "learning_rate", "wall_time"}
SPLITS = {"": "train", "val_": "validation", "test_": "test"}  # history key prefix -> the split it measures


def _split_of(key: str) -> str:
    """The prefix of a history key: 'val_', 'test_' or '' (training)."""
    return next((prefix for prefix in ("val_", "test_") if key.startswith(prefix)), "")
MARKERS_UP_TO_EPOCHS = 30
ANNOTATE_UP_TO_CLASSES = 20
RIGHT_COLOR, WRONG_COLOR = "tab:green", "tab:red"
PANEL_INCHES = 1.8
ONE_LINE_TITLE_CHARACTERS = 22  # about what fits over a PANEL_INCHES-wide image at font size 9
TITLE_BAND = 0.3  # the room above each image of a prediction grid for its title (two lines), as part of its height


def metric_families(history: dict[str, list[float]]) -> dict[str, list[str]]:
    """Group history keys by metric: {"loss": ["loss", "val_loss", "test_loss"], ...}, loss first."""
    families: dict[str, list[str]] = {}
    for key in history:
        if key not in NOT_METRICS:
            families.setdefault(key.removeprefix(_split_of(key)), []).append(key)
    if not families:
        raise ValueError(f"history has no metrics to plot. Received keys: {sorted(history)}")
    return dict(sorted(families.items(), key=lambda item: item[0] != "loss"))


def plot_metric_family(axes: Axes, family: str, history: dict[str, list[float]], keys: list[str]) -> None:
    """Draw the train, validation and test curves of one metric against epoch."""
    for key in sorted(keys, key=lambda key: list(SPLITS).index(_split_of(key))):
        values = np.asarray(history[key], dtype=np.float64)
        epochs = np.asarray(history.get("epoch", np.arange(1, len(values) + 1)))
        if len(epochs) != len(values):
            raise ValueError(f"history[{key!r}] has {len(values)} values but there are {len(epochs)} epochs")
        marker = "o" if len(values) <= MARKERS_UP_TO_EPOCHS else None
        label = SPLITS[_split_of(key)]
        axes.plot(epochs, values, marker=marker, label=label)
    if len(epochs) == 1:  # widen the axis so the integer tick locator has room for whole epochs
        axes.set_xlim(epochs[0] - 1, epochs[0] + 1)
    axes.set_title(family.replace("_", " ").capitalize())
    axes.set_xlabel("epoch")
    axes.set_ylabel(family.replace("_", " "))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(alpha=0.3)
    axes.legend()


def plot_history(history: dict[str, list[float]], path: str | Path) -> Path:
    """Plot each metric's train, validation (and test) curves per epoch, one panel per metric."""
    families = metric_families(history)
    # room for tick labels of up to 8 characters and the axis label on the left, the panel and figure titles above
    figure = figure_with_margins(4.5 * len(families), 3.6, left=0.95, right=0.2, bottom=0.55, top=0.65, gap=1.05,
                                 panels=len(families))
    for axes, (family, keys) in zip(np.atleast_1d(figure.subplots(1, len(families))), families.items()):
        plot_metric_family(axes, family, history, keys)
    figure.suptitle("Training history")
    return save_figure(figure, path)


def annotate_cells(axes: Axes, matrix: np.ndarray, normalize: bool) -> None:
    """Write each cell's value in it, white on dark cells and black on light ones."""
    threshold = matrix.max() / 2
    fontsize = 10 if len(matrix) <= 10 else 7
    for (row, column), value in np.ndenumerate(matrix):
        text = f"{value:.2f}" if normalize else f"{int(value)}"
        color = "white" if value > threshold else "black"
        axes.text(column, row, text, ha="center", va="center", color=color, fontsize=fontsize, in_layout=False)


def plot_confusion_matrix(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    class_names: list[str],
    path: str | Path,
    normalize: bool = True,
) -> Path:
    """Plot the confusion matrix as a heatmap (rows = true class), titled with the accuracy."""
    counts = confusion_counts(y_true, y_pred, len(class_names))
    accuracy = np.trace(counts) / max(counts.sum(), 1)
    examples_per_class = counts.sum(axis=1, keepdims=True)
    matrix = counts / np.maximum(examples_per_class, 1) if normalize else counts
    side = max(5.0, 0.45 * len(class_names) + 3.0)
    figure = new_figure(side + 1.0, side)
    axes = figure.subplots()
    image = axes.imshow(matrix, cmap="Blues", vmin=0, vmax=1 if normalize else None)
    figure.colorbar(image, ax=axes, label="fraction of true class" if normalize else "count", shrink=0.8)
    ticks = np.arange(len(class_names))
    long_names = max(len(name) for name in class_names) > 3
    axes.set_xticks(ticks, class_names, rotation=45 if long_names else 0, ha="right" if long_names else "center")
    axes.set_yticks(ticks, class_names)
    axes.set_xlabel("predicted class")
    axes.set_ylabel("true class")
    if len(class_names) <= ANNOTATE_UP_TO_CLASSES:
        annotate_cells(axes, matrix, normalize)
    kind = "normalised by true class" if normalize else "counts"
    axes.set_title(f"Confusion matrix ({kind})\naccuracy {accuracy:.1%} on {counts.sum()} examples")
    return save_figure(figure, path)


def prediction_title(predicted: str, true: str, probability: float | None) -> str:
    """Return "pred: X / true: Y", on two lines when it would not fit over a small image."""
    confidence = "" if probability is None else f" ({probability:.0%})"
    prediction, truth = f"pred: {predicted}{confidence}", f"true: {true}"
    separator = " / " if len(prediction) + len(truth) <= ONE_LINE_TITLE_CHARACTERS else "\n"
    return prediction + separator + truth


def plot_prediction_grid(
    images: np.ndarray,
    y_true: np.ndarray,
    y_pred: np.ndarray,
    class_names: list[str],
    path: str | Path,
    n: int = 16,
    probabilities: np.ndarray | None = None,
    heading: str | None = None,
) -> Path:
    """Show the first n images titled with predicted and true class, green when right, red when wrong; `heading`
    replaces "Predictions on the first n images"."""
    images = as_image_batch(images)
    count = min(n, len(images))
    if count < 1 or len(y_true) < count or len(y_pred) < count:
        raise ValueError(f"need at least one image and a true and predicted label for each of the first {count}. "
                         f"Received: n={n}, {len(images)} images, {len(y_true)} y_true, {len(y_pred)} y_pred")
    y_true = check_labels(np.asarray(y_true)[:count], len(class_names), "y_true")
    y_pred = check_labels(np.asarray(y_pred)[:count], len(class_names), "y_pred")
    rows, columns = grid_shape(count)
    title_lines = 1 if columns > 2 else 2  # over one or two images the title takes two lines to fit
    # one picture with no ticks: only the figure's title needs room (constrained layout would measure it first)
    top = 0.2 + 0.2 * title_lines
    figure = figure_with_margins(PANEL_INCHES * max(columns, 2), (PANEL_INCHES + 0.35) * rows + top, left=0.05,
                                 right=0.05, bottom=0.05, top=top)  # one image: as wide as two, for the title
    axes = figure.subplots()
    batches = [images[start:min(start + columns, count)] for start in range(0, count, columns)]
    mosaic = image_mosaic(batches, band_fraction=TITLE_BAND)
    axes.imshow(mosaic.canvas, vmin=0.0, vmax=1.0, interpolation="nearest")
    hide_ticks(axes)
    for index in range(count):
        predicted, true = int(y_pred[index]), int(y_true[index])
        probability = None if probabilities is None else float(probabilities[index][predicted])
        title = prediction_title(class_names[predicted], class_names[true], probability)
        axes.text(mosaic.column_centres[index % columns], mosaic.row_tops[index // columns] - 0.5, title, fontsize=9,
                  ha="center", va="bottom", color=RIGHT_COLOR if predicted == true else WRONG_COLOR)
    correct = int(np.sum(y_pred == y_true))
    images_of = "the first image" if count == 1 else f"the first {count} images"
    separator = " " if title_lines == 1 else "\n"
    figure.suptitle(f"{heading or 'Predictions on ' + images_of}{separator}({correct}/{count} right)")
    return save_figure(figure, path)


def plot_image_grid(
    rows: list[np.ndarray],
    path: str | Path,
    row_titles: list[str] | None = None,
    title: str | None = None,
) -> Path:
    """Draw each image batch in `rows` as one row of a grid, e.g. originals above reconstructions."""
    batches = [as_image_batch(batch, name=f"rows[{i}]") for i, batch in enumerate(rows)]
    if not batches or max(len(batch) for batch in batches) == 0:
        raise ValueError("rows must hold at least one non-empty image batch")
    if row_titles is not None and len(row_titles) != len(batches):
        raise ValueError(f"row_titles must name each of the {len(batches)} rows. Received {len(row_titles)} titles")
    columns = max(len(batch) for batch in batches)
    labels = max(1.0, 0.075 * max(len(text) for text in row_titles) + 0.3) if row_titles else 0.2
    width = max(1.2 * columns + labels, 0.085 * len(title) + 0.4 if title else 0.0)  # room for the labels and title
    figure = new_figure(width, 1.2 * len(batches) + (0.5 if title else 0.1))
    axes = figure.subplots()
    mosaic = image_mosaic(batches)
    axes.imshow(mosaic.canvas, vmin=0.0, vmax=1.0, interpolation="nearest")
    hide_ticks(axes)
    if row_titles is not None:
        axes.set_yticks(mosaic.row_centres, labels=row_titles)
        axes.tick_params(axis="y", length=0)
    if title:
        figure.suptitle(title)
    return save_figure(figure, path)
