"""Images kept in a file instead of memory: a uint8 (N, H, W, C) array in a .npy file, read a batch at a time.

Rows are read with pread (os.preadv) into a fresh array, not memory-mapped: a mapping would count every page
it touched as this process's memory, while read pages stay in the operating system's file cache, which
gives them back when memory is needed. After the first epoch, the file cache serves them at memory speed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

CHUNK = 1024  # images per piece when a whole split is passed over (about 28 MB at 96x96x3)
IN_MEMORY_LIMIT = 1 << 28  # bytes of images (256 MiB) that stream="auto" holds in memory; larger ones are read a batch
# at a time (a copy in memory costs about three times its size while training: bench/README.md)


class _OpenFile:
    """One open file descriptor, shared by the views of a StoredImages, closed when the last one goes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = os.open(path, os.O_RDONLY)

    def __del__(self) -> None:
        fd = getattr(self, "fd", None)
        if fd is not None:
            os.close(fd)


def read_npy_header(stream: BinaryIO) -> tuple[tuple[int, ...], bool, np.dtype]:
    """(shape, fortran_order, dtype) from the .npy header at the stream's position, which ends after it."""
    version = np.lib.format.read_magic(stream)
    read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, fortran_order, dtype = read_header(stream)
    return tuple(shape), fortran_order, dtype


def npy_layout(path: Path) -> tuple[tuple[int, ...], np.dtype, int]:
    """(shape, dtype, offset of the first value) of a C-ordered .npy file, read from its header."""
    with open(path, "rb") as stream:
        shape, fortran_order, dtype = read_npy_header(stream)
        if fortran_order:
            raise ValueError(f"{path} holds a Fortran-ordered array; expected C order")
        return shape, dtype, stream.tell()


class StoredImages:
    """uint8 images (N, H, W, C) in a file: rows `indices` of the array stored at `offset` of `path`.

    Indexing with an int, a slice or an index array reads those images into a numpy array; `take(indices)`
    makes a narrower view without reading anything."""

    def __init__(self, path: Path, offset: int, shape: tuple[int, ...], indices: np.ndarray | None = None,
                 opened: _OpenFile | None = None) -> None:
        self.path, self.offset, self.stored_shape = Path(path), offset, tuple(shape)
        self.indices = np.arange(shape[0], dtype=np.int64) if indices is None else np.asarray(indices, np.int64)
        self._file = opened or _OpenFile(self.path)
        self.row_bytes = int(np.prod(shape[1:]))

    @classmethod
    def open_npy(cls, path: Path, indices: np.ndarray | None = None) -> StoredImages:
        """The images of a uint8 .npy file (N, H, W, C)."""
        shape, dtype, offset = npy_layout(path)
        if dtype != np.uint8 or len(shape) != 4:
            raise ValueError(f"{path} holds {dtype} {shape}; expected uint8 images (N, H, W, C)")
        return cls(path, offset, shape, indices)

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self.indices), *self.stored_shape[1:])

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(np.uint8)

    @property
    def ndim(self) -> int:
        return len(self.stored_shape)

    @property
    def nbytes(self) -> int:
        return len(self.indices) * self.row_bytes

    def __len__(self) -> int:
        return len(self.indices)

    def __repr__(self) -> str:
        return f"StoredImages({self.path}, shape={self.shape})"

    def take(self, indices: np.ndarray) -> StoredImages:
        """The view of these rows (positions in this view), read later."""
        return StoredImages(self.path, self.offset, self.stored_shape, self.indices[np.asarray(indices, np.int64)],
                            self._file)

    def __getitem__(self, key: int | slice | np.ndarray) -> np.ndarray:
        if isinstance(key, (int, np.integer)):
            return self.read(np.array([key]))[0]
        return self.read(np.arange(len(self))[key] if isinstance(key, slice) else np.asarray(key))

    def read(self, positions: np.ndarray) -> np.ndarray:
        """The images at these positions of the view, as uint8 (len(positions), H, W, C)."""
        rows = self.indices[np.asarray(positions, np.int64)]
        out = np.empty((len(rows), *self.stored_shape[1:]), np.uint8)
        flat = out.reshape(len(rows), -1)
        if len(rows) and np.all(np.diff(rows) == 1):  # one contiguous run: one read
            self._read_into(flat.reshape(-1), int(rows[0]))
            return out
        for row, target in zip(rows, flat):
            self._read_into(target, int(row))
        return out

    def _read_into(self, target: np.ndarray, row: int) -> None:
        """Fill `target` with bytes starting at image `row` of the file."""
        got = os.preadv(self._file.fd, [target], self.offset + row * self.row_bytes)
        if got != target.nbytes:
            raise OSError(f"{self.path} ended early: expected {target.nbytes} bytes at image {row}, read {got}. "
                          "The image cache is damaged; remove it (classicnets cache --clear) and run again.")

    def chunks(self, size: int = CHUNK) -> Iterator[np.ndarray]:
        """The images in order, `size` at a time."""
        for start in range(0, len(self), size):
            yield self.read(np.arange(start, min(start + size, len(self))))

    def load(self) -> np.ndarray:
        """All of the view's images in memory."""
        return self.read(np.arange(len(self)))


def in_chunks(images: np.ndarray | StoredImages, size: int = CHUNK) -> Iterator[np.ndarray]:
    """Pieces of `size` images of an array or of stored images, in order."""
    if isinstance(images, StoredImages):
        yield from images.chunks(size)
        return
    for start in range(0, len(images), size):
        yield images[start:start + size]


def take(x: np.ndarray | StoredImages, indices: np.ndarray) -> np.ndarray | StoredImages:
    """Rows of an array (a copy) or of stored images (a view, nothing read)."""
    return x.take(indices) if isinstance(x, StoredImages) else x[indices]
