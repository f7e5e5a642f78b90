"""Tests for classification_metrics and top_k on small hand-made examples."""

import json
import math

import numpy as np
import pytest

from classicnets.evaluation import classification_metrics, top_k

CLASS_NAMES = ["cat", "dog", "bird", "fish"]
Y_TRUE = np.array([0, 0, 1, 2, 3])
PROBABILITIES = np.array(
    [
        [0.70, 0.10, 0.10, 0.10],  # cat -> cat (right)
        [0.20, 0.50, 0.20, 0.10],  # cat -> dog (wrong, cat is 2nd so inside top 3)
        [0.10, 0.60, 0.20, 0.10],  # dog -> dog (right)
        [0.20, 0.15, 0.05, 0.60],  # bird -> fish (wrong, bird is last so outside top 3)
        [0.00, 0.00, 0.00, 1.00],  # fish -> fish (right)
    ]
)


@pytest.fixture
def metrics() -> dict:
    return classification_metrics(Y_TRUE, PROBABILITIES, CLASS_NAMES)


def test_accuracy_and_count(metrics):
    assert metrics["accuracy"] == pytest.approx(3 / 5)
    assert metrics["num_examples"] == 5


def test_loss_is_mean_cross_entropy_of_true_class(metrics):
    expected = -(math.log(0.7) + math.log(0.2) + math.log(0.6) + math.log(0.05) + math.log(1.0)) / 5
    assert metrics["loss"] == pytest.approx(expected)


def test_top3_accuracy_counts_true_class_in_three_most_probable(metrics):
    assert metrics["top3_accuracy"] == pytest.approx(4 / 5)


def test_confusion_matrix_rows_are_true_classes(metrics):
    assert metrics["confusion_matrix"] == [
        [1, 1, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 0, 1],
        [0, 0, 0, 1],
    ]


def test_per_class_accuracy_by_name(metrics):
    assert metrics["per_class_accuracy"] == {"cat": 0.5, "dog": 1.0, "bird": 0.0, "fish": 1.0}


def test_result_is_plain_json(metrics):
    decoded = json.loads(json.dumps(metrics, allow_nan=False))
    assert decoded == metrics
    assert type(metrics["accuracy"]) is float and type(metrics["num_examples"]) is int
    assert type(metrics["confusion_matrix"][0][0]) is int


def test_no_top3_with_three_or_fewer_classes():
    probabilities = np.array([[0.6, 0.3, 0.1], [0.2, 0.2, 0.6]])
    metrics = classification_metrics(np.array([0, 1]), probabilities, ["a", "b", "c"])
    assert "top3_accuracy" not in metrics
    assert metrics["accuracy"] == 0.5


def test_zero_probability_for_true_class_gives_finite_clipped_loss():
    metrics = classification_metrics(np.array([0]), np.array([[0.0, 1.0]]), ["a", "b"])
    assert metrics["loss"] == pytest.approx(-math.log(1e-7))


def test_class_without_examples_has_no_accuracy():
    metrics = classification_metrics(np.array([0, 0]), np.array([[1.0, 0.0], [0.9, 0.1]]), ["a", "b"])
    assert metrics["per_class_accuracy"] == {"a": 1.0, "b": None}
    json.dumps(metrics, allow_nan=False)


@pytest.mark.parametrize(
    "y_true, probabilities, match",
    [
        (np.array([0, 4]), np.full((2, 4), 0.25), "not a class index"),
        (np.array([0, 1]), np.full((2, 3), 1 / 3), r"shape \(N, 4\)"),
        (np.array([0, 1]), np.array([[2.0, -1.0, 0.5, 0.5]] * 2), "softmax"),
        (np.array([0, 1, 2]), np.full((2, 4), 0.25), "same, non-zero number"),
        (np.array([0.0, 1.0]), np.full((2, 4), 0.25), "integer class indices"),
    ],
)
def test_bad_input_is_named_in_the_error(y_true, probabilities, match):
    with pytest.raises(ValueError, match=match):
        classification_metrics(y_true, probabilities, CLASS_NAMES)


def test_top_k_lists_most_probable_first():
    result = top_k(np.array([0.1, 0.6, 0.05, 0.25]), CLASS_NAMES)
    assert [entry["label"] for entry in result] == ["dog", "fish", "cat"]
    assert [entry["probability"] for entry in result] == pytest.approx([0.6, 0.25, 0.1])
    assert all(type(entry["probability"]) is float for entry in result)


def test_top_k_with_k_above_class_count_returns_every_class():
    result = top_k(np.array([0.3, 0.7]), ["no", "yes"], k=5)
    assert [entry["label"] for entry in result] == ["yes", "no"]


def test_top_k_rejects_bad_k_and_wrong_length():
    with pytest.raises(ValueError, match="k=0"):
        top_k(np.array([0.3, 0.7]), ["no", "yes"], k=0)
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        top_k(np.array([0.3, 0.3, 0.4]), ["no", "yes"])
