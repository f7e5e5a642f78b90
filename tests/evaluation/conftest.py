"""Shared fixtures for the evaluation tests."""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image


@pytest.fixture
def read_png() -> Callable[[Path], np.ndarray]:
    """Return a function that checks a file is a real PNG and gives back its RGB pixels (H, W, 3)."""

    def read(path: Path) -> np.ndarray:
        assert Path(path).is_file(), f"no file at {path}"
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.mode in ("RGB", "RGBA")
            assert image.width >= 200 and image.height >= 150, image.size
            return np.asarray(image.convert("RGB"))

    return read
