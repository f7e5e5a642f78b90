"""IDX files (the MNIST format), gzipped or raw: header check, then one np.frombuffer on the payload."""

from __future__ import annotations

import gzip
import math
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import numpy as np

from classicnets.errors import UserError

IMAGES_MAGIC = 0x00000803  # unsigned bytes, 3 dimensions (N, rows, columns)
LABELS_MAGIC = 0x00000801  # unsigned bytes, 1 dimension (N,)

# IDX type code (third magic byte) -> big-endian numpy type
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
GZIP_START = b"\x1f\x8b"
MAX_GZIP_RATIO = 1100  # gzip never shrinks data more than ~1032x
FIX_HINT = "Download or copy the file again; IDX files come from the MNIST / Fashion-MNIST distributions."


def describe_magic(magic: int) -> str:
    """Human words for an IDX magic number, e.g. '2051 (0x00000803)'."""
    return f"{magic} (0x{magic:08X})"


@contextmanager
def _reading(path: Path) -> Iterator[BinaryIO]:
    """Open raw or gzip (decided by the first bytes, not the name); gzip damage becomes a UserError."""
    if not path.is_file():
        raise UserError(f"IDX file {path} does not exist. Check the path, or put the file there.")
    with open(path, "rb") as probe:
        is_gzip = probe.read(2) == GZIP_START
    try:
        with gzip.open(path, "rb") if is_gzip else open(path, "rb") as stream:
            yield stream
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise UserError(f"{path} is a truncated or corrupt gzip file ({error}). {FIX_HINT}") from error


def _read_exactly(stream: BinaryIO, size: int) -> bytearray:
    """Read up to `size` bytes into one buffer (fewer only at end of file)."""
    buffer = bytearray(size)
    view, filled = memoryview(buffer), 0
    while filled < size:
        count = stream.readinto(view[filled:])
        if not count:
            break
        filled += count
    return buffer[:filled] if filled < size else buffer


def _read_header(stream: BinaryIO, path: Path, expected_magic: int | None) -> tuple[np.dtype, tuple[int, ...]]:
    """Parse the magic number and dimensions; raise UserError when they are not a valid IDX header."""
    start = bytes(_read_exactly(stream, 4))
    magic = int.from_bytes(start, "big") if len(start) == 4 else None
    valid = magic is not None and start[:2] == b"\0\0" and start[2] in IDX_TYPES and start[3] >= 1
    if not valid or (expected_magic is not None and magic != expected_magic):
        expected = describe_magic(expected_magic) if expected_magic else "0x0000TTDD (TT: type code, DD: dimensions)"
        found = describe_magic(magic) if magic is not None else f"only {len(start)} bytes"
        raise UserError(
            f"{path} is not the IDX file expected: wrong IDX magic number, expected {expected} but found "
            f"{found}. Check that the right file is named (images vs labels, e.g. train-images-idx3-ubyte"
            f" vs train-labels-idx1-ubyte). {FIX_HINT}"
        )
    dims_bytes = bytes(_read_exactly(stream, 4 * start[3]))
    if len(dims_bytes) < 4 * start[3]:
        raise UserError(f"{path} is truncated: its IDX header ends early. {FIX_HINT}")
    dims = tuple(int(size) for size in np.frombuffer(dims_bytes, dtype=">u4"))
    return np.dtype(IDX_TYPES[start[2]]), dims


def _read_payload(path: Path, expected_magic: int | None) -> np.ndarray:
    """Read header and data, checking that the data is exactly as long as the header says."""
    with _reading(path) as stream:
        dtype, dims = _read_header(stream, path, expected_magic)
        size = math.prod(dims) * dtype.itemsize  # Python ints: sizes from a damaged header may overflow int64
        if size > MAX_GZIP_RATIO * path.stat().st_size:  # a damaged header; do not allocate for it
            raise UserError(f"{path} is corrupt: its header claims {dims} values, far more than it holds. {FIX_HINT}")
        payload = _read_exactly(stream, size)
        extra = stream.read(1)
    if len(payload) < size:
        raise UserError(
            f"{path} is truncated: its header says {' x '.join(map(str, dims))} values ({size} bytes) but "
            f"the file holds only {len(payload)} bytes of data. {FIX_HINT}"
        )
    if extra:
        raise UserError(f"{path} is corrupt: it holds more data than its header ({dims}) says. {FIX_HINT}")
    values = np.frombuffer(payload, dtype=dtype).reshape(dims)
    return values if dtype.isnative else values.astype(dtype.newbyteorder("="))


def read_idx(path: str | Path, expected_magic: int | None = None) -> np.ndarray:
    """Read an IDX file (.gz or raw) into an array; `expected_magic` rejects the wrong kind of file."""
    return _read_payload(Path(path).expanduser(), expected_magic)


def read_idx_shape(path: str | Path) -> tuple[int, ...]:
    """Dimensions from an IDX header, without reading the data (for listings)."""
    path = Path(path).expanduser()
    with _reading(path) as stream:
        return _read_header(stream, path, None)[1]
