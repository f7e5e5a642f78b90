"""load_image_files: user images of any size and mode -> one uint8 (N, H, W, C) array."""

import numpy as np
import pytest
from PIL import Image

from classicnets.data import load_image_files
from classicnets.errors import UserError


@pytest.fixture
def mixed_images(tmp_path, make):
    """A red RGB photo, a half-transparent RGBA drawing, a gray L scan, a 16-bit PNG: all different sizes."""
    red = make.image(tmp_path / "red.jpg", (300, 200), "RGB", (255, 0, 0))
    drawing = tmp_path / "drawing.png"
    pixels = np.zeros((50, 40, 4), np.uint8)
    pixels[:, :20] = (0, 0, 0, 255)  # left half: opaque black stroke; right half: fully transparent
    Image.fromarray(pixels).save(drawing)
    gray = make.image(tmp_path / "scan.bmp", (13, 17), "L", 100)
    deep = tmp_path / "deep.png"
    Image.fromarray(np.full((9, 9), 65535, np.uint16)).save(deep)
    return [red, drawing, gray, deep]


def test_grayscale_conversion(mixed_images):
    images = load_image_files([str(path) for path in mixed_images], (28, 28), 1)
    assert images.shape == (4, 28, 28, 1) and images.dtype == np.uint8
    assert abs(int(images[0].mean()) - 76) <= 2  # pure red has luma 0.299 * 255
    assert images[1, :, :10].max() == 0 and images[1, :, -10:].min() == 255  # transparent -> white
    assert np.all(images[2] == 100)
    assert np.all(images[3] == 255)  # 16-bit white stays white


def test_rgb_conversion_and_non_square_size(mixed_images):
    images = load_image_files(mixed_images, (20, 32), 3)
    assert images.shape == (4, 20, 32, 3)
    red = images[0].reshape(-1, 3).mean(axis=0)
    assert red[0] > 250 and red[1] < 5 and red[2] < 5
    assert np.all(images[2] == 100)


def test_no_files_gives_an_empty_batch():
    assert load_image_files([], (28, 28), 1).shape == (0, 28, 28, 1)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(UserError, match="image file .*missing.png does not exist"):
        load_image_files([tmp_path / "missing.png"], (28, 28), 1)


def test_text_file_is_not_an_image(tmp_path, snapshot):
    path = tmp_path / "seven.png"
    path.write_text("7")
    unchanged = snapshot(path)
    with pytest.raises(UserError, match="cannot read image file .*seven.png"):
        load_image_files([path], (28, 28), 1)
    unchanged()


@pytest.mark.parametrize("image_size", [(28,), (0, 28), (28.5, 28), "28x28", None])
def test_bad_image_size(tmp_path, image_size):
    with pytest.raises(UserError, match="image size must be two positive whole numbers"):
        load_image_files([], image_size, 1)


def test_bad_channels():
    with pytest.raises(UserError, match="channels must be 1 .* or 3"):
        load_image_files([], (28, 28), 2)
