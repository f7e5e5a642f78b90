"""mnist / fashion-mnist by name: search order, file layouts, test-only folders, download and fallback."""

import os

import numpy as np
import pytest

from classicnets.data import DatasetNotFound, download, load_dataset
from classicnets.data.catalog import FASHION_NAMES
from classicnets.errors import UserError


def marker(dataset):
    """The pixel (0, 0) every image of a test folder shares: tells which folder was read."""
    values = np.unique(dataset.x_train[:, 0, 0, 0])
    assert len(values) == 1
    return int(values[0])


def write_npz(path, marker_value, train=30, test=20, digit_images=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    (x_train, y_train), (x_test, y_test) = digit_images(train, marker_value), digit_images(test, marker_value)
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return path


def test_four_idx_files_in_data_dir(tmp_path, make):
    folder = make.mnist_folder(tmp_path / "mine", marker=5, train=30, test=20, gz=False)
    dataset = load_dataset("mnist", data_dir=str(folder))
    assert dataset.name == "mnist" and str(folder) in dataset.source
    assert dataset.x_train.shape == (30, 28, 28, 1) and dataset.x_test.shape == (20, 28, 28, 1)
    assert dataset.x_train.dtype == np.uint8 and dataset.y_train.dtype == np.int64
    np.testing.assert_array_equal(dataset.y_train[:12], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1])
    assert dataset.class_names == [str(digit) for digit in range(10)]
    assert marker(dataset) == 5


def test_raw_files_with_dotted_names_and_a_path_object(tmp_path, make):
    folder = make.mnist_folder(tmp_path / "dotted", marker=6, gz=False)
    for path in folder.iterdir():
        path.rename(folder / path.name.replace("-idx", ".idx"))
    assert (folder / "train-images.idx3-ubyte").is_file()
    assert marker(load_dataset("mnist", data_dir=folder)) == 6
    assert load_dataset(folder).class_names == [str(digit) for digit in range(10)]


def test_search_order_data_dir_then_keras_cache_then_system(tmp_path, make, search_places):
    make.mnist_folder(search_places.system / "mnist", marker=3)
    assert marker(load_dataset("mnist")) == 3
    write_npz(search_places.keras_cache / "mnist.npz", 2, digit_images=make.digit_images)
    assert marker(load_dataset("mnist")) == 2
    folder = make.mnist_folder(tmp_path / "given", marker=1)
    assert marker(load_dataset("mnist", data_dir=str(folder))) == 1
    assert search_places.downloads == []


def test_data_dir_parent_with_named_sub_folder(tmp_path, make):
    make.mnist_folder(tmp_path / "datasets" / "fashion-mnist", marker=9)
    dataset = load_dataset("fashion-mnist", data_dir=str(tmp_path / "datasets"))
    assert marker(dataset) == 9
    assert dataset.class_names == list(FASHION_NAMES) and dataset.class_names[0] == "T-shirt/top"


def test_fashion_mnist_in_keras_cache_layout(make, search_places):
    make.mnist_folder(search_places.keras_cache / "fashion-mnist", marker=8)
    dataset = load_dataset("Fashion_MNIST")
    assert dataset.name == "fashion-mnist" and marker(dataset) == 8
    assert "fashion-mnist" in dataset.source


def test_mnist_npz_is_not_taken_for_fashion_mnist(tmp_path, make):
    write_npz(tmp_path / "mnist.npz", 4, digit_images=make.digit_images)
    with pytest.raises(DatasetNotFound):
        load_dataset("fashion-mnist", data_dir=str(tmp_path))
    write_npz(tmp_path / "fashion-mnist.npz", 6, digit_images=make.digit_images)
    assert marker(load_dataset("fashion-mnist", data_dir=str(tmp_path))) == 6


def test_folder_named_for_another_dataset_is_skipped(tmp_path, make, search_places):
    make.mnist_folder(tmp_path / "mnist", marker=1)
    make.mnist_folder(search_places.system / "fashion-mnist", marker=2)
    assert marker(load_dataset("fashion-mnist", data_dir=str(tmp_path / "mnist"))) == 2
    assert marker(load_dataset("mnist", data_dir=str(tmp_path / "mnist"))) == 1


def test_extra_folders_from_environment(tmp_path, make, monkeypatch, search_places):
    make.mnist_folder(search_places.system / "mnist", marker=3)
    make.mnist_folder(tmp_path / "second" / "mnist", marker=7)
    monkeypatch.setenv("CLASSICNETS_DATA_PATH", os.pathsep.join([str(tmp_path / "first"), str(tmp_path / "second")]))
    assert marker(load_dataset("mnist")) == 7


