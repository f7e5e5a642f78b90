"""CSV files, Kaggle style: a `label` column plus numeric columns (pixels of square images, or features)."""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from classicnets.data.arrays import LARGEST_VALUE, out_of_range, split_dataset
from classicnets.data.dataset import Dataset
from classicnets.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

LABEL_COLUMN = "label"
ROWS_PER_CHUNK = 10_000


def _read_table(path: Path) -> pd.DataFrame:
    """The CSV as a DataFrame with at least one row; UserError for a missing, empty or broken file."""
    tables = list(_read_tables(path, rows=None))
    if not tables or len(tables[0]) == 0:
        raise UserError(f"CSV file {path} has a header but no data rows. Add one row per sample.")
    return tables[0]


def _read_tables(path: Path, rows: int | None) -> Iterator[pd.DataFrame]:
    """The CSV as DataFrames of `rows` rows each (None: one of all); UserError for a missing, empty or broken
    file, raised where it is found."""
    import pandas as pd  # imported here: pandas is slow to import and only CSV files need it

    if not path.is_file():
        raise UserError(f"CSV file {path} does not exist. Check the path.")
    try:
        if rows is None:
            yield pd.read_csv(path)
            return
        with pd.read_csv(path, chunksize=rows) as reader:
            yield from reader
    except pd.errors.EmptyDataError as error:
        raise UserError(
            f"CSV file {path} is empty. It needs a header row (with a 'label' column) and then data rows."
        ) from error
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise UserError(
            f"cannot parse CSV file {path} ({error}). Check that it is a comma-separated text file."
        ) from error
    except (OSError, EOFError, zlib.error) as error:  # a damaged .csv.gz (or an unreadable file)
        fix = ("compress the CSV again (gzip FILE.csv) or give the plain .csv" if path.name.lower().endswith(".gz")
               else "check that the file can be read")
        raise UserError(f"cannot read CSV file {path} ({error}); {fix}.") from error


def _label_column(table: pd.DataFrame, path: Path) -> str:
    """The column named 'label' (any letter case); UserError listing the columns when there is none."""
    for column in table.columns:
        if str(column).strip().lower() == LABEL_COLUMN:
            return column
    shown = ", ".join(map(str, table.columns[:20])) + (", ..." if len(table.columns) > 20 else "")
    raise UserError(
        f"CSV file {path} has no 'label' column; the columns found are: {shown}. Name the column that "
        f"holds each row's class 'label' (the other columns must be numbers)."
    )


def _numeric_features(table: pd.DataFrame, path: Path, first_row: int = 0) -> np.ndarray:
    """Feature columns as numbers (N, F); UserError naming the row and column of a non-numeric or empty cell
    (the table's rows are the file's from data row `first_row` + 1 on)."""
    import pandas as pd

    for column in table.columns:
        values = table[column]
        is_numeric = pd.api.types.is_numeric_dtype(values)
        numbers = values if is_numeric else pd.to_numeric(values, errors="coerce")
        bad = np.flatnonzero(numbers.isna().to_numpy())
        if len(bad):
            cell = values.iloc[bad[0]]
            row = first_row + bad[0]
            problem = "is empty" if pd.isna(cell) else f"holds {str(cell)!r}, which is not a number"
            raise UserError(
                f"CSV file {path}: data row {row + 1} (line {row + 2} counting the header), column {column!r} "
                f"{problem}. Every column except 'label' must hold numbers; fix or remove that row."
            )
        if not is_numeric:
            table[column] = numbers
        _check_range(numbers.to_numpy(), values, column, path, first_row)
    values = table.to_numpy()  # int64 when every column holds whole numbers, else float64 (object for bools)
    return values.astype(np.float64) if values.dtype == object else values


def _check_range(numbers: np.ndarray, cells: pd.Series, column: str, path: Path, first_row: int) -> None:
    """UserError naming the first cell that is infinite or too large to train on (1e308 overflows once scaled)."""
    bad = np.flatnonzero(out_of_range(numbers))
    if len(bad):
        row = first_row + bad[0]
        raise UserError(
            f"CSV file {path}: data row {row + 1} (line {row + 2} counting the header), column {column!r} holds "
            f"{str(cells.iloc[bad[0]])!r}; features must be finite numbers within +-{LARGEST_VALUE:.1e}. Fix or remove "
            f"that row, or rescale the column (e.g. to other units)."
        )


def _as_bytes(features: np.ndarray) -> np.ndarray | None:
    """Whole numbers 0..255 as uint8 (a chunk of pixels: 1/8 of its int64 or float64 size); else None."""
    if features.size and (features.min() < 0 or features.max() > 255):
        return None
    if features.dtype.kind == "f" and not np.array_equal(np.rint(features), features):
        return None
    return features.astype(np.uint8)


def _as_square_images(pixels: np.ndarray) -> np.ndarray | None:
    """uint8 (N, s*s) -> (N, s, s); None when the columns are not a square image's."""
    side = math.isqrt(pixels.shape[1])
    return pixels.reshape(len(pixels), side, side) if side >= 2 and side * side == pixels.shape[1] else None


def _labelled_chunk(table: pd.DataFrame, path: Path, first_row: int) -> tuple[np.ndarray, np.ndarray]:
    """(features, labels) of one chunk of rows, checked; pixel-like features come as uint8."""
    label_column = _label_column(table, path)
    labels = table[label_column]
    missing = np.flatnonzero(labels.isna().to_numpy())
    if len(missing):
        row = first_row + missing[0]
        raise UserError(
            f"CSV file {path}: data row {row + 1} (line {row + 2} counting the header) has no "
            f"label. Give every row a label, or remove the rows without one."
        )
    feature_table = table.drop(columns=[label_column])
    if feature_table.shape[1] == 0:
        raise UserError(f"CSV file {path} has only a 'label' column; add the feature (or pixel) columns.")
    features = _numeric_features(feature_table, path, first_row)
    as_bytes = _as_bytes(features)
    return (features if as_bytes is None else as_bytes), labels.to_numpy()


def _joined_labels(parts: list[np.ndarray]) -> np.ndarray:
    """The chunks' labels as one array; text throughout when a chunk held text (pandas typed each chunk alone)."""
    if all(part.dtype.kind in "iuf" for part in parts) or all(part.dtype.kind == "O" for part in parts):
        return np.concatenate(parts)
    return np.concatenate([part.astype(str).astype(object) for part in parts])


def load_csv(name: str, path: Path, test_fraction: float, seed: int) -> Dataset:
    """A labelled CSV as square grayscale images (N, s, s, 1) or min-max scaled features (N, F), split stratified.
    The file is read ROWS_PER_CHUNK rows at a time; pixels are kept as bytes."""
    features, labels, first_row = [], [], 0
    for table in _read_tables(path, ROWS_PER_CHUNK):
        if len(table):
            chunk_features, chunk_labels = _labelled_chunk(table, path, first_row)
            features.append(chunk_features)
            labels.append(chunk_labels)
            first_row += len(table)
    if not features:
        raise UserError(f"CSV file {path} has a header but no data rows. Add one row per sample.")
    pixels = all(part.dtype == np.uint8 for part in features)
    x = np.concatenate(features if pixels else [part.astype(np.float64, copy=False) for part in features])
    del features
    images = _as_square_images(x) if pixels else None
    kind = "features" if images is None else "square images"
    return split_dataset(name, f"{path} (CSV, {kind})", x if images is None else images, _joined_labels(labels),
                         test_fraction, seed)
