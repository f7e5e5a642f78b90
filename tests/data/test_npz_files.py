"""A .npz file given as the dataset: images, features, label encoding and errors."""

import numpy as np
import pytest

from classicnets.data import load_dataset
from classicnets.data.stored import StoredImages
from classicnets.errors import UserError


def save(path, x_train, y_train, x_test, y_test, **extra):
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test, **extra)
    return path


def test_grayscale_images_gain_a_channel(tmp_path, make):
    x_train, y_train = make.digit_images(12, marker=0)
    x_test, y_test = make.digit_images(5, marker=0, seed=1)
    path = save(tmp_path / "mine.npz", x_train, y_train, x_test, y_test)
    dataset = load_dataset(str(path))
    assert dataset.name == str(path) and dataset.source == str(path)
    assert dataset.x_train.shape == (12, 28, 28, 1) and dataset.x_train.dtype == np.uint8
    np.testing.assert_array_equal(dataset.x_train[..., 0], x_train)
    np.testing.assert_array_equal(dataset.y_test, y_test.astype(np.int64))
    assert dataset.num_classes == 10


def test_float_rgb_images_in_unit_range_become_uint8(tmp_path):
    x = np.linspace(0, 1, 4 * 2 * 2 * 3).reshape(4, 2, 2, 3)
    path = save(tmp_path / "rgb.npz", x, np.array([0, 1, 0, 1]), x[:2], np.array([1, 0]))
    dataset = load_dataset(str(path))
    assert dataset.x_train.dtype == np.uint8 and dataset.input_shape == (2, 2, 3)
    assert dataset.x_train.min() == 0 and dataset.x_train.max() == 255


def test_string_labels_and_numeric_order(tmp_path):
    x = np.zeros((4, 3, 3), np.uint8)
    path = save(tmp_path / "labels.npz", x, np.array([10, 2, 2, 10]), x[:2], np.array([2, 10]))
    assert load_dataset(str(path)).class_names == ["2", "10"]
    path = save(tmp_path / "words.npz", x, np.array(["dog", "cat", "dog", "cat"]), x[:2], np.array(["cat", "dog"]))
    dataset = load_dataset(str(path))
    assert dataset.class_names == ["cat", "dog"]
    np.testing.assert_array_equal(dataset.y_train, [1, 0, 1, 0])


def test_two_dimensional_inputs_are_scaled_features(tmp_path):
    x_train = np.array([[0.0, 10.0], [5.0, 30.0], [10.0, 20.0]])
    x_test = np.array([[5.0, 20.0]])
    path = save(tmp_path / "table.npz", x_train, np.array([0, 1, 1]), x_test, np.array([1]))
    dataset = load_dataset(str(path))
    assert not dataset.is_image and dataset.x_train.dtype == np.float32
    np.testing.assert_allclose(dataset.x_test, [[0.5, 0.5]])
    np.testing.assert_array_equal(dataset.feature_min, [0, 10])
    np.testing.assert_array_equal(dataset.feature_max, [10, 30])


def test_missing_keys_are_listed(tmp_path, snapshot):
    path = tmp_path / "incomplete.npz"
    np.savez(path, images=np.zeros((2, 2)), targets=np.zeros(2))
    unchanged = snapshot(path)
    with pytest.raises(UserError, match="must hold the arrays x_train, y_train, x_test, y_test") as error:
        load_dataset(str(path))
    assert "found images, targets" in str(error.value)
    unchanged()


def test_not_an_npz_file(tmp_path):
    path = tmp_path / "broken.npz"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UserError, match="cannot read .*broken.npz"):
        load_dataset(str(path))


def test_object_arrays_are_refused(tmp_path):
    x = np.zeros((2, 2, 2), np.uint8)
    path = save(tmp_path / "pickled.npz", x, np.array([{"a": 1}, {"b": 2}], dtype=object), x, np.array([0, 1]))
    with pytest.raises(UserError, match="Python objects"):
        load_dataset(str(path))


def test_counts_must_match(tmp_path):
    x = np.zeros((3, 2, 2), np.uint8)
    path = save(tmp_path / "uneven.npz", x, np.array([0, 1]), x, np.array([0, 1, 1]))
    with pytest.raises(UserError, match="train split has 3 inputs but 2 labels"):
        load_dataset(str(path))


def test_pixel_values_out_of_range(tmp_path):
    x = np.full((2, 2, 2), 300, np.int32)
    path = save(tmp_path / "bright.npz", x, np.array([0, 1]), x, np.array([0, 1]))
    with pytest.raises(UserError, match="image values run from 300.0 to 300.0"):
        load_dataset(str(path))


@pytest.mark.parametrize("channels", [None, 3])
def test_uncompressed_images_are_read_in_place(tmp_path, channels):
    rng = np.random.default_rng(2)
    shape = (30, 6, 5) if channels is None else (30, 6, 5, channels)
    x_train, x_test = rng.integers(0, 256, shape, dtype=np.uint8), rng.integers(0, 256, (7, *shape[1:]), np.uint8)
    y_train, y_test = np.arange(30) % 3, np.arange(7) % 3
    path = save(tmp_path / "big.npz", x_train, y_train, x_test, y_test, notes=np.zeros(3))
    streamed = load_dataset(str(path), stream="on")
    assert isinstance(streamed.x_train, StoredImages) and streamed.x_train.path == path
    expected = x_train if channels else x_train[..., None]
    np.testing.assert_array_equal(streamed.x_train[:], expected)
    np.testing.assert_array_equal(streamed.x_test[[6, 0]], (x_test if channels else x_test[..., None])[[6, 0]])
    np.testing.assert_array_equal(streamed.y_train, y_train)
    assert isinstance(load_dataset(str(path)).x_train, np.ndarray)  # 'auto': small enough for memory


def test_compressed_images_are_read_into_memory(tmp_path):
    x = np.zeros((4, 3, 3), np.uint8)
    np.savez_compressed(tmp_path / "small.npz", x_train=x, y_train=np.arange(4) % 2, x_test=x, y_test=np.arange(4) % 2)
    assert isinstance(load_dataset(str(tmp_path / "small.npz"), stream="on").x_train, np.ndarray)
