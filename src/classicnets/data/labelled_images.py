"""The data of the GANs: an image dataset with its labels, checked before any run directory is written."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from classicnets.data.dataset import Dataset
from classicnets.data.loading import load_dataset
from classicnets.errors import UserError


def load_labelled_images(config: Any, notice: Callable[[str], None]) -> Dataset:
    """The run's dataset, checked before any run directory is written: images, with at least 2 labels."""
    data = config.data
    stored_shape = config.data_info.get("input_shape")  # a resumed or evaluated run keeps its image size
    size = data.image_size or (tuple(stored_shape[:2]) if stored_shape else None)
    dataset = load_dataset(data.dataset, data_dir=data.data_dir, image_size=size, color=data.color,
                           test_fraction=data.test_fraction, seed=config.train.seed, notice=notice)
    if len(dataset.input_shape) != 3:
        raise UserError(f"gan and cgan draw images, but this dataset's samples have shape {dataset.input_shape}; "
                        "train them on an image dataset (mnist, fashion-mnist, digits, a folder of images)")
    present = len(np.unique(dataset.y_train))
    if config.model == "cgan" and present < 2:
        raise UserError(f"cgan needs labelled images of at least 2 classes; {dataset.name!r} has {present} "
                        "label(s) in its training split. Give a dataset with labels (class sub-folders, a label "
                        "column, y arrays), or train the unconditional gan")
    return dataset
