"""Drawing images from a trained gan/cgan run: any count, any class, reproducible by seed."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from classicnets import runs
from classicnets.config import RunConfig
from classicnets.errors import UserError
from classicnets.evaluation import plot_image_grid
from classicnets.files import check_output
from classicnets.models import task_of
from classicnets.models.tasks import get_task, tasks_where

GAN_TASKS = tasks_where(generates=True)
MAX_IMAGES = 10_000  # one grid: 100 x 100 images; more is no longer a picture and can exhaust memory


def open_generator_run(run_dir: Path) -> tuple[runs.RunDir, RunConfig]:
    """A GAN run whose model file is whole, and its config; UserError for any other kind of run."""
    config = runs.read_config(runs.open_run(Path(run_dir)))
    if task_of(config) not in GAN_TASKS:
        raise UserError(f"{run_dir} holds a {config.model!r} run, which does not generate images; give the run "
                        f"directory of a gan or cgan run (`classicnets train cgan ...`)")
    return runs.open_run(Path(run_dir), needs=("model",)), config


def check_image_count(count: int, rows: int = 1) -> None:
    """--n: at least 1, and at most MAX_IMAGES images in one grid (`rows` of `count`), checked before any work."""
    if count < 1:
        raise UserError(f"--n must be at least 1. Received: --n {count}")
    if count * rows > MAX_IMAGES:
        each = f" ({count:,} for each of {rows} classes)" if rows > 1 else ""
        raise UserError(f"--n {count} asks for {count * rows:,} images{each}; one grid holds at most {MAX_IMAGES:,}. "
                        "Give a smaller --n (run the command again with other --seed values for more)")


def parse_label(text: str, class_names: list[str]) -> int | None:
    """A class name or index -> its index; 'all' -> None. UserError for anything the run does not know."""
    if text == "all":
        return None
    lowered = [name.lower() for name in class_names]
    if text.lower() in lowered:
        return lowered.index(text.lower())
    if text.isdigit() and int(text) < len(class_names):
        return int(text)
    raise UserError(f"--label {text!r} is not a class of this run; use 'all', an index 0..{len(class_names) - 1} "
                    f"or one of: {', '.join(class_names)}")


def generated_rows(model: Any, class_names: list[str], label: str | None, n: int,
                   seed: int) -> tuple[list[np.ndarray], list[str] | None, str]:
    """Image rows for a grid, their row titles and a title: one row per class for --label all."""
    if not model.conditional:
        if label is not None:
            raise UserError(f"--label {label!r}: this run is an unconditional gan and cannot draw a chosen class; "
                            "train a cgan for that, or leave out --label")
        return _square(model.sample(n, seed=seed)), None, f"{n} samples (seed {seed})"
    index = parse_label(label or "all", class_names)
    if index is None:
        return [model.sample(n, k, seed=seed) for k in range(len(class_names))], list(class_names), \
            f"{n} samples of each class (seed {seed})"
    return _square(model.sample(n, index, seed=seed)), None, f"{n} samples of {class_names[index]} (seed {seed})"


def _square(images: np.ndarray) -> list[np.ndarray]:
    """Images split into the rows of a near-square grid."""
    columns = math.ceil(math.sqrt(len(images)))
    return [images[start:start + columns] for start in range(0, len(images), columns)]


def generate_to_file(run_dir: Path, out: Path, label: str | None = None, n: int = 16, seed: int = 0,
                     force: bool = False) -> Path:
    """Write a PNG grid of generated images; returns its path. Everything is checked before the model is loaded;
    an existing `out` is replaced only with `force`."""
    check_output(out, force, (".png",))
    check_image_count(n)
    run, config = open_generator_run(run_dir)
    class_names = list(config.data_info.get("class_names", []))
    if get_task(task_of(config)).classes and parse_label(label or "all", class_names) is None:
        check_image_count(n, len(class_names))  # one row of n for each class
    rows, titles, title = generated_rows(runs.load_model(run), class_names, label, n, seed)
    return plot_image_grid(rows, out, row_titles=titles, title=f"{config.model}: {title}")
