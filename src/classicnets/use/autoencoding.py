"""Using a trained autoencoder: codes, reconstructions and (for a VAE) new samples, for arrays, image files
and run directories (what `classicnets reconstruct`, `encode` and `sample` do)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np

from classicnets import runs
from classicnets.config import RunConfig
from classicnets.data import Dataset, load_image_files
from classicnets.data.stored import StoredImages, in_chunks
from classicnets.errors import UserError
from classicnets.evaluation import plot_image_grid
from classicnets.evaluation._figures import grid_shape
from classicnets.files import atomic_write, check_output
from classicnets.models import task_of
from classicnets.runs.datasets import load_run_data
from classicnets.use.generation import check_image_count
from classicnets.use.inference import batch_for, image_paths, match_background

BATCH = 1000


def unit_range(x: np.ndarray) -> np.ndarray:
    """Stored inputs (uint8 pixels or [0, 1] features) as float32 in [0, 1]."""
    return x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)


def in_batches(function: Callable[[np.ndarray], Any], x: np.ndarray | StoredImages) -> np.ndarray:
    """function(batch) over the inputs scaled to [0, 1], BATCH examples at a time, joined into one array."""
    if len(x) == 0:
        raise UserError("there are no examples to run the autoencoder on")
    return np.concatenate([np.asarray(function(unit_range(batch))) for batch in in_chunks(x, batch_for(x, BATCH))])


def encode(model: Any, x: np.ndarray | StoredImages) -> np.ndarray:
    """Codes (N, code_size) of stored inputs (the mean code for a VAE)."""
    return in_batches(lambda batch: model.encode(batch, training=False), x)


def reconstruct(model: Any, x: np.ndarray) -> np.ndarray:
    """Reconstructions in [0, 1] (clipped), shaped like the inputs, of stored inputs or [0, 1] floats."""
    return np.clip(in_batches(lambda batch: model(batch, training=False), x), 0.0, 1.0)


def reconstruction_errors(model: Any, x: np.ndarray | StoredImages) -> np.ndarray:
    """Per-example mean squared error (N,) of the reconstructions, BATCH examples at a time."""
    return np.concatenate([mean_squared_error(batch, reconstruct(model, batch))
                           for batch in in_chunks(x, batch_for(x, BATCH))])


def add_noise(x: np.ndarray, noise: float, seed: int | np.random.Generator = 0) -> np.ndarray:
    """[0, 1] float copies of the inputs with Gaussian noise of std `noise`, clipped to [0, 1] (fixed seed, or
    the next draws of a generator)."""
    clean = unit_range(x)
    noisy = clean + noise * np.random.default_rng(seed).standard_normal(clean.shape, dtype=np.float32)
    return np.clip(noisy, 0.0, 1.0)


def mean_squared_error(x: np.ndarray, reconstruction: np.ndarray) -> np.ndarray:
    """Per-example mean squared error over pixels (N,), inputs scaled to [0, 1] first."""
    difference = unit_range(x).reshape(len(x), -1) - reconstruction.reshape(len(x), -1)
    return np.mean(np.square(difference, dtype=np.float64), axis=1)


def open_autoencoder_run(run_dir: Path, command: str) -> tuple[Any, RunConfig]:
    """The model and config of an autoencoder run; a clear error for any other kind of run."""
    config = runs.read_config(runs.open_run(Path(run_dir)))
    if task_of(config) != "autoencoder":
        raise UserError(f"{run_dir} holds a {config.model!r} run, but `classicnets {command}` needs an autoencoder "
                        "run; train one with `classicnets train autoencoder`")
    model = runs.load_model(runs.open_run(Path(run_dir), needs=("model",)))
    if command == "encode" and not hasattr(model, "encode"):
        raise UserError(f"{run_dir} holds your own autoencoder network, which has no encode() of its own to give "
                        "codes; `classicnets reconstruct` works with it")
    return model, config


def check_same_shape(config: RunConfig, dataset: Dataset) -> None:
    """The data must have the shape the run was trained on."""
    expected = tuple(config.data_info["input_shape"])
    if tuple(dataset.input_shape) != expected:
        raise UserError(f"dataset {dataset.name!r} has samples of shape {tuple(dataset.input_shape)}, but the run "
                        f"was trained on shape {expected}; use data of that size (e.g. --image-size for a folder)")


def image_files_as_inputs(config: RunConfig, paths: list[str]) -> np.ndarray:
    """Image files converted to the run's input shape (uint8), with the training data's background."""
    info = config.data_info
    if not info.get("is_image", True):
        raise UserError(f"this run was trained on feature vectors from {config.data.dataset!r}, not images; "
                        "reconstruct its test split instead (leave out the image files)")
    height, width, channels = info["input_shape"]
    images = load_image_files(image_paths(paths), (height, width), channels)
    return match_background(images, info.get("dark_background", True))


def sample_images(model: Any, count: int, seed: int = 0) -> np.ndarray:
    """`count` new images in [0, 1] drawn by a VAE from its prior."""
    if not hasattr(model, "generate"):
        raise UserError("this autoencoder is not variational, so it cannot draw new samples; train one with "
                        "`classicnets train autoencoder --kind variational` and sample from that run")
    check_image_count(count)
    return np.clip(np.asarray(model.generate(count, seed=seed)), 0.0, 1.0)


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
