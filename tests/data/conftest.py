"""Shared fixtures for the data tests: isolated search folders, offline downloads, tiny IDX/image writers."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from classicnets.data import download, sources

IDX_TYPE_CODES = {np.dtype(np.uint8): 0x08, np.dtype(np.int16): 0x0B, np.dtype(np.int32): 0x0C}
OFFLINE_ERROR = "downloading {} with Keras failed: URL fetch failure: [Errno -2] Name or service not known"


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX encoding of `array`: 0, 0, type code, ndim, big-endian uint32 sizes, big-endian data."""
    header = bytes([0, 0, IDX_TYPE_CODES[array.dtype], array.ndim])
    sizes = np.array(array.shape, dtype=">u4").tobytes()
    return header + sizes + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx(path: Path, array: np.ndarray) -> Path:
    """Write `array` as an IDX file, gzipped when the name ends in .gz."""
    data = idx_bytes(array)
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def digit_images(count: int, marker: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """`count` random 28x28 uint8 images whose pixel (0, 0) is `marker`, and labels cycling 0..9."""
    images = np.random.default_rng(seed).integers(0, 256, size=(count, 28, 28), dtype=np.uint8)
    images[:, 0, 0] = marker
    return images, (np.arange(count) % 10).astype(np.uint8)


def write_mnist_folder(folder: Path, marker: int, train: int = 30, test: int = 20, gz: bool = True) -> Path:
    """Write the four MNIST IDX files (tiny) into `folder`; every image's pixel (0, 0) is `marker`."""
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if gz else ""
    for prefix, count in (("train", train), ("t10k", test)):
        images, labels = digit_images(count, marker, seed=count)
        write_idx(folder / f"{prefix}-images-idx3-ubyte{suffix}", images)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte{suffix}", labels)
    return folder


def write_image(path: Path, size: tuple[int, int], mode: str, color: int | tuple[int, ...]) -> Path:
    """Write a one-color image of `size` (width, height) and PIL `mode`; the format follows the extension."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, color).save(path)
    return path


@pytest.fixture(autouse=True)
def search_places(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """Point the Keras cache and system folders at empty temp folders and make downloads fail as offline."""
    places = tmp_path_factory.mktemp("search")
    monkeypatch.setenv("KERAS_HOME", str(places / "keras"))
    monkeypatch.delenv(sources.DATA_PATH_VARIABLE, raising=False)
    monkeypatch.setattr(sources, "SYSTEM_FOLDERS", (str(places / "system"),))
    downloads: list[str] = []

    def offline(name: str) -> None:
        downloads.append(name)
        raise download.DownloadFailed(OFFLINE_ERROR.format(name))

    monkeypatch.setattr(download, "fetch", offline)
    return SimpleNamespace(keras_cache=places / "keras" / "datasets", system=places / "system", downloads=downloads)


@pytest.fixture
def make() -> SimpleNamespace:
    """Writers for tiny test files: make.idx, make.mnist_folder, make.image; make.idx_bytes, make.digit_images."""
    return SimpleNamespace(idx=write_idx, idx_bytes=idx_bytes, mnist_folder=write_mnist_folder,
                           image=write_image, digit_images=digit_images)


@pytest.fixture
def snapshot() -> Callable[[Path], Callable[[], None]]:
    """Return a function that records a file's bytes and gives back a check that they are unchanged."""

    def take(path: Path) -> Callable[[], None]:
        before = path.read_bytes()
        return lambda: _check_unchanged(path, before)

    return take


def _check_unchanged(path: Path, before: bytes) -> None:
    assert path.is_file(), f"{path} was removed"
    assert path.read_bytes() == before, f"{path} was modified"
