"""The real MNIST test files in the shared folder beside the repository (skipped where absent)."""

from pathlib import Path

import numpy as np
import pytest

from classicnets.data import load_dataset, read_idx

SHARED_MNIST = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "mnist"


@pytest.fixture
def mnist_folder():
    if not (SHARED_MNIST / "t10k-images-idx3-ubyte.gz").is_file():
        pytest.skip(f"real MNIST test files not found at {SHARED_MNIST}")
    return SHARED_MNIST


def test_real_mnist_test_files(mnist_folder):
    images = read_idx(mnist_folder / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(mnist_folder / "t10k-labels-idx1-ubyte.gz")
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels[:5].tolist() == [7, 2, 1, 0, 4]
    dataset = load_dataset("mnist", data_dir=str(mnist_folder))
    assert (len(dataset.y_train), len(dataset.y_test)) == (8000, 2000)
    assert dataset.x_train.dtype == np.uint8 and dataset.dark_background
    everything = load_dataset(str(mnist_folder), test_fraction=0.2)
    assert np.bincount(everything.y_test, minlength=10).sum() == 2000


def test_real_mnist_as_one_array(mnist_folder):
    dataset = load_dataset("mnist", data_dir=str(mnist_folder), test_fraction=0.5)
    x = np.concatenate([dataset.x_train, dataset.x_test])
    assert x.shape == (10000, 28, 28, 1) and x.dtype == np.uint8
    first = read_idx(mnist_folder / "t10k-images-idx3-ubyte.gz")[0]
    position = np.flatnonzero((x[..., 0] == first).all(axis=(1, 2)))
    assert len(position) >= 1  # the first test image (a 7) is in one of the splits
    y = np.concatenate([dataset.y_train, dataset.y_test])
    assert y[position[0]] == 7
