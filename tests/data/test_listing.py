"""list_datasets: one row per known dataset, saying whether and where it is, and how big."""

import numpy as np

from classicnets.data import list_datasets

KEYS = {"name", "available", "where", "train_size", "test_size", "sample_shape", "description"}


def rows_by_name(data_dir=None):
    rows = list_datasets(data_dir)
    assert all(set(row) == KEYS for row in rows)
    return {row["name"]: row for row in rows}


def test_nothing_local_but_digits():
    rows = rows_by_name()
    assert list(rows) == ["mnist", "fashion-mnist", "digits"]
    assert not rows["mnist"]["available"] and rows["mnist"]["train_size"] is None
    assert "--data-dir" in rows["mnist"]["where"]
    assert "apt-get install dataset-fashion-mnist" in rows["fashion-mnist"]["where"]
    digits = rows["digits"]
    assert digits["available"] and (digits["train_size"], digits["test_size"]) == (1438, 359)
    assert tuple(digits["sample_shape"]) == (8, 8, 1)


def test_found_copies_report_sizes_from_headers(tmp_path, make, search_places):
    make.mnist_folder(tmp_path / "mnist", marker=0, train=30, test=20)
    make.mnist_folder(search_places.system / "fashion-mnist", marker=0, train=40, test=10)
    rows = rows_by_name(str(tmp_path / "mnist"))  # a folder named mnist is not searched for fashion-mnist
    assert rows["mnist"]["available"] and rows["mnist"]["where"] == str(tmp_path / "mnist")
    assert (rows["mnist"]["train_size"], rows["mnist"]["test_size"]) == (30, 20)
    assert tuple(rows["mnist"]["sample_shape"]) == (28, 28, 1)
    assert rows["fashion-mnist"]["where"] == str(search_places.system / "fashion-mnist")
    assert (rows["fashion-mnist"]["train_size"], rows["fashion-mnist"]["test_size"]) == (40, 10)


def test_npz_and_test_only_copies(tmp_path, make, search_places):
    search_places.keras_cache.mkdir(parents=True)
    x, y = make.digit_images(12, marker=0)
    np.savez(search_places.keras_cache / "mnist.npz", x_train=x, y_train=y, x_test=x[:4], y_test=y[:4])
    rows = rows_by_name()
    assert rows["mnist"]["where"] == str(search_places.keras_cache / "mnist.npz")
    assert (rows["mnist"]["train_size"], rows["mnist"]["test_size"]) == (12, 4)
    test_only = tmp_path / "t10k"
    test_only.mkdir()
    x, y = make.digit_images(50, marker=0)
    make.idx(test_only / "t10k-images-idx3-ubyte.gz", x)
    make.idx(test_only / "t10k-labels-idx1-ubyte.gz", y)
    row = rows_by_name(str(test_only))["mnist"]
    assert (row["train_size"], row["test_size"]) == (40, 10)  # the default 0.2 split of 50
    assert row["where"].startswith(str(test_only)) and "only the t10k test files" in row["where"]


def test_unreadable_copy_is_reported_not_raised(tmp_path, make):
    folder = make.mnist_folder(tmp_path / "mine", marker=0)
    (folder / "train-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b garbage")
    row = rows_by_name(str(folder))["mnist"]
    assert not row["available"] and "unreadable" in row["where"] and "gzip" in row["where"]
