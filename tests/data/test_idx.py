"""IDX files: round trips (gz and raw) and every way a file can be broken."""

import gzip

import numpy as np
import pytest

from classicnets.data import load_dataset, read_idx
from classicnets.errors import UserError


@pytest.mark.parametrize("name", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
def test_round_trip_uint8_images(tmp_path, make, name):
    images, _ = make.digit_images(7, marker=3)
    path = make.idx(tmp_path / name, images)
    loaded = read_idx(path)
    assert loaded.dtype == np.uint8 and loaded.shape == (7, 28, 28)
    np.testing.assert_array_equal(loaded, images)
    assert loaded.flags.writeable


def test_round_trip_labels_and_big_endian_int16(tmp_path, make):
    labels = np.array([7, 2, 1, 0, 4], dtype=np.uint8)
    np.testing.assert_array_equal(read_idx(make.idx(tmp_path / "labels.gz", labels)), labels)
    values = np.array([[-300, 2], [1000, -1]], dtype=np.int16)
    loaded = read_idx(make.idx(tmp_path / "values", values))
    assert loaded.dtype == np.int16 and loaded.dtype.isnative
    np.testing.assert_array_equal(loaded, values)


def test_gzip_is_detected_by_content_not_name(tmp_path, make):
    labels = np.arange(10, dtype=np.uint8)
    path = tmp_path / "labels-without-gz-suffix"
    path.write_bytes(gzip.compress(make.idx_bytes(labels)))
    np.testing.assert_array_equal(read_idx(path), labels)


def test_missing_file(tmp_path):
    with pytest.raises(UserError, match="does not exist") as error:
        read_idx(tmp_path / "nothing-here.gz")
    assert "nothing-here.gz" in str(error.value)


def test_truncated_gzip(tmp_path, make, snapshot):
    images, _ = make.digit_images(50, marker=0)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(make.idx_bytes(images))[:4000])
    unchanged = snapshot(path)
    with pytest.raises(UserError, match="truncated or corrupt gzip") as error:
        read_idx(path)
    assert str(path) in str(error.value)
    unchanged()


def test_corrupt_gzip(tmp_path, snapshot):
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(200)))
    unchanged = snapshot(path)
    with pytest.raises(UserError, match="truncated or corrupt gzip"):
        read_idx(path)
    unchanged()


def test_fewer_bytes_than_header_says(tmp_path, make, snapshot):
    images, _ = make.digit_images(4, marker=0)
    path = tmp_path / "images-idx3-ubyte"
    path.write_bytes(make.idx_bytes(images)[:-100])
    unchanged = snapshot(path)
    with pytest.raises(UserError, match="truncated") as error:
        read_idx(path)
    message = str(error.value)
    assert "4 x 28 x 28" in message and f"{4 * 28 * 28 - 100} bytes" in message
    unchanged()


def test_more_bytes_than_header_says(tmp_path, make):
    path = tmp_path / "labels-idx1-ubyte"
    path.write_bytes(make.idx_bytes(np.arange(5, dtype=np.uint8)) + b"extra")
    with pytest.raises(UserError, match="more data than its header"):
        read_idx(path)


def test_wrong_magic_says_expected_and_found(tmp_path, make):
    labels_in_place_of_images = make.idx(tmp_path / "labels.gz", np.arange(5, dtype=np.uint8))
    with pytest.raises(UserError, match="wrong IDX magic number") as error:
        read_idx(labels_in_place_of_images, expected_magic=0x803)
    message = str(error.value)
    assert "expected 2051 (0x00000803)" in message and "found 2049 (0x00000801)" in message


def test_not_an_idx_file_at_all(tmp_path):
    path = tmp_path / "notes-idx3-ubyte"
    path.write_text("hello, this is text")
    with pytest.raises(UserError, match="wrong IDX magic number") as error:
        read_idx(path)
    assert "0x68656C6C" in str(error.value)  # 'hell' read as a big-endian number


def test_labels_file_swapped_for_images_in_a_dataset_folder(tmp_path, make, snapshot):
    folder = make.mnist_folder(tmp_path / "digits", marker=1)
    images_file = folder / "train-images-idx3-ubyte.gz"
    images_file.write_bytes((folder / "train-labels-idx1-ubyte.gz").read_bytes())
    unchanged = snapshot(images_file)
    with pytest.raises(UserError, match="expected 2051") as error:
        load_dataset("mnist", data_dir=str(folder))
    assert "train-images-idx3-ubyte.gz" in str(error.value)
    unchanged()


def test_image_and_label_counts_differ(tmp_path, make):
    folder = make.mnist_folder(tmp_path / "digits", marker=1, train=30)
    make.idx(folder / "train-labels-idx1-ubyte.gz", np.zeros(29, dtype=np.uint8))
    with pytest.raises(UserError, match="holds 30 images but") as error:
        load_dataset(str(folder))
    assert "train-labels-idx1-ubyte.gz holds 29 labels" in str(error.value)
