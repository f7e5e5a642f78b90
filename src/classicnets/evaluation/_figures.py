"""Helpers shared by the plots: saving a figure and turning image arrays into something imshow draws.

Figures are built with matplotlib.figure.Figure, never pyplot: no window opens, no global figure
registry fills up, and the host program's backend choice is left alone (PNG files render with Agg).
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from classicnets.files import atomic_write

DPI = 100
# Float images are expected in [0, 1]; small overshoot (e.g. a linear decoder) is clipped,
# anything further out is almost surely another scale ([-1, 1] or [0, 255]) and is refused.
FLOAT_SLACK = 0.5


def new_figure(width: float, height: float) -> Figure:
    """Return a figure (inches) with constrained layout, not registered with pyplot."""
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def figure_with_margins(width: float, height: float, left: float, right: float, bottom: float, top: float,
                        gap: float = 0.0, panels: int = 1) -> Figure:
    """A figure (inches) whose `panels` axes side by side get fixed margins and gaps between them (inches), for
    figures whose labels have a known size: about half the drawing time of constrained layout, which measures
    every label first."""
    figure = Figure(figsize=(width, height), dpi=DPI)
    panel_width = (width - left - right - gap * (panels - 1)) / panels
    figure.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height,
                           wspace=gap / panel_width)
    return figure


def save_figure(figure: Figure, path: str | Path) -> Path:
    """Write `figure` as a PNG at `path` (atomically, creating parent folders) and return the path."""
    path = Path(path)
    try:
        atomic_write(path, lambda stream: figure.savefig(stream, format="png", dpi=DPI))
    finally:
        figure.clear()
    return path


def as_image_batch(images: np.ndarray, name: str = "images") -> np.ndarray:
    """Return images as (N, H, W, C) with C 1 or 3; accepts (N, H, W) grayscale."""
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., np.newaxis]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            f"{name} must have shape (N, H, W), (N, H, W, 1) or (N, H, W, 3). Received shape: {images.shape}"
        )
    return images


def displayable(image: np.ndarray) -> np.ndarray:
    """Return one (H, W, C) image as float in [0, 1]: (H, W) for grayscale, (H, W, 3) for colour."""
    image = np.asarray(image)
    if np.issubdtype(image.dtype, np.floating):
        low, high = float(np.nanmin(image)), float(np.nanmax(image))
        if low < -FLOAT_SLACK or high > 1 + FLOAT_SLACK:
            raise ValueError(
                f"float images must lie in [0, 1]. Received values from {low:.3g} to {high:.3g}; "
                "rescale them first (e.g. (x + 1) / 2 for [-1, 1], x / 255 for [0, 255])."
            )
        image = np.clip(image, 0.0, 1.0)
    elif image.min() >= 0 and image.max() <= 255:
        image = image.astype(np.float64) / 255.0
    else:
        raise ValueError(f"integer images must lie in [0, 255]. Received dtype {image.dtype} with "
                         f"values from {image.min()} to {image.max()}")
    return image[..., 0] if image.shape[-1] == 1 else image


def hide_ticks(axes: Axes) -> None:
    """Remove ticks and frame from `axes` but keep its labels usable."""
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_visible(False)


def grid_shape(count: int) -> tuple[int, int]:
    """Return (rows, columns) of a near-square grid holding `count` panels."""
    columns = int(np.ceil(np.sqrt(count)))
    return int(np.ceil(count / columns)), columns


@dataclass(frozen=True)
class Mosaic:
    """Images laid out as one picture: where each row's tiles start and where each tile's centre is (pixels)."""

    canvas: np.ndarray  # (H, W, 3)
    row_tops: list[int]  # the first pixel row of each row of tiles
    row_centres: list[float]
    column_centres: list[float]


def image_mosaic(batches: list[np.ndarray], gap_fraction: float = 0.1, band_fraction: float = 0.0) -> Mosaic:
    """All images as one (H, W, 3) picture, each batch a row of tiles with white gaps between them and, when
    `band_fraction` > 0, a white band of that fraction of a tile's height above each row (for titles). Drawing one
    picture is many times faster than one axes per image."""
    tiles = [[displayable(image) for image in batch] for batch in batches]
    height = max(tile.shape[0] for row in tiles for tile in row)
    width = max(tile.shape[1] for row in tiles for tile in row)
    gap = max(1, round(gap_fraction * max(height, width)))
    band = round(band_fraction * height)
    columns = max(len(row) for row in tiles)
    pitch = band + height + gap
    canvas = np.ones((len(tiles) * pitch - gap, columns * (width + gap) - gap, 3))
    row_tops = [row_index * pitch + band for row_index in range(len(tiles))]
    for top, row in zip(row_tops, tiles):
        for column, tile in enumerate(row):
            left = column * (width + gap)
            rgb = tile if tile.ndim == 3 else np.repeat(tile[..., np.newaxis], 3, axis=2)
            canvas[top:top + tile.shape[0], left:left + tile.shape[1]] = rgb
    return Mosaic(canvas, row_tops, [top + (height - 1) / 2 for top in row_tops],
                  [column * (width + gap) + (width - 1) / 2 for column in range(columns)])
