"""Regression tables: the notes' line (x=[1,2,3,4], y=[2,4,6,8]) or any CSV with a numeric target column."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np

from classicnets.data.arrays import LARGEST_VALUE, out_of_range, scale_features
from classicnets.data.columns import BUNDLED_FILES, FeatureTable, csv_path, read_feature_table, scaled_like_run
from classicnets.data.dataset import Dataset
from classicnets.errors import UserError

LINE_NAME = "line"
LINE_SOURCE = "the notes' line y = 2x (bundled; test: x = 3.5, 5, 5.5, 6)"


def numeric_target(table: FeatureTable, path: Path) -> np.ndarray:
    """The target column as float64; UserError naming the first cell that is not a number."""
    import pandas as pd

    values = pd.to_numeric(pd.Series(table.target), errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(out_of_range(values))
    if len(bad):
        raise UserError(f"CSV file {path}: data row {bad[0] + 1}, column {table.target_name!r} holds "
                        f"{str(table.target[bad[0]])!r}; a regression target must be numeric: a finite number within "
                        f"+-{LARGEST_VALUE:.1e}. Fix or remove that row.")
    return values


def regression_dataset(name: str, source: str, train: FeatureTable, test: FeatureTable,
                       y_train: np.ndarray, y_test: np.ndarray) -> Dataset:
    """Features min-max scaled by the train split; targets kept in their units, their mean and spread in extra."""
    feature_min, feature_max = train.features.min(axis=0), train.features.max(axis=0)
    x_train, x_test = (scale_features(t.features, feature_min, feature_max) for t in (train, test))
    spread = float(y_train.std()) or 1.0
    extra = {"feature_names": train.feature_names, "target": train.target_name,
             "target_mean": float(y_train.mean()), "target_scale": spread}
    return Dataset(name, source, x_train, y_train.astype(np.float32), x_test, y_test.astype(np.float32), [],
                   feature_min.astype(np.float32), feature_max.astype(np.float32), extra)


def split_rows(table: FeatureTable, test_fraction: float, seed: int, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Seeded random train/test row indices; both sides get at least one row."""
    count = len(table.features)
    if count < 2 or not 0 < test_fraction < 1:
        raise UserError(f"{where} needs at least 2 rows and a test fraction in (0, 1) to hold out a test split "
                        f"(it has {count} rows, test fraction {test_fraction}).")
    order = np.random.default_rng(seed).permutation(count)
    held = min(max(int(round(count * test_fraction)), 1), count - 1)
    return order[held:], order[:held]


def subset(table: FeatureTable, rows: np.ndarray) -> FeatureTable:
    """Some rows of a table."""
    return FeatureTable(table.features[rows], table.target[rows], table.feature_names, table.target_name)


def load_regression(config: Any, notice: Callable[[str], None] = print) -> Dataset:
    """The run's regression data: the bundled line by default, else the CSV in config.data.dataset (its column
    config.data.target, default y, predicted)."""
    target = config.data.target or "y"
    dataset = config.data.dataset
    if dataset in (None, LINE_NAME):
        train = read_feature_table(BUNDLED_FILES / "line.csv", "y")
        test = read_feature_table(BUNDLED_FILES / "line_test.csv", "y")
        line = regression_dataset(LINE_NAME, LINE_SOURCE, train, test, numeric_target(train, Path("line.csv")),
                                  numeric_target(test, Path("line_test.csv")))
        return scaled_like_run(line, config.data_info)
    path = csv_path(dataset, "linear-regression", LINE_NAME)
    table = read_feature_table(path, target)
    values = numeric_target(table, path)
    train_rows, test_rows = split_rows(table, config.data.test_fraction, config.train.seed, str(path))
    loaded = regression_dataset(str(dataset), f"{path} (CSV, target {table.target_name!r})",
                                subset(table, train_rows), subset(table, test_rows), values[train_rows],
                                values[test_rows])
    return scaled_like_run(loaded, config.data_info)
