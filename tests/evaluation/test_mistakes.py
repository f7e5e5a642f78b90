"""Where a classifier goes wrong: per-class scores, confused pairs, top losses and calibration, on numbers worked
out by hand."""

import numpy as np
import pytest

from classicnets.evaluation.metrics import confusion_counts
from classicnets.evaluation.mistakes import calibration, mistakes_report, most_confused, per_class_scores, top_losses

NAMES = ["cat", "dog", "owl"]
Y_TRUE = np.array([0, 0, 0, 1, 1, 2, 2, 2])
PROBABILITIES = np.array([
    [0.9, 0.05, 0.05],  # right, 0.9
    [0.6, 0.3, 0.1],    # right, 0.6
    [0.2, 0.7, 0.1],    # cat read as dog, 0.7
    [0.1, 0.8, 0.1],    # right, 0.8
    [0.05, 0.05, 0.9],  # dog read as owl, 0.9: the most confident mistake
    [0.1, 0.1, 0.8],    # right, 0.8
    [0.3, 0.6, 0.1],    # owl read as dog, 0.6
    [0.2, 0.6, 0.2],    # owl read as dog, 0.6
])


def test_per_class_precision_recall_and_f1():
    scores = per_class_scores(Y_TRUE, PROBABILITIES.argmax(axis=1), NAMES)
    # dog: predicted 4 times (1 right), 2 true dogs (1 found)
    assert scores["dog"] == {"precision": 0.25, "recall": 0.5, "f1": pytest.approx(1 / 3), "support": 2}
    assert scores["cat"]["precision"] == 1.0 and scores["cat"]["recall"] == pytest.approx(2 / 3)


def test_most_confused_pairs_most_first_and_never_confused_left_out():
    counts = confusion_counts(Y_TRUE, PROBABILITIES.argmax(axis=1), 3)
    pairs = most_confused(counts, NAMES)
    assert [(p["true"], p["predicted"], p["count"]) for p in pairs] == [("owl", "dog", 2), ("cat", "dog", 1),
                                                                          ("dog", "owl", 1)]
    assert pairs[0]["share_of_true"] == pytest.approx(2 / 3)
    assert most_confused(np.eye(3, dtype=int) * 5, NAMES) == []


def test_top_losses_lead_with_the_most_confident_mistake():
    assert top_losses(Y_TRUE, PROBABILITIES, most=3).tolist() == [4, 6, 2]  # p(true class) 0.05, 0.1, 0.2


def test_calibration_bins_and_expected_error():
    calibrated = calibration(Y_TRUE, PROBABILITIES, bins=5)
    # bins of width 0.2: (0.4, 0.6] holds 0.6 x3 (1 right), (0.6, 0.8] holds 0.7, 0.8, 0.8 (2 right),
    # (0.8, 1.0] holds 0.9, 0.9 (1 right)
    assert [(row["count"], row["accuracy"]) for row in calibrated["bins"]] == [(3, pytest.approx(1 / 3)),
                                                                              (3, pytest.approx(2 / 3)), (2, 0.5)]
    gap = 3 * abs(0.6 - 1 / 3) + 3 * abs(2.3 / 3 - 2 / 3) + 2 * abs(0.9 - 0.5)
    assert calibrated["expected_calibration_error"] == pytest.approx(gap / 8)


def test_the_report_holds_every_part():
    counts = confusion_counts(Y_TRUE, PROBABILITIES.argmax(axis=1), 3)
    report = mistakes_report(Y_TRUE, PROBABILITIES, counts, NAMES)
    assert set(report) == {"per_class", "most_confused", "expected_calibration_error", "calibration_bins"}
