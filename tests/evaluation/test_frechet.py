"""The Frechet distance: zero for one set, the squared mean shift for shifted sets, the closed form otherwise."""

import numpy as np
import pytest

from classicnets.evaluation.frechet import frechet_distance


def test_same_features_are_at_distance_zero():
    features = np.random.default_rng(0).normal(size=(500, 4))
    assert frechet_distance(features, features) == pytest.approx(0.0, abs=1e-8)


def test_a_shift_adds_its_squared_length():
    features = np.random.default_rng(1).normal(size=(400, 3))
    assert frechet_distance(features, features + [3.0, 0.0, 4.0]) == pytest.approx(25.0, rel=1e-6)


def test_matches_the_closed_form_for_diagonal_covariances():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(20000, 2)) * [1.0, 2.0], rng.normal(size=(20000, 2)) * [3.0, 1.0]
    expected = (1 - 3) ** 2 + (2 - 1) ** 2  # sum over dimensions of (sigma_a - sigma_b)^2
    assert frechet_distance(a, b) == pytest.approx(expected, abs=0.1)
    assert frechet_distance(a, b) == pytest.approx(frechet_distance(b, a), rel=1e-6)


def test_refuses_mismatched_features():
    with pytest.raises(ValueError, match="feature sizes"):
        frechet_distance(np.zeros((5, 3)), np.zeros((5, 2)))
