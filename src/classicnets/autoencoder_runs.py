"""What `classicnets reconstruct`, `encode` and `sample` do with an autoencoder run directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np

from classicnets.autoencoding import (
    check_same_shape, encode, image_files_as_inputs, mean_squared_error, open_autoencoder_run, reconstruct,
    sample_images,
)
from classicnets.errors import UserError
from classicnets.evaluation import plot_image_grid
from classicnets.evaluation._figures import grid_shape
from classicnets.files import atomic_write, check_output
from classicnets.generation import check_image_count
from classicnets.workflows import load_run_data


def reconstruct_run(run_dir: Path, out: Path, images: list[str] | None = None, count: int = 10,
                    dataset: str | None = None, notice: Callable[[str], None] = print,
                    force: bool = False) -> dict[str, Any]:
    """Originals above reconstructions as a PNG: the given image files (or folders of them), else the first
    `count` test images. An existing `out` is replaced only with `force`."""
    check_output(out, force, (".png",))
    check_image_count(count)
    model, config = open_autoencoder_run(run_dir, "reconstruct")
    if images:
        x = image_files_as_inputs(config, images)
    else:
        data = load_run_data(config, dataset, notice=notice)
        check_same_shape(config, data)
        if not data.is_image:
            raise UserError(f"dataset {data.name!r} holds feature vectors, not images; there is nothing to draw")
        x = data.x_test[:count]
    reconstructions = reconstruct(model, x)
    errors = mean_squared_error(x, reconstructions)
    plot_image_grid([x, reconstructions], out, row_titles=["original", "reconstructed"],
                    title=f"{len(x)} images and their reconstructions (MSE {errors.mean():.4f})")
    return {"out": str(out), "images": len(x), "mse": float(errors.mean()), "per_image_mse": errors.tolist()}


def encode_run(run_dir: Path, out: Path, dataset: str | None = None,
               notice: Callable[[str], None] = print, force: bool = False) -> dict[str, Any]:
    """Codes and labels of a dataset's train and test splits, saved as .npz (x_train, y_train, x_test, y_test:
    the codes are the features, so the file is itself a dataset classicnets can train on). An existing `out` is
    replaced only with `force`."""
    out = check_output(out, force, (".npz",))
    model, config = open_autoencoder_run(run_dir, "encode")
    data = load_run_data(config, dataset, notice=notice)
    check_same_shape(config, data)
    train_codes, test_codes = encode(model, data.x_train), encode(model, data.x_test)
    atomic_write(out, lambda stream: np.savez_compressed(stream, x_train=train_codes, y_train=data.y_train,
                                                         x_test=test_codes, y_test=data.y_test,
                                                         class_names=np.array(data.class_names)))
    return {"out": str(out), "dataset": data.name, "code_size": int(test_codes.shape[1]),
            "train": int(len(train_codes)), "test": int(len(test_codes))}


def sample_run(run_dir: Path, out: Path, count: int = 16, seed: int = 0, force: bool = False) -> dict[str, Any]:
    """A grid of `count` new images a VAE run draws from its prior, as a PNG. An existing `out` is replaced only
    with `force`."""
    check_output(out, force, (".png",))
    check_image_count(count)
    model, config = open_autoencoder_run(run_dir, "sample")
    if not config.data_info.get("is_image", True):
        raise UserError(f"{run_dir} was trained on feature vectors, so its samples are not images to draw")
    samples = sample_images(model, count, seed)
    rows, columns = grid_shape(count)
    batches = [samples[row * columns:(row + 1) * columns] for row in range(rows)]
    plot_image_grid(batches, out, title=f"{count} samples of {Path(run_dir).name} (seed {seed})")
    return {"out": str(out), "samples": count, "shape": list(samples.shape[1:])}
