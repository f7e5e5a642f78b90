"""Using a trained run: probabilities for arrays and image files; values, labels or scores for rows of features
(--values 1,0 or a CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from classicnets.config import RunConfig
from classicnets.data import load_image_files
from classicnets.data.stored import StoredImages, in_chunks
from classicnets.errors import UserError
from classicnets.models.tasks import tasks_where
from classicnets.evaluation import top_k


PIECE_VALUES = 1 << 24  # input values converted to float32 at a time (64 MB)
BATCH_VALUES = 1 << 22  # input values in one batch: 512 MNIST digits, 151 RGB images of 96x96


def batch_for(x: np.ndarray | StoredImages, most: int) -> int:
    """At most `most` examples, and at most BATCH_VALUES input values: large images keep a batch's activations
    small."""
    return max(1, min(most, BATCH_VALUES // max(1, int(np.prod(x.shape[1:])))))


def predict_outputs(model: Any, x: np.ndarray | StoredImages, batch_size: int = 512) -> np.ndarray:
    """The model's outputs for stored inputs (uint8 pixels or scaled features): probabilities, scores, values;
    about PIECE_VALUES input values are scaled to float32 at a time, and a batch holds at most BATCH_VALUES."""
    batch_size = batch_for(x, batch_size)
    outputs = []
    for piece in in_chunks(x, max(batch_size, PIECE_VALUES // max(1, int(np.prod(x.shape[1:]))))):
        inputs = piece.astype(np.float32) / 255.0 if piece.dtype == np.uint8 else piece.astype(np.float32)
        outputs.append(np.asarray(model.predict(inputs, batch_size=batch_size, verbose=0)))
    return np.concatenate(outputs) if outputs else np.asarray(model.predict(x, verbose=0))


def predict_probabilities(model: Any, x: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Class probabilities (N, K) for stored inputs (uint8 pixels or [0,1] features)."""
    return predict_outputs(model, x, batch_size)


def match_background(images: np.ndarray, dark_background: bool) -> np.ndarray:
    """Invert photos whose background is the opposite of the training data's (black ink on white paper
    vs MNIST's white on black); judged per image from its border pixels."""
    border = np.concatenate([images[:, 0], images[:, -1], images[:, :, 0], images[:, :, -1]], axis=1)
    light = border.reshape(len(images), -1).mean(axis=1) >= 128
    flip = light if dark_background else ~light
    images = images.copy()
    images[flip] = 255 - images[flip]
    return images


def image_paths(paths: list[str]) -> list[str]:
    """The image files given, each folder among them replaced by the image files inside it, sorted by name."""
    from classicnets.data.images import IMAGE_EXTENSIONS, is_image_file

    found = []
    for path in map(Path, paths):
        if not path.is_dir():
            found.append(str(path))
            continue
        inside = sorted(str(child) for child in path.iterdir() if is_image_file(child))
        if not inside:
            raise UserError(f"folder {path} holds no image files ({', '.join(IMAGE_EXTENSIONS)}); give image files, "
                            "or a folder with some in it")
        found += inside
    return found


def predict_files(model: Any, config: RunConfig, paths: list[str], k: int = 3) -> list[dict[str, Any]]:
    """Predicted label, confidence and top-k for each image file (folders: the images in them), converted to
    the run's input shape."""
    paths = image_paths(paths)
    info = config.data_info
    if not info.get("is_image", True):
        raise_not_image(config)
    height, width, channels = info["input_shape"]
    images = load_image_files(paths, (height, width), channels)
    images = match_background(images, info.get("dark_background", True))
    probabilities = predict_probabilities(model, images)
    results = []
    for path, row in zip(paths, probabilities):
        best = top_k(row, info["class_names"], k)
        results.append({"file": str(path), "label": best[0]["label"], "confidence": best[0]["probability"], "top_k": best})
    return results


def raise_not_image(config: RunConfig) -> None:
    """Predicting on image files needs a run trained on images."""
    raise UserError(
        f"this run was trained on feature vectors from {config.data.dataset!r}, not images, so it cannot "
        "classify image files; give it rows of features instead (--values 1,0 or --csv FILE), or train on an "
        "image dataset (mnist, fashion-mnist, digits, a folder of images)"
    )


TABLE_TASKS = tasks_where(reads_rows=True)  # tasks whose runs predict from feature rows


def check_table_run(config: RunConfig) -> None:
    """--values/--csv need a run trained on a table of features; UserError naming the run's data otherwise."""
    from classicnets.models import task_of

    info = config.data_info
    is_table = not info.get("is_image", True) and len(info.get("input_shape", [])) == 1
    if task_of(config) not in TABLE_TASKS or not is_table:
        raise UserError(f"--values/--csv need a run trained on a table of features (a CSV, or the bundled tables of "
                        f"linear-regression, linear-classifier and tabular); this {config.model} run was trained on "
                        f"{config.data.dataset!r}. Runs on images take image files: classicnets predict RUN a.png")


def parse_values(text: str, count: int) -> np.ndarray:
    """'1,0' -> one row of `count` numbers; UserError for a wrong count or a value that is not a number."""
    parts = [part.strip() for part in text.split(",")]
    try:
        row = [float(part) for part in parts]
    except ValueError:
        raise UserError(f"--values {text!r}: every value must be a number, e.g. --values 1,0") from None
    if len(row) != count:
        raise UserError(f"--values {text!r} has {len(row)} value(s), but the run was trained on {count} feature(s)"
                        f"; give {count} comma-separated numbers")
    return np.array([row], dtype=np.float64)


def feature_rows(config: RunConfig, values: list[str] | None = None, csv: str | None = None) -> np.ndarray:
    """The rows to predict (N, F) in the data's own units, from --values strings or a CSV file."""
    from classicnets.data.columns import read_feature_rows

    check_table_run(config)
    shape, extra = config.data_info["input_shape"], config.data_info.get("extra", {})
    if csv is not None:
        rows = read_feature_rows(Path(csv), extra.get("feature_names"), extra.get("target", "label"))
        if rows.shape[1] != shape[0]:
            raise UserError(f"CSV file {csv} has {rows.shape[1]} feature column(s), the run was trained on {shape[0]}")
        return rows
    return np.concatenate([parse_values(text, shape[0]) for text in values or []])


def predict_rows(model: Any, config: RunConfig, rows: np.ndarray, k: int = 3) -> list[dict[str, Any]]:
    """One result per feature row: a value (regression), or a label with its score or probabilities."""
    from classicnets.data.arrays import scale_features
    from classicnets.models import task_of
    from classicnets.models.linear import classes_from_scores

    check_table_run(config)
    task, info = task_of(config), config.data_info
    x = rows.astype(np.float32)
    if "feature_min" in info:
        x = scale_features(rows, np.asarray(info["feature_min"]), np.asarray(info["feature_max"]))
    outputs = predict_outputs(model, x)
    names = info.get("class_names", [])
    results = []
    for row, output in zip(rows.tolist(), outputs):
        result: dict[str, Any] = {"inputs": row}
        if task == "regression":
            result["value"] = float(output[0])
        elif task == "linear-classifier":
            result.update(label=names[int(classes_from_scores(output[None])[0])], scores=[float(v) for v in output])
        else:
            best = top_k(output, names, k)
            result.update(label=best[0]["label"], confidence=best[0]["probability"], top_k=best)
        results.append(result)
    return results
