"""Download MNIST / Fashion-MNIST with Keras into its cache (the only place this package uses the network)."""

from __future__ import annotations

import numpy as np

from classicnets.data.sources import keras_cache
from classicnets.errors import UserError

KERAS_LOADERS = {"mnist": "mnist", "fashion-mnist": "fashion_mnist"}  # our name -> keras.datasets module
KERAS_FILES = {"mnist": "mnist.npz", "fashion-mnist": "fashion-mnist"}  # what Keras leaves in its cache

Split = tuple[np.ndarray, np.ndarray]


class DownloadFailed(UserError):
    """Keras could not download a dataset (usually: no network)."""


def fetch(name: str) -> tuple[Split, Split, str]:
    """Download `name` with Keras; return (train, test, where Keras cached it) or raise DownloadFailed."""
    import keras  # imported here: loading Keras (and TensorFlow) is slow and only a download needs it

    loader = getattr(keras.datasets, KERAS_LOADERS[name])
    try:
        train, test = loader.load_data()
    except Exception as error:  # Keras raises a bare Exception for network failures
        raise DownloadFailed(f"downloading {name} with Keras failed: {error}") from error
    return train, test, f"downloaded by Keras to {keras_cache() / KERAS_FILES[name]}"
