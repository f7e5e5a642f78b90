"""Image folders: one sub-folder per class (optionally inside train/ and test/), any image size and mode.

The images are decoded once into the cache of data/image_cache.py. A dataset whose decoded images fit
IN_MEMORY_LIMIT is read into memory from there; a larger one (or any, with stream='on') stays in the cache file
and is read a batch at a time (data/stored.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from classicnets.data.arrays import dataset_from_arrays
from classicnets.data.dataset import Dataset
from classicnets.data.image_cache import FolderListing, cached_images, list_folder
from classicnets.data.images import is_image_file
from classicnets.data.labels import stratified_split
from classicnets.data.stored import IN_MEMORY_LIMIT, StoredImages
from classicnets.errors import SettingsError, UserError

STREAM_CHOICES = ("auto", "on", "off")
BAD_NAMED = 5  # bad files named in a message; the rest are counted


def _require_classes(folder: Path, listing: FolderListing) -> None:
    """Raise UserError unless there are at least two classes."""
    if len(listing.class_names) >= 2:
        return
    names = f" ({listing.class_names[0]})" if listing.class_names else ""
    loose = sum(1 for path in folder.iterdir() if is_image_file(path))
    loose_hint = f" The {loose} images directly in {folder} need to move into their class sub-folders." if loose else ""
    raise UserError(
        f"{folder} has {len(listing.class_names)} class sub-folder(s) with images{names}; at least 2 are needed. "
        f"Expected layout: one sub-folder per class holding its images, e.g. {folder}/cat/1.png and {folder}/dog/2.jpg "
        f"(png, jpg, jpeg, bmp or gif), or train/ and test/ sub-folders each laid out like that.{loose_hint}"
    )


def _bad_list(folder: Path, bad: dict[str, str]) -> str:
    """'a/1.jpg (cannot identify image file), ... and 3 more'."""
    named = [f"{folder / file} ({why})" for file, why in list(bad.items())[:BAD_NAMED]]
    more = f" and {len(bad) - BAD_NAMED:,} more" if len(bad) > BAD_NAMED else ""
    return "; ".join(named) + more


def _good_files(listing: FolderListing, bad: dict[str, str], skip_bad_images: bool,
                notice: Callable[[str], None]) -> np.ndarray:
    """Positions of the readable images; bad ones are refused, or skipped with one notice."""
    if not bad:
        return np.arange(len(listing.files))
    if not skip_bad_images:
        raise SettingsError.about(
            "{count:,} of the {total:,} images in {folder} cannot be read: {files}. Remove or replace them, or "
            "train without them with {skip_bad_images}.", "skip_bad_images", count=len(bad),
            total=len(listing.files), folder=listing.folder, files=_bad_list(listing.folder, bad))
    notice(f"skipping {len(bad):,} of the {len(listing.files):,} images in {listing.folder}, which cannot be read: "
           f"{_bad_list(listing.folder, bad)}")
    return np.array([index for index, file in enumerate(listing.files) if file not in bad], np.int64)


def _folder_images(folder: Path, image_size: tuple[int, int], channels: int, skip_bad_images: bool,
                   notice: Callable[[str], None]) -> tuple[StoredImages, np.ndarray, list[str]]:
    """The folder's readable images (from the cache), their labels and the class names."""
    listing = list_folder(folder, notice)
    _require_classes(folder, listing)
    cached = cached_images(listing, image_size, channels, notice)
    good = _good_files(listing, cached.bad, skip_bad_images, notice)
    return StoredImages.open_npy(cached.images_file, good), listing.labels[good], listing.class_names


def _placed(images: StoredImages, total_bytes: int, stream: str) -> np.ndarray | StoredImages:
    """The images in memory, or left in the cache file to stream."""
    if stream == "on" or (stream == "auto" and total_bytes > IN_MEMORY_LIMIT):
        return images
    return images.load()


def _check_stream(stream: str) -> None:
    if stream not in STREAM_CHOICES:
        raise SettingsError.about("{stream} must be one of auto, on, off. Received: {value!r}", "stream", value=stream)


def _load_train_test(name: str, folder: Path, image_size: tuple[int, int], channels: int, stream: str,
                     skip_bad_images: bool, notice: Callable[[str], None]) -> Dataset:
    """A folder with train/ and test/ sub-folders, each holding class sub-folders."""
    train, train_labels, class_names = _folder_images(folder / "train", image_size, channels, skip_bad_images, notice)
    test_listing = list_folder(folder / "test", notice)
    unknown = [class_name for class_name in test_listing.class_names if class_name not in class_names]
    if unknown or not test_listing.class_names:
        problem = f"has classes missing from train/: {', '.join(unknown)}" if unknown else "has no class images"
        raise UserError(
            f"{folder / 'test'} {problem}. test/ must hold sub-folders named like those in train/ "
            f"({', '.join(class_names)}), each with images of that class."
        )
    test, test_labels, test_names = _folder_images(folder / "test", image_size, channels, skip_bad_images, notice)
    test_labels = np.array([class_names.index(test_names[label]) for label in test_labels], np.int64)
    total = train.nbytes + test.nbytes
    return dataset_from_arrays(name, f"{folder} (train/ and test/ image folders)",
                               (_placed(train, total, stream), train_labels),
                               (_placed(test, total, stream), test_labels), class_names)


def load_image_folder(name: str, folder: Path, image_size: tuple[int, int], channels: int, test_fraction: float,
                      seed: int, stream: str = "auto", skip_bad_images: bool = False,
                      notice: Callable[[str], None] = print) -> Dataset:
    """Images in class sub-folders, converted to `image_size` and `channels`, split stratified unless given."""
    _check_stream(stream)
    if (folder / "train").is_dir() and (folder / "test").is_dir():
        return _load_train_test(name, folder, image_size, channels, stream, skip_bad_images, notice)
    images, labels, class_names = _folder_images(folder, image_size, channels, skip_bad_images, notice)
    source = f"{folder} (image folders)"
    train, test = stratified_split(labels, test_fraction, seed, source)
    return dataset_from_arrays(name, source, (_placed(images.take(train), images.nbytes, stream), labels[train]),
                               (_placed(images.take(test), images.nbytes, stream), labels[test]), class_names)
