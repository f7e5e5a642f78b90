"""Feature tables from CSV files: numeric feature columns plus one target column named by the user.

Parsing and the numeric checks are the ones of the Kaggle-style loader (data/tables.py); this module adds a
target column of any name, feature names kept for prediction, and tables that are never read as images."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from classicnets.data.arrays import scale_features, split_dataset
from classicnets.data.dataset import Dataset
from classicnets.data.labels import require_classes
from classicnets.data.tables import _numeric_features, _read_table
from classicnets.errors import SettingsError, UserError

BUNDLED_FILES = Path(__file__).parent / "bundled_files"  # package data: the notes' small tables


@dataclass(frozen=True)
class FeatureTable:
    """A CSV's feature columns as numbers (N, F), its target column as read, and the column names."""

    features: np.ndarray
    target: np.ndarray
    feature_names: list[str]
    target_name: str


TARGET_HINT = "Name the column to predict with {target} COLUMN."  # {target}: the setting (--target on the CLI)


def find_column(columns: list[str], wanted: str, path: Path, hint: str | None = None) -> str:
    """The column named `wanted` (any letter case); an error listing the columns and `hint` (default: how to name
    the target column) when there is none."""
    for column in columns:
        if str(column).strip().lower() == wanted.strip().lower():
            return column
    shown = ", ".join(map(str, columns[:20])) + (", ..." if len(columns) > 20 else "")
    template = "CSV file {path} has no column {wanted!r}; its columns are: {shown}. " + (TARGET_HINT if hint is None
                                                                                         else "{hint}")
    raise SettingsError.about(template, "target", path=path, wanted=wanted, shown=shown, hint=hint)


def read_feature_table(path: Path, target: str) -> FeatureTable:
    """Read a CSV: the `target` column (no empty cells) and every other column as numeric features."""
    table = _read_table(Path(path))
    target_column = find_column(list(table.columns), target, path)
    values = table[target_column]
    missing = np.flatnonzero(values.isna().to_numpy())
    if len(missing):
        raise UserError(f"CSV file {path}: data row {missing[0] + 1} (line {missing[0] + 2} counting the header) "
                        f"has no {target_column!r} value. Fill it in or remove the row.")
    feature_table = table.drop(columns=[target_column])
    if feature_table.shape[1] == 0:
        raise UserError(f"CSV file {path} has only the column {target_column!r}; add feature columns.")
    try:
        features = _numeric_features(feature_table, path).astype(np.float64)
    except UserError as error:  # the Kaggle loader's message names its own 'label' column
        raise UserError(str(error).replace("except 'label'", f"except {target_column!r}")) from None
    return FeatureTable(features, values.to_numpy(), [str(c) for c in feature_table.columns], str(target_column))


def read_feature_rows(path: Path, feature_names: list[str] | None, target: str | None) -> np.ndarray:
    """Rows to predict from a CSV: the named feature columns (a target column, if present, is ignored)."""
    table = _read_table(Path(path))
    if feature_names:
        hint = f"The run was trained on the columns {', '.join(feature_names)}; give a CSV with them."
        table = table[[find_column(list(table.columns), name, path, hint) for name in feature_names]]
    elif target and any(str(c).strip().lower() == target.lower() for c in table.columns):
        table = table.drop(columns=[find_column(list(table.columns), target, path)])
    return _numeric_features(table, path).astype(np.float64)


def labelled_dataset(name: str, path: Path, target: str, test_fraction: float, seed: int) -> Dataset:
    """A classification table: features min-max scaled, labels (numbers or text) mapped to classes, split
    stratified by `test_fraction`."""
    table = read_feature_table(path, target)
    dataset = split_dataset(name, f"{path} (CSV, features)", table.features, table.target, test_fraction, seed)
    dataset.extra = {"feature_names": table.feature_names, "target": table.target_name}
    return dataset


def csv_path(dataset: str, model: str, default_name: str) -> Path:
    """The CSV file a table model was given; UserError for anything else."""
    path = Path(dataset).expanduser()
    if not path.name.lower().endswith((".csv", ".csv.gz")):
        raise SettingsError.about("{model} trains on its bundled data ({default!r}) or a .csv file; got {dataset!r}. "
                                  "Give a CSV with numeric feature columns and the column to predict ({target} "
                                  "COLUMN).", "target", model=model, default=default_name, dataset=dataset)
    return path


def load_labelled(config: Any, model: str, default_name: str, default: Callable[[], Dataset]) -> Dataset:
    """A classification model's data: its bundled default, or the labelled CSV in config.data.dataset."""
    dataset = config.data.dataset
    if dataset in (None, default_name):
        return scaled_like_run(default(), config.data_info)
    path = csv_path(dataset, model, default_name)
    loaded = labelled_dataset(str(dataset), path, config.data.target or "label",
                              config.data.test_fraction, config.train.seed)
    if not config.data_info:  # a new run; a trained run may be evaluated on rows of one class
        require_classes(loaded.y_train, loaded.class_names, str(path), model,
                        f"Add rows of another class to the {loaded.extra['target']!r} column, or name the column "
                        "that holds the classes with the target setting (--target COLUMN).")
    return scaled_like_run(loaded, config.data_info)


def unscale_features(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Min-max scaled features back in the CSV's own units (the inverse of scale_features)."""
    return np.asarray(x, dtype=np.float64) * np.where(high > low, high - low, 1.0) + low


def scaled_like_run(dataset: Dataset, data_info: dict[str, Any]) -> Dataset:
    """The dataset scaled with a trained run's feature bounds (a run evaluated on other data must see its inputs
    scaled as in training); unchanged for a new run or features of another count."""
    if "feature_min" not in data_info or dataset.feature_min is None:
        return dataset
    low, high = np.asarray(data_info["feature_min"]), np.asarray(data_info["feature_max"])
    if low.shape != dataset.feature_min.shape:
        return dataset  # evaluate_run reports the shape mismatch
    for split in ("x_train", "x_test"):
        raw = unscale_features(getattr(dataset, split), dataset.feature_min, dataset.feature_max)
        setattr(dataset, split, scale_features(raw, low, high))
    dataset.feature_min, dataset.feature_max = low.astype(np.float32), high.astype(np.float32)
    return dataset
