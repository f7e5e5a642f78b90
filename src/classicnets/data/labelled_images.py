"""The data of the families that train on load_dataset's datasets, checked before any run directory is written:
the classifiers need at least 2 classes, the GANs need images (and cgan 2 classes)."""

from __future__ import annotations

from typing import Any, Callable

from classicnets.data.dataset import Dataset
from classicnets.data.labels import require_classes
from classicnets.data.loading import load_dataset
from classicnets.errors import UserError

ADD_A_CLASS = ("Add examples of another class (check the label column, the labels file or the class sub-folders), "
               "or train the autoencoder or the gan, which learn from the inputs alone.")


def load_run_dataset(config: Any, notice: Callable[[str], None], download: bool = True) -> Dataset:
    """The run's dataset; a trained run's images come at the size it was trained on."""
    data = config.data
    image_size = data.image_size
    if image_size is None and config.data_info.get("is_image") and config.data_info.get("input_shape"):
        image_size = tuple(config.data_info["input_shape"][:2])
    return load_dataset(data.dataset, data_dir=data.data_dir, image_size=image_size, color=data.color,
                        test_fraction=data.test_fraction, seed=config.train.seed, notice=notice,
                        stream=data.stream, skip_bad_images=data.skip_bad_images, download=download)


def load_classified(config: Any, notice: Callable[[str], None]) -> Dataset:
    """A classifier's data: a new run needs 2 classes to train on (a trained run may be evaluated on one)."""
    dataset = load_run_dataset(config, notice)
    if not config.data_info:
        require_classes(dataset.y_train, dataset.class_names, dataset.source, config.model, ADD_A_CLASS)
    return dataset


def load_images(config: Any, notice: Callable[[str], None]) -> Dataset:
    """The data of a model that draws images: an image dataset, labelled or not."""
    dataset = load_run_dataset(config, notice)
    if len(dataset.input_shape) != 3:
        raise UserError(f"gan and cgan draw images, but this dataset's samples have shape {dataset.input_shape}; "
                        "train them on an image dataset (mnist, fashion-mnist, digits, a folder of images)")
    return dataset


def load_labelled_images(config: Any, notice: Callable[[str], None]) -> Dataset:
    """The data of a model that draws the class asked for: images with at least 2 labels."""
    dataset = load_images(config, notice)
    require_classes(dataset.y_train, dataset.class_names, dataset.source,
                    f"{config.model} (it draws the class asked for)",
                    "Give a dataset with labels (class sub-folders, a label column, y arrays), or train the "
                    "unconditional gan.")
    return dataset
