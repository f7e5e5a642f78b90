"""Tiny labelled images for the GAN tests, and a judge that trains in a second."""

import numpy as np
import pytest

from classicnets.judges import judge

from tests.models.gan.small import stripes


@pytest.fixture(autouse=True)
def quick_judge(monkeypatch, tmp_path_factory):
    """Judges are cached in a temp folder and train for one short epoch."""
    monkeypatch.setenv(judge.CACHE_VARIABLE, str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setattr(judge, "MAX_JUDGE_EPOCHS", 2)


@pytest.fixture(scope="session")
def stripes_npz(tmp_path_factory):
    """An .npz dataset of 120 training and 30 test stripe images."""
    path = tmp_path_factory.mktemp("data") / "stripes.npz"
    (x_train, y_train), (x_test, y_test) = stripes(120, 0), stripes(30, 1)
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return path
