"""The data a run trains on: loaded by the run's model family (or as labelled images), and the facts about it
that the run keeps in config.json."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

from classicnets.config import RunConfig
from classicnets.data import Dataset
from classicnets.data.labelled_images import load_run_dataset
from classicnets.models import get_spec


def load_run_data(config: RunConfig, dataset: str | None = None, notice: Callable[[str], None] = print) -> Dataset:
    """Load the run's dataset (or another one), converted to the run's image size when it is a folder."""
    if dataset is not None:
        config = dataclasses.replace(config, data=dataclasses.replace(config.data, dataset=dataset))
    load = get_spec(config.model).load_data or load_run_dataset
    return load(config, notice)


def describe_data(dataset: Dataset) -> dict[str, Any]:
    """Facts about the data a run needs later (predict converts images to this shape)."""
    info = {"name": dataset.name, "source": dataset.source, "input_shape": list(dataset.input_shape),
            "class_names": list(dataset.class_names), "is_image": bool(dataset.is_image),
            "train_examples": int(len(dataset.y_train)), "test_examples": int(len(dataset.y_test))}
    if dataset.is_image:
        info["dark_background"] = bool(dataset.dark_background)
    if dataset.feature_min is not None:  # feature CSVs: the scaling new inputs must get
        info["feature_min"] = [float(v) for v in dataset.feature_min]
        info["feature_max"] = [float(v) for v in dataset.feature_max]
    if dataset.extra:
        info["extra"] = dataset.extra
    return info
