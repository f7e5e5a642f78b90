"""load_dataset: a known name, a path, or nothing (MNIST when it can be had, else the bundled digits)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from classicnets.data import download as keras_download
from classicnets.data.arrays import dataset_from_arrays
from classicnets.data.bundled import load_digits_dataset
from classicnets.data.catalog import KNOWN_DATASETS, KnownDataset, find_known
from classicnets.data.dataset import Dataset
from classicnets.data.folders import load_image_folder
from classicnets.data.images import DEFAULT_IMAGE_SIZE, channels_for, check_image_size, conform_images
from classicnets.data.npz import read_npz
from classicnets.data.sources import find_in_folder, find_local, read_copy
from classicnets.data.tables import load_csv
from classicnets.errors import UserError

DEFAULT_TEST_FRACTION = 0.2


class DatasetNotFound(UserError):
    """A known dataset is in none of the search folders and could not be downloaded."""


def load_known(
    known: KnownDataset, data_dir: str | None, test_fraction: float, seed: int, download_ok: bool
) -> Dataset:
    """A known dataset from the first search folder that has it, else from a Keras download."""
    if known.name == "digits":
        return load_digits_dataset(test_fraction, seed)
    copy, roots = find_local(known, data_dir)
    if copy is not None:
        return read_copy(copy, known.name, list(known.class_names), test_fraction, seed)
    looked = f"{', '.join(map(str, roots))} (and their {'/'.join(known.folder_names)} sub-folders)"
    if not download_ok:
        raise DatasetNotFound(
            f"{known.name} was not found in {looked}, and downloading is turned off. To get it, {known.how_to_get}."
        )
    try:
        train, test, where = keras_download.fetch(known.name)
    except keras_download.DownloadFailed as error:
        raise DatasetNotFound(
            f"{known.name} was not found in {looked}, and {error}. To get it, {known.how_to_get}."
        ) from error
    return dataset_from_arrays(known.name, where, train, test, list(known.class_names))


def _load_default(
    data_dir: str | None, test_fraction: float, seed: int, download_ok: bool, notice: Callable[[str], None]
) -> Dataset:
    """MNIST when it is found or downloads; otherwise the bundled digits, with a one-line notice."""
    mnist = KNOWN_DATASETS["mnist"]
    try:
        return load_known(mnist, data_dir, test_fraction, seed, download_ok)
    except DatasetNotFound:
        reason = "could not be downloaded" if download_ok else "downloading is off"
        notice(f"note: MNIST was not found locally and {reason}; using the bundled 8x8 digits "
               "(`classicnets datasets` says how to get MNIST).")
        return load_digits_dataset(test_fraction, seed)


def _load_path(
    name: str, image_size: tuple[int, int] | None, channels: int | None, test_fraction: float, seed: int,
    stream: str, skip_bad_images: bool, notice: Callable[[str], None],
) -> Dataset:
    """A dataset given as a path: a folder (IDX files or class sub-folders of images), an .npz or a .csv file."""
    path = Path(name).expanduser()
    if not path.exists():
        raise UserError(
            f"unknown dataset {name!r}: it is not a known name ({', '.join(KNOWN_DATASETS)}) and no file or "
            f"folder {path} exists. Use a known name, or the path of an image folder, an .npz or a .csv file."
        )
    if path.is_dir():
        copy = find_in_folder(path)
        if copy is not None:
            return read_copy(copy, name, None, test_fraction, seed)
        return load_image_folder(name, path, image_size or DEFAULT_IMAGE_SIZE, channels or 1, test_fraction, seed,
                                 stream, skip_bad_images, notice)
    if path.suffix.lower() == ".npz":
        train, test = read_npz(path, stream)
        return dataset_from_arrays(name, str(path), train, test)
    if path.name.lower().endswith((".csv", ".csv.gz")):
        return load_csv(name, path, test_fraction, seed)
    raise UserError(
        f"cannot tell how to read {path}: a dataset path must be a folder (of class sub-folders of images, "
        f"or of IDX files), an .npz file or a .csv file. For IDX files, give the folder that holds them."
    )


def load_dataset(
    name: str | os.PathLike | None,
    data_dir: str | None = None,
    image_size: Sequence[int] | None = None,
    color: str | None = None,
    test_fraction: float = DEFAULT_TEST_FRACTION,
    seed: int = 0,
    download: bool = True,
    notice: Callable[[str], None] = print,
    stream: str = "auto",
    skip_bad_images: bool = False,
) -> Dataset:
    """Load 'mnist', 'fashion-mnist', 'digits', or a path; None means MNIST if it can be had, else digits.

    Image folders are decoded once into a cache ($CLASSICNETS_CACHE/images); `stream` says whether their images
    are then held in memory ('off'), read from the cache a batch at a time ('on'), or held in memory when they
    fit 256 MiB ('auto'). Unreadable images are refused, naming them, unless `skip_bad_images`."""
    size, channels = check_image_size(image_size), channels_for(color)
    name = None if name is None else os.fspath(name)
    if name is None:
        dataset = _load_default(data_dir, test_fraction, seed, download, notice)
    elif not name.strip():
        raise UserError("the dataset name is empty. Give a known name (mnist, fashion-mnist, digits) or a path.")
    elif (known := find_known(name)) is not None:
        dataset = load_known(known, data_dir, test_fraction, seed, download)
    else:
        dataset = _load_path(name, size, channels, test_fraction, seed, stream, skip_bad_images, notice)
    if dataset.is_image and (size or channels):
        before = dataset.input_shape
        dataset.x_train = conform_images(dataset.x_train, size, channels)
        dataset.x_test = conform_images(dataset.x_test, size, channels)
        if dataset.input_shape != before:
            notice(f"note: the images of {dataset.name} ({'x'.join(map(str, before))}) were converted to "
                   f"{'x'.join(map(str, dataset.input_shape))}")
    return dataset
