"""Tests for plot_prediction_grid and plot_image_grid across image layouts and dtypes."""

import numpy as np
import pytest

from classicnets.evaluation import plot_image_grid, plot_prediction_grid

DIGITS = [str(digit) for digit in range(10)]
GREEN, RED = np.array([44, 160, 44]), np.array([214, 39, 40])  # matplotlib tab:green, tab:red


def count_pixels_near(pixels: np.ndarray, color: np.ndarray) -> int:
    """Return how many pixels lie within a small distance of `color`."""
    return int(np.sum(np.abs(pixels.astype(int) - color).sum(axis=-1) < 40))


def gray_images(count: int, shape: tuple[int, ...]) -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, size=(count, *shape), dtype=np.uint8)


@pytest.mark.parametrize(
    "images",
    [
        gray_images(6, (28, 28, 3)),
        gray_images(6, (28, 28, 1)),
        gray_images(6, (28, 28)),
        np.random.default_rng(1).random((6, 28, 28, 3)),
        np.random.default_rng(2).random((6, 28, 28)).astype(np.float32),
    ],
    ids=["rgb-uint8", "gray-channel", "no-channel", "rgb-float", "gray-float32"],
)
def test_prediction_grid_accepts_image_layouts(tmp_path, read_png, images):
    labels = np.arange(6)
    read_png(plot_prediction_grid(images, labels, labels, DIGITS, tmp_path / "grid.png"))


def test_prediction_grid_with_n_larger_than_image_count(tmp_path, read_png):
    labels = np.array([3, 1, 4])
    few = read_png(plot_prediction_grid(gray_images(3, (28, 28)), labels, labels, DIGITS, tmp_path / "few.png", n=16))
    many_labels = np.arange(16) % 10
    many = read_png(plot_prediction_grid(gray_images(16, (28, 28)), many_labels, many_labels, DIGITS,
                                         tmp_path / "many.png", n=16))
    assert few.shape[0] < many.shape[0]


def test_prediction_titles_are_green_when_right_and_red_when_wrong(tmp_path, read_png):
    images, y_true = gray_images(4, (28, 28)), np.array([0, 1, 2, 3])
    right = read_png(plot_prediction_grid(images, y_true, y_true, DIGITS, tmp_path / "right.png"))
    wrong = read_png(plot_prediction_grid(images, y_true, y_true + 1, DIGITS, tmp_path / "wrong.png"))
    # Gray images contribute no coloured pixels, so any green or red comes from the titles.
    assert count_pixels_near(right, GREEN) > 50 and count_pixels_near(right, RED) == 0
    assert count_pixels_near(wrong, RED) > 50 and count_pixels_near(wrong, GREEN) == 0


def test_prediction_grid_with_probabilities_and_long_names(tmp_path, read_png):
    names = ["airplane", "automobile", "bird"]
    probabilities = np.array([[0.9, 0.05, 0.05], [0.2, 0.7, 0.1]])
    path = plot_prediction_grid(gray_images(2, (32, 32, 3)), np.array([0, 2]), np.array([0, 1]), names,
                                tmp_path / "probabilities.png", probabilities=probabilities)
    read_png(path)


@pytest.mark.parametrize(
    "images, match",
    [
        (np.zeros((2, 28, 28, 2), dtype=np.uint8), "Received shape"),
        (np.full((2, 28, 28), -1.0), r"rescale them first"),
        (np.full((2, 28, 28), 300, dtype=np.int32), r"\[0, 255\]"),
    ],
)
def test_prediction_grid_rejects_images_it_cannot_show(tmp_path, images, match):
    with pytest.raises(ValueError, match=match):
        plot_prediction_grid(images, np.array([0, 1]), np.array([0, 1]), DIGITS, tmp_path / "bad.png")


def test_prediction_grid_needs_a_label_per_image(tmp_path):
    with pytest.raises(ValueError, match="n=16"):
        plot_prediction_grid(gray_images(4, (28, 28)), np.array([0]), np.array([0]), DIGITS, tmp_path / "bad.png")


def test_image_grid_with_two_titled_rows(tmp_path, read_png):
    originals = np.random.default_rng(0).random((8, 28, 28, 1))
    reconstructions = np.clip(originals + 0.02, 0.0, 1.0)  # slight overshoot is clipped, not refused
    path = plot_image_grid([originals, reconstructions], tmp_path / "ae" / "reconstructions.png",
                           row_titles=["original", "reconstruction"], title="Autoencoder")
    pixels = read_png(path)
    assert pixels.shape[1] > 2 * pixels.shape[0]  # 8 columns by 2 rows is a wide strip


def test_image_grid_with_rows_of_different_lengths(tmp_path, read_png):
    read_png(plot_image_grid([gray_images(6, (32, 32, 3)), gray_images(3, (32, 32, 3))], tmp_path / "samples.png"))


def test_image_grid_rejects_wrong_number_of_row_titles(tmp_path):
    with pytest.raises(ValueError, match="row_titles"):
        plot_image_grid([gray_images(2, (8, 8))], tmp_path / "bad.png", row_titles=["a", "b"])
