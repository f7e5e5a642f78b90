"""The notes' first classification data: two Gaussian clouds (linear classifier) and fur/wings -> animal (tabular)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from classicnets.data.arrays import dataset_from_arrays, split_dataset
from classicnets.data.columns import BUNDLED_FILES, load_labelled, read_feature_table
from classicnets.data.dataset import Dataset

CLOUDS_NAME = "clouds"
CLOUD_MEANS = ((0.0, 3.0), (3.0, 0.0))  # class 0, class 1
CLOUD_COVARIANCE = ((1.0, 0.5), (0.5, 1.0))
FUR_WINGS_NAME = "fur-wings"


def two_clouds(points_per_class: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The notes' two Gaussian clouds: points (2N, 2) float32 and labels (2N,) 0/1, from one seed."""
    rng = np.random.default_rng(seed)
    clouds = [rng.multivariate_normal(mean, CLOUD_COVARIANCE, size=points_per_class) for mean in CLOUD_MEANS]
    labels = np.repeat(np.arange(len(clouds)), points_per_class)
    return np.concatenate(clouds).astype(np.float32), labels.astype(np.int64)


def clouds_dataset(test_fraction: float, seed: int) -> Dataset:
    """The clouds split stratified into train and test; features named x1, x2."""
    points, labels = two_clouds(seed=seed)
    source = "two Gaussian clouds, 1,000 points each, means (0,3) and (3,0), covariance [[1,.5],[.5,1]] (generated)"
    dataset = split_dataset(CLOUDS_NAME, source, points, labels, test_fraction, seed, ["0", "1"])
    dataset.extra = {"feature_names": ["x1", "x2"], "target": "label"}
    return dataset


def fur_wings_dataset() -> Dataset:
    """The notes' data.csv (fur, wings -> other/mammal/bird); as in the notes, the test set is the training set."""
    table = read_feature_table(BUNDLED_FILES / "fur_wings.csv", "label")
    source = "the notes' fur/wings -> other, mammal, bird table (bundled; tested on its own rows)"
    rows = (table.features, table.target)
    dataset = dataset_from_arrays(FUR_WINGS_NAME, source, rows, rows)
    dataset.extra = {"feature_names": table.feature_names, "target": table.target_name}
    return dataset


def load_clouds(config: Any, notice: Callable[[str], None] = print) -> Dataset:
    """linear-classifier data: the generated clouds, or a labelled CSV."""
    return load_labelled(config, "linear-classifier", CLOUDS_NAME,
                         lambda: clouds_dataset(config.data.test_fraction, config.train.seed))


def load_fur_wings(config: Any, notice: Callable[[str], None] = print) -> Dataset:
    """tabular data: the bundled fur/wings table, or a labelled CSV."""
    return load_labelled(config, "tabular", FUR_WINGS_NAME, fur_wings_dataset)
