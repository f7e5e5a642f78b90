"""Folders of class sub-folders holding images of any format, size and mode."""

import numpy as np
import pytest

from classicnets.data import load_dataset
from classicnets.errors import UserError

WHITE, BLACK = 255, 0


def write_pets(folder, make):
    """cat/: 3 white images, dog/: 3 black ones, in every format, size and mode the loader accepts."""
    make.image(folder / "cat" / "a.png", (40, 30), "RGB", (255, 255, 255))
    make.image(folder / "cat" / "b.JPG", (28, 28), "L", WHITE)
    make.image(folder / "cat" / "c.gif", (10, 12), "RGB", (255, 255, 255))  # GIF stores it as a palette image
    make.image(folder / "dog" / "d.bmp", (64, 64), "RGB", (0, 0, 0))
    make.image(folder / "dog" / "e.jpeg", (5, 7), "L", BLACK)
    make.image(folder / "dog" / "f.png", (100, 20), "LA", (BLACK, 255))
    (folder / "dog" / "notes.txt").write_text("not an image, ignored")
    return folder


def test_class_folders_become_a_split_grayscale_dataset(tmp_path, make):
    folder = write_pets(tmp_path / "pets", make)
    dataset = load_dataset(str(folder), test_fraction=0.34, seed=0)
    assert dataset.name == str(folder) and str(folder) in dataset.source
    assert dataset.class_names == ["cat", "dog"]
    assert dataset.x_train.shape == (4, 28, 28, 1) and dataset.x_test.shape == (2, 28, 28, 1)
    assert dataset.x_train.dtype == np.uint8
    for images, labels in ((dataset.x_train, dataset.y_train), (dataset.x_test, dataset.y_test)):
        for image, label in zip(images, labels):
            expected = WHITE if dataset.class_names[label] == "cat" else BLACK
            assert abs(int(image.mean()) - expected) <= 1
    assert sorted(dataset.y_test.tolist()) == [0, 1]


def test_image_size_and_rgb(tmp_path, make):
    folder = write_pets(tmp_path / "pets", make)
    dataset = load_dataset(str(folder), image_size=(16, 12), color="rgb")
    assert dataset.input_shape == (16, 12, 3) and dataset.num_classes == 2


def test_numeric_class_folders_sort_by_value(tmp_path, make):
    for digit in (10, 2, 1):
        for index in range(2):
            make.image(tmp_path / "digits" / str(digit) / f"{index}.png", (8, 8), "L", digit)
    dataset = load_dataset(str(tmp_path / "digits"), test_fraction=0.5)
    assert dataset.class_names == ["1", "2", "10"]
    for image, label in zip(dataset.x_train, dataset.y_train):
        assert image[0, 0, 0] == int(dataset.class_names[label])


def test_train_and_test_sub_folders_are_used_as_splits(tmp_path, make):
    for split, count in (("train", 3), ("test", 1)):
        for name, value in (("ant", 10), ("bee", 200)):
            for index in range(count):
                make.image(tmp_path / "bugs" / split / name / f"{index}.png", (30, 30), "L", value)
    dataset = load_dataset(str(tmp_path / "bugs"), image_size=(10, 10))
    assert dataset.class_names == ["ant", "bee"]
    assert dataset.x_train.shape == (6, 10, 10, 1) and dataset.x_test.shape == (2, 10, 10, 1)
    np.testing.assert_array_equal(dataset.y_test, [0, 1])
    assert dataset.x_test[0, 0, 0, 0] == 10 and dataset.x_test[1, 0, 0, 0] == 200
    assert "train/ and test/" in dataset.source


def test_test_folder_with_unknown_class(tmp_path, make):
    for split, name in (("train", "ant"), ("train", "bee"), ("test", "wasp")):
        make.image(tmp_path / "bugs" / split / name / "0.png", (4, 4), "L", 0)
    with pytest.raises(UserError, match="classes missing from train/: wasp"):
        load_dataset(str(tmp_path / "bugs"))


@pytest.mark.parametrize("classes", [[], ["only"]])
def test_fewer_than_two_classes(tmp_path, make, classes):
    folder = tmp_path / "few"
    folder.mkdir()
    for name in classes:
        make.image(folder / name / "0.png", (4, 4), "L", 0)
    make.image(folder / "loose.png", (4, 4), "L", 0)
    with pytest.raises(UserError, match=f"has {len(classes)} class sub-folder") as error:
        load_dataset(str(folder))
    message = str(error.value)
    assert "at least 2" in message and f"{folder}/cat/1.png" in message
    assert "1 images directly in" in message


def test_unreadable_image_is_named(tmp_path, make, snapshot):
    folder = write_pets(tmp_path / "pets", make)
    broken = folder / "dog" / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n this is not the rest of a png")
    unchanged = snapshot(broken)
    with pytest.raises(UserError, match="1 of the 7 images in .* cannot be read: .*broken.png") as error:
        load_dataset(str(folder))
    assert "skip_bad_images" in str(error.value)
    unchanged()


def test_truncated_jpeg_is_named(tmp_path, make):
    folder = write_pets(tmp_path / "pets", make)
    photo = make.image(folder / "cat" / "photo.jpg", (64, 64), "RGB", (10, 200, 30))
    photo.write_bytes(photo.read_bytes()[:200])
    with pytest.raises(UserError, match="photo.jpg"):
        load_dataset(str(folder))


def test_folder_of_idx_files_given_as_path(tmp_path, make):
    folder = make.mnist_folder(tmp_path / "idx", marker=4, train=20, test=10)
    dataset = load_dataset(str(folder))
    assert dataset.x_train.shape == (20, 28, 28, 1) and dataset.class_names == [str(d) for d in range(10)]