def test_test_files_only_are_split_stratified(tmp_path, make):
    folder = tmp_path / "t10k-only"
    folder.mkdir()
    images, labels = make.digit_images(100, marker=0)
    make.idx(folder / "t10k-images-idx3-ubyte.gz", images)
    make.idx(folder / "t10k-labels-idx1-ubyte.gz", labels)
    dataset = load_dataset("mnist", data_dir=str(folder), test_fraction=0.3, seed=4)
    assert (len(dataset.y_train), len(dataset.y_test)) == (70, 30)
    assert np.bincount(dataset.y_test, minlength=10).tolist() == [3] * 10
    assert "only the 100 t10k test images" in dataset.source and "70 train / 30 test" in dataset.source
    again = load_dataset("mnist", data_dir=str(folder), test_fraction=0.3, seed=4)
    np.testing.assert_array_equal(again.x_test, dataset.x_test)
    other_seed = load_dataset("mnist", data_dir=str(folder), test_fraction=0.3, seed=5)
    assert not np.array_equal(other_seed.x_test, dataset.x_test)


def test_partial_idx_set_names_missing_files(tmp_path, make, snapshot):
    folder = make.mnist_folder(tmp_path / "partial", marker=0)
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    unchanged = snapshot(folder / "train-images-idx3-ubyte.gz")
    with pytest.raises(UserError, match="only part of an IDX dataset") as error:
        load_dataset("mnist", data_dir=str(folder))
    assert "t10k-labels-idx1-ubyte(.gz) missing" in str(error.value)
    unchanged()


def test_missing_data_dir(tmp_path):
    with pytest.raises(UserError, match="does not exist") as error:
        load_dataset("mnist", data_dir=str(tmp_path / "no-such-folder"))
    assert "no-such-folder" in str(error.value) and "data_dir path" in str(error.value)
    assert "--data-dir path" in error.value.naming(lambda name: "--" + name.replace("_", "-"))  # as the CLI says it


def test_download_used_when_nothing_is_local(monkeypatch, search_places):
    images, labels = np.zeros((6, 28, 28), np.uint8), np.arange(6, dtype=np.uint8)
    monkeypatch.setattr(download, "fetch", lambda name: ((images, labels), (images, labels), f"downloaded {name}"))
    dataset = load_dataset("mnist")
    assert dataset.source == "downloaded mnist" and dataset.x_train.shape == (6, 28, 28, 1)


def test_explicit_name_never_falls_back(search_places):
    notices = []
    with pytest.raises(DatasetNotFound) as error:
        load_dataset("mnist", notice=notices.append)
    message = str(error.value)
    assert "mnist was not found in" in message and str(search_places.system) in message
    assert "Name or service not known" in message and "--data-dir" in message
    assert notices == [] and search_places.downloads == ["mnist"]


def test_explicit_fashion_mnist_suggests_apt_package():
    with pytest.raises(DatasetNotFound, match="apt-get install dataset-fashion-mnist"):
        load_dataset("fashion-mnist")


def test_no_download_when_turned_off(search_places):
    with pytest.raises(DatasetNotFound, match="downloading is turned off"):
        load_dataset("mnist", download=False)
    assert search_places.downloads == []


def test_no_name_falls_back_to_digits_with_one_line_notice(search_places):
    notices = []
    dataset = load_dataset(None, notice=notices.append)
    assert dataset.name == "digits" and dataset.input_shape == (8, 8, 1)
    assert len(notices) == 1 and "\n" not in notices[0]
    assert "MNIST was not found" in notices[0] and "digits" in notices[0] and "classicnets datasets" in notices[0]
    assert "could not be downloaded" in notices[0] and len(notices[0]) < 160
    assert search_places.downloads == ["mnist"]


def test_no_name_uses_mnist_when_found_without_notice(tmp_path, make):
    notices = []
    folder = make.mnist_folder(tmp_path / "mnist", marker=2)
    dataset = load_dataset(None, data_dir=str(folder), notice=notices.append)
    assert dataset.name == "mnist" and marker(dataset) == 2 and notices == []


def test_unknown_name_lists_known_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError, match="unknown dataset 'cifar10'") as error:
        load_dataset("cifar10")
    assert "mnist, fashion-mnist, digits" in str(error.value)
