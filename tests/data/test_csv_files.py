"""CSV files, Kaggle style: square-image pixels or features, string labels, and broken files."""

import numpy as np
import pytest

from classicnets.data import load_dataset, scale_features, tables
from classicnets.errors import UserError


def write_csv(path, header, rows):
    lines = [",".join(header)] + [",".join(str(cell) for cell in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_pixel_columns_become_square_images_with_string_labels(tmp_path):
    rows = [["cat" if index % 2 else "dog"] + [index * 10 + pixel for pixel in range(9)] for index in range(10)]
    path = write_csv(tmp_path / "pets.csv", ["Label"] + [f"pixel{pixel}" for pixel in range(9)], rows)
    dataset = load_dataset(str(path), test_fraction=0.2, seed=1)
    assert dataset.is_image and dataset.input_shape == (3, 3, 1) and dataset.x_train.dtype == np.uint8
    assert dataset.class_names == ["cat", "dog"]
    assert (len(dataset.y_train), len(dataset.y_test)) == (8, 2)
    assert sorted(dataset.y_test.tolist()) == [0, 1]
    for image, label in zip(dataset.x_train, dataset.y_train):
        first_pixel = int(image[0, 0, 0])  # row index * 10: even rows are dogs
        assert image[2, 2, 0] == first_pixel + 8
        assert dataset.class_names[label] == ("cat" if (first_pixel // 10) % 2 else "dog")
    assert "CSV, square images" in dataset.source


def test_feature_columns_are_min_max_scaled_on_train(tmp_path):
    rows = [[name, size, weight] for name, size, weight in
            [("small", 1.0, 10), ("small", 2.0, 20), ("large", 9.5, 300), ("large", 7.0, 250),
             ("small", 1.5, 15), ("large", 8.0, 280), ("small", 0.5, 12), ("large", 10.0, 310)]]
    path = write_csv(tmp_path / "things.csv", ["size", "label", "weight"], [[r[1], r[0], r[2]] for r in rows])
    dataset = load_dataset(str(path), test_fraction=0.25, seed=0)
    assert not dataset.is_image and dataset.x_train.dtype == np.float32 and dataset.input_shape == (2,)
    assert dataset.class_names == ["large", "small"]
    assert dataset.x_train.min(axis=0).tolist() == [0, 0] and dataset.x_train.max(axis=0).tolist() == [1, 1]
    assert dataset.feature_min.dtype == np.float32 and dataset.feature_min.shape == (2,)
    raw = np.array([[r[1], r[2]] for r in rows])
    expected = scale_features(raw, dataset.feature_min, dataset.feature_max)
    for row in dataset.x_test:  # every test row is one of the raw rows, scaled with the train bounds
        assert np.any(np.all(np.isclose(expected, row), axis=1))


def test_numeric_labels_sort_by_value(tmp_path):
    rows = [[label, label * 1.5] for label in (10, 2, 10, 2, 1, 1)]
    dataset = load_dataset(str(write_csv(tmp_path / "n.csv", ["label", "x"], rows)), test_fraction=0.5)
    assert dataset.class_names == ["1", "2", "10"]


def test_values_over_255_are_features_not_images(tmp_path):
    rows = [[index % 2, 0, 0, 0, 256 + index] for index in range(6)]
    dataset = load_dataset(str(write_csv(tmp_path / "big.csv", ["label", "a", "b", "c", "d"], rows)))
    assert not dataset.is_image and dataset.input_shape == (4,)


def test_missing_label_column_lists_columns(tmp_path, snapshot):
    path = write_csv(tmp_path / "nolabel.csv", ["species", "petal", "sepal"], [["a", 1, 2], ["b", 3, 4]])
    unchanged = snapshot(path)
    with pytest.raises(UserError, match="no 'label' column") as error:
        load_dataset(str(path))
    assert "species, petal, sepal" in str(error.value) and "nolabel.csv" in str(error.value)
    unchanged()


def test_non_numeric_cell_names_row_and_column(tmp_path, snapshot):
    rows = [[0, 1, 2], [1, 3, "x7"], [0, 5, 6]]
    path = write_csv(tmp_path / "typo.csv", ["label", "width", "height"], rows)
    unchanged = snapshot(path)
    with pytest.raises(UserError, match="data row 2 .line 3 counting the header., column 'height' holds 'x7'"):
        load_dataset(str(path))
    unchanged()


def test_empty_cell_is_named(tmp_path):
    path = write_csv(tmp_path / "hole.csv", ["label", "width"], [[0, 1], [1, ""], [0, 3]])
    with pytest.raises(UserError, match="data row 2 .*column 'width' is empty"):
        load_dataset(str(path))


def test_missing_label_is_named(tmp_path):
    path = write_csv(tmp_path / "unlabelled.csv", ["label", "width"], [[0, 1], ["", 2]])
    with pytest.raises(UserError, match="data row 2 .*has no label"):
        load_dataset(str(path))


@pytest.mark.parametrize("text, phrase", [("", "is empty"), ("label,a,b\n", "no data rows")])
def test_empty_csv(tmp_path, snapshot, text, phrase):
    path = tmp_path / "empty.csv"
    path.write_text(text)
    unchanged = snapshot(path)
    with pytest.raises(UserError, match=phrase) as error:
        load_dataset(str(path))
    assert str(path) in str(error.value)
    unchanged()


def test_only_a_label_column(tmp_path):
    path = write_csv(tmp_path / "labels.csv", ["label"], [[0], [1]])
    with pytest.raises(UserError, match="only a 'label' column"):
        load_dataset(str(path))


def test_unknown_file_kind(tmp_path):
    path = tmp_path / "data.txt"
    path.write_text("1,2,3")
    with pytest.raises(UserError, match="cannot tell how to read .*data.txt"):
        load_dataset(str(path))


def test_a_csv_read_in_chunks_gives_what_one_read_gives(tmp_path, monkeypatch):
    rows = [[("cat" if index < 7 else index % 3), *[(index * 7 + pixel) % 256 for pixel in range(4)]]
            for index in range(23)]  # numbers as labels only in later chunks: pandas types each chunk alone
    rows[20][1] = 255
    path = write_csv(tmp_path / "pixels.csv", ["label", "a", "b", "c", "d"], rows)
    whole = load_dataset(str(path), seed=4)
    monkeypatch.setattr(tables, "ROWS_PER_CHUNK", 5)
    chunked = load_dataset(str(path), seed=4)
    assert chunked.is_image and chunked.x_train.dtype == np.uint8 and chunked.input_shape == (2, 2, 1)
    np.testing.assert_array_equal(chunked.x_train, whole.x_train)
    np.testing.assert_array_equal(chunked.y_train, whole.y_train)
    assert chunked.class_names == whole.class_names == ["0", "1", "2", "cat"]
    rows[17][3] = 1.5  # a later chunk of fractions: every chunk becomes features
    chunked = load_dataset(str(write_csv(tmp_path / "mixed.csv", ["label", "a", "b", "c", "d"], rows)), seed=4)
    assert not chunked.is_image and chunked.x_train.dtype == np.float32 and chunked.input_shape == (4,)
    rows[17][3] = "oops"
    with pytest.raises(UserError, match=r"data row 18 \(line 19 counting the header\), column 'c'"):
        load_dataset(str(write_csv(tmp_path / "bad.csv", ["label", "a", "b", "c", "d"], rows)))
