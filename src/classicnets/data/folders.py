"""Image folders: one sub-folder per class (optionally inside train/ and test/), any image size and mode."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from classicnets.data.arrays import dataset_from_arrays, split_dataset
from classicnets.data.dataset import Dataset
from classicnets.data.images import is_image_file, load_image_files
from classicnets.data.labels import class_order
from classicnets.errors import UserError

ClassFolders = list[tuple[str, list[Path]]]  # (class name, its image files)


def class_folders(folder: Path) -> ClassFolders:
    """Visible sub-folders that hold at least one image, in class order, with their sorted image files."""
    classes = []
    for sub_folder in sorted(folder.iterdir(), key=lambda path: class_order(path.name)):
        if sub_folder.is_dir() and not sub_folder.name.startswith("."):
            images = sorted(path for path in sub_folder.iterdir() if is_image_file(path))
            if images:
                classes.append((sub_folder.name, images))
    return classes


def _require_classes(folder: Path, classes: ClassFolders) -> None:
    """Raise UserError unless there are at least two classes."""
    if len(classes) >= 2:
        return
    names = f" ({classes[0][0]})" if classes else ""
    loose = sum(1 for path in folder.iterdir() if is_image_file(path))
    loose_hint = f" The {loose} images directly in {folder} need to move into their class sub-folders." if loose else ""
    raise UserError(
        f"{folder} has {len(classes)} class sub-folder(s) with images{names}; at least 2 are needed. Expected "
        f"layout: one sub-folder per class holding its images, e.g. {folder}/cat/1.png and {folder}/dog/2.jpg "
        f"(png, jpg, jpeg, bmp or gif), or train/ and test/ sub-folders each laid out like that.{loose_hint}"
    )


def _read_classes(
    classes: ClassFolders, class_names: list[str], image_size: tuple[int, int], channels: int
) -> tuple[np.ndarray, np.ndarray]:
    """All images of these classes as uint8 (N, H, W, C), with int64 indices into `class_names`."""
    paths = [path for _, files in classes for path in files]
    labels = [class_names.index(name) for name, files in classes for _ in files]
    return load_image_files(paths, image_size, channels), np.array(labels, dtype=np.int64)


def _load_train_test(
    name: str, folder: Path, image_size: tuple[int, int], channels: int
) -> Dataset:
    """A folder with train/ and test/ sub-folders, each holding class sub-folders."""
    train_classes, test_classes = class_folders(folder / "train"), class_folders(folder / "test")
    _require_classes(folder / "train", train_classes)
    class_names = [class_name for class_name, _ in train_classes]
    unknown = [class_name for class_name, _ in test_classes if class_name not in class_names]
    if unknown or not test_classes:
        problem = f"has classes missing from train/: {', '.join(unknown)}" if unknown else "has no class images"
        raise UserError(
            f"{folder / 'test'} {problem}. test/ must hold sub-folders named like those in train/ "
            f"({', '.join(class_names)}), each with images of that class."
        )
    train = _read_classes(train_classes, class_names, image_size, channels)
    test = _read_classes(test_classes, class_names, image_size, channels)
    return dataset_from_arrays(name, f"{folder} (train/ and test/ image folders)", train, test, class_names)


def load_image_folder(
    name: str, folder: Path, image_size: tuple[int, int], channels: int, test_fraction: float, seed: int
) -> Dataset:
    """Images in class sub-folders, converted to `image_size` and `channels`, split stratified unless given."""
    if (folder / "train").is_dir() and (folder / "test").is_dir():
        return _load_train_test(name, folder, image_size, channels)
    classes = class_folders(folder)
    _require_classes(folder, classes)
    class_names = [class_name for class_name, _ in classes]
    images, labels = _read_classes(classes, class_names, image_size, channels)
    return split_dataset(name, f"{folder} (image folders)", images, labels, test_fraction, seed, class_names)
