"""The bundled digits, the Dataset properties, and load_dataset's shared options."""

import numpy as np
import pytest

from classicnets.data import Dataset, load_dataset
from classicnets.errors import UserError


def test_digits_shapes_values_and_split():
    dataset = load_dataset("digits")
    assert dataset.source == "scikit-learn bundled digits"
    assert dataset.x_train.shape == (1438, 8, 8, 1) and dataset.x_test.shape == (359, 8, 8, 1)
    assert dataset.x_train.dtype == np.uint8 and dataset.y_train.dtype == np.int64
    assert dataset.x_train.min() == 0 and dataset.x_train.max() == 255
    assert dataset.class_names == [str(digit) for digit in range(10)]
    test_share = np.bincount(dataset.y_test, minlength=10) / np.bincount(
        np.concatenate([dataset.y_train, dataset.y_test]), minlength=10)
    np.testing.assert_allclose(test_share, 0.2, atol=0.01)  # stratified


def test_digits_split_follows_fraction_and_seed():
    half = load_dataset("digits", test_fraction=0.5, seed=3)
    assert abs(len(half.y_test) - 1797 / 2) <= 5 and len(half.y_train) + len(half.y_test) == 1797
    same = load_dataset("digits", test_fraction=0.5, seed=3)
    other = load_dataset("digits", test_fraction=0.5, seed=4)
    np.testing.assert_array_equal(same.x_test, half.x_test)
    assert not np.array_equal(other.x_test, half.x_test)


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5])
def test_test_fraction_must_be_between_0_and_1(fraction):
    with pytest.raises(UserError, match=f"test fraction is {fraction}"):
        load_dataset("digits", test_fraction=fraction)


def test_known_dataset_resized_and_recolored_on_request():
    dataset = load_dataset("digits", image_size=(16, 16), color="rgb")
    assert dataset.input_shape == (16, 16, 3) and dataset.x_test.shape[1:] == (16, 16, 3)
    np.testing.assert_array_equal(dataset.x_train[..., 0], dataset.x_train[..., 2])  # gray copied to RGB


def test_unknown_color():
    with pytest.raises(UserError, match="unknown color 'sepia'"):
        load_dataset("digits", color="sepia")


def test_bad_image_size():
    with pytest.raises(UserError, match="Received: image_size=\\(28, -1\\)"):
        load_dataset("digits", image_size=(28, -1))


def make_dataset(x_train, class_names=("a", "b")):
    labels = np.arange(len(x_train)) % len(class_names)
    return Dataset("test", "memory", x_train, labels, x_train, labels, list(class_names))


def test_properties_of_images():
    images = np.zeros((4, 6, 5, 1), np.uint8)
    images[:, 2:4, 2:3] = 255  # white stroke inside a black border
    dataset = make_dataset(images)
    assert dataset.input_shape == (6, 5, 1) and dataset.num_classes == 2 and dataset.is_image
    assert dataset.dark_background
    assert not make_dataset(255 - images).dark_background
    assert "input_shape=(6, 5, 1)" in repr(dataset) and len(repr(dataset)) < 200


def test_properties_of_features():
    dataset = make_dataset(np.zeros((4, 3), np.float32), class_names=("x", "y", "z"))
    assert dataset.input_shape == (3,) and dataset.num_classes == 3
    assert not dataset.is_image and not dataset.dark_background


def test_digits_are_light_on_dark():
    assert load_dataset("digits").dark_background


def test_a_conversion_of_a_datasets_images_is_said():
    said = []
    load_dataset("digits", image_size=(16, 16), color="rgb", notice=said.append)
    assert said == ["note: the images of digits (8x8x1) were converted to 16x16x3"]
    said.clear()
    load_dataset("digits", image_size=(8, 8), notice=said.append)
    assert said == []  # the same size: nothing to say
