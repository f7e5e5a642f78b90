"""Keras-style .npz files holding x_train, y_train, x_test, y_test."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from classicnets.data.arrays import LARGEST_VALUE, first_out_of_range
from classicnets.data.stored import IN_MEMORY_LIMIT, StoredImages, read_npy_header
from classicnets.errors import UserError

NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
Split = tuple[np.ndarray, np.ndarray]


def _open_npz(path: Path) -> np.lib.npyio.NpzFile:
    """np.load without pickles; UserError for a missing, damaged or incomplete file."""
    if not path.is_file():
        raise UserError(f"npz file {path} does not exist. Check the path.")
    try:
        arrays = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise UserError(f"cannot read {path} as an .npz file ({error}). Save it again with numpy.savez.") from error
    if not isinstance(arrays, np.lib.npyio.NpzFile) or not set(NPZ_KEYS) <= set(arrays.files):
        found = ", ".join(arrays.files) if isinstance(arrays, np.lib.npyio.NpzFile) else "a single array"
        raise UserError(
            f"{path} must hold the arrays {', '.join(NPZ_KEYS)}; found {found or 'no arrays'}. Save it with "
            f"numpy.savez(path, x_train=..., y_train=..., x_test=..., y_test=...)."
        )
    return arrays


def stored_member(path: Path, key: str) -> StoredImages | None:
    """The uint8 images (N, H, W[, C]) of member `key`.npy read in place, when numpy.savez stored it
    uncompressed (numpy.savez_compressed's members must be inflated: None)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(f"{key}.npy")
        if info.compress_type != zipfile.ZIP_STORED:
            return None
        with archive.open(info) as member:
            shape, fortran_order, dtype = read_npy_header(member)
            header_size = member.tell()
    if dtype != np.uint8 or fortran_order or len(shape) not in (3, 4) or (len(shape) == 4 and shape[3] not in (1, 3)):
        return None
    with open(path, "rb") as stream:  # the member's data starts after its local header, whose extra field may differ
        stream.seek(info.header_offset + 26)
        name_size, extra_size = np.frombuffer(stream.read(4), "<u2")
    data_start = info.header_offset + 30 + int(name_size) + int(extra_size) + header_size
    if path.stat().st_size < data_start + int(np.prod(shape)):  # cut short: np.load says so
        return None
    return StoredImages(path, data_start, tuple(shape) if len(shape) == 4 else (*shape, 1))


def read_npz(path: str | Path, stream: str = "off") -> tuple[Split, Split]:
    """((x_train, y_train), (x_test, y_test)) from an .npz file. Uncompressed uint8 images are left in the file
    (StoredImages) with stream='on', or with 'auto' when they take more than IN_MEMORY_LIMIT."""
    path = Path(path).expanduser()
    with _open_npz(path) as arrays:
        in_file = [stored_member(path, key) for key in ("x_train", "x_test")] if stream != "off" else [None]
        keys = NPZ_KEYS
        if all(in_file) and (stream == "on" or sum(x.nbytes for x in in_file) > IN_MEMORY_LIMIT):
            keys = ("y_train", "y_test")  # the images stay in the file
        try:
            values = {key: arrays[key] for key in keys}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
            raise UserError(
                f"{path} is damaged or holds Python objects ({error}). Save plain arrays with numpy.savez."
            ) from error
    for key, array in values.items():
        _check_array(path, key, array)
    if "x_train" not in values:
        values["x_train"], values["x_test"] = in_file
    return (values["x_train"], values["y_train"]), (values["x_test"], values["y_test"])


def _check_array(path: Path, key: str, values: np.ndarray) -> None:
    """UserError for an array that is no list of samples, or whose sample `index` holds nan, inf or a number
    too large to train on (found before training, where it would only show as a loss of nan)."""
    if values.ndim == 0:
        raise UserError(f"{path}: {key} is a single value ({values!r}), not one entry per sample; save "
                        f"{key} as an array with the samples along its first axis.")
    index = first_out_of_range(values)
    if index is not None:
        raise UserError(f"{path}: {key}[{index}] holds nan, infinity or a number beyond +-{LARGEST_VALUE:.1e}; "
                        f"every value must be a finite number. Fix or remove sample {index} of {key} and save the "
                        "file again.")


def read_npz_shapes(path: str | Path) -> dict[str, tuple[int, ...]]:
    """Shape of each split array, read from the .npy headers only (for listings)."""
    path = Path(path).expanduser()
    shapes = {}
    with _open_npz(path), zipfile.ZipFile(path) as archive:
        for key in NPZ_KEYS:
            with archive.open(f"{key}.npy") as member:
                shapes[key] = read_npy_header(member)[0]
    return shapes
