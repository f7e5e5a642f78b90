"""Where MNIST-like datasets are looked for, in order, and how a found copy (IDX files or .npz) is read."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classicnets.data.arrays import dataset_from_arrays, split_dataset
from classicnets.data.catalog import KNOWN_DATASETS, KnownDataset
from classicnets.data.dataset import Dataset
from classicnets.data.idx import IMAGES_MAGIC, LABELS_MAGIC, read_idx
from classicnets.data.npz import read_npz
from classicnets.errors import SettingsError, UserError

SYSTEM_FOLDERS: tuple[str, ...] = ("/usr/share/datasets",)  # searched last; tests point it elsewhere
DATA_PATH_VARIABLE = "CLASSICNETS_DATA_PATH"  # extra search folders, os.pathsep-separated
IDX_STEMS = {  # role -> file name without the optional .gz
    "train images": "train-images-idx3-ubyte",
    "train labels": "train-labels-idx1-ubyte",
    "test images": "t10k-images-idx3-ubyte",
    "test labels": "t10k-labels-idx1-ubyte",
}


@dataclass(frozen=True)
class LocalCopy:
    """The files of one dataset found in one folder: a Keras .npz, four IDX files, or only the two test ones."""

    kind: str  # 'npz', 'idx' or 'idx-test-only'
    files: dict[str, Path]  # role ('npz', 'train images', ...) -> file

    @property
    def where(self) -> str:
        """The .npz file or the folder holding the IDX files."""
        first = next(iter(self.files.values()))
        return str(first if self.kind == "npz" else first.parent)


def keras_cache() -> Path:
    """The folder where Keras keeps downloaded datasets ($KERAS_HOME/datasets, default ~/.keras/datasets)."""
    return Path(os.environ.get("KERAS_HOME") or "~/.keras").expanduser() / "datasets"


def search_roots(data_dir: str | None) -> list[Path]:
    """Folders to look in, first to last: data_dir, $CLASSICNETS_DATA_PATH, the Keras cache, system folders."""
    roots = []
    if data_dir is not None:
        folder = Path(data_dir).expanduser()
        if not folder.is_dir():
            raise SettingsError.about("data folder {folder} does not exist or is not a folder. Check the {data_dir} "
                                      "path.", "data_dir", folder=folder)
        roots.append(folder)
    extra = os.environ.get(DATA_PATH_VARIABLE, "")
    roots += [Path(entry).expanduser() for entry in extra.split(os.pathsep) if entry]
    return roots + [keras_cache()] + [Path(folder) for folder in SYSTEM_FOLDERS]


def _idx_file(folder: Path, stem: str) -> Path | None:
    """The IDX file for `stem` in `folder`: raw or .gz, with '-' or '.' before 'idx'."""
    dotted = stem.replace("-idx", ".idx")
    for name in (stem, f"{stem}.gz", dotted, f"{dotted}.gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def find_in_folder(folder: Path, npz_names: tuple[str, ...] = ()) -> LocalCopy | None:
    """A usable copy in `folder`, or None; UserError when only part of the IDX files is there."""
    for npz_name in npz_names:
        if (folder / npz_name).is_file():
            return LocalCopy("npz", {"npz": folder / npz_name})
    found = {role: _idx_file(folder, stem) for role, stem in IDX_STEMS.items()}
    present = {role: path for role, path in found.items() if path is not None}
    if not present:
        return None
    if len(present) == 4:
        return LocalCopy("idx", present)
    if set(present) == {"test images", "test labels"}:
        return LocalCopy("idx-test-only", present)
    missing = [f"{IDX_STEMS[role]}(.gz)" for role in IDX_STEMS if role not in present]
    raise UserError(
        f"{folder} holds only part of an IDX dataset: {', '.join(missing)} missing. Add the missing files "
        f"(all four, or just the two t10k test files), or remove the partial set."
    )


def _named_for_another(folder: Path, known: KnownDataset) -> bool:
    """True for a folder named after a different known dataset (its IDX files are not this one's)."""
    others = (other for other in KNOWN_DATASETS.values() if other.name != known.name)
    return any(folder.name.lower() in other.folder_names for other in others)


def find_local(known: KnownDataset, data_dir: str | None) -> tuple[LocalCopy | None, list[Path]]:
    """The first copy of `known` in the search folders, and the folders searched (for messages)."""
    roots = search_roots(data_dir)
    for root in roots:
        for folder in [root] + [root / name for name in known.folder_names]:
            if not folder.is_dir() or _named_for_another(folder, known):
                continue
            copy = find_in_folder(folder, known.npz_names)
            if copy is not None:
                return copy, roots
    return None, roots


def _read_idx_pair(images_file: Path, labels_file: Path) -> tuple[np.ndarray, np.ndarray]:
    """Images and labels of one split, checking their counts agree."""
    images, labels = read_idx(images_file, IMAGES_MAGIC), read_idx(labels_file, LABELS_MAGIC)
    if len(images) != len(labels):
        raise UserError(
            f"{images_file} holds {len(images)} images but {labels_file} holds {len(labels)} labels. They must "
            f"be the images and labels of the same split; copy the matching files again."
        )
    return images, labels


def read_copy(copy: LocalCopy, name: str, class_names: list[str] | None, test_fraction: float, seed: int) -> Dataset:
    """Load a found copy; a test-only copy is split into train/test by `test_fraction` and `seed`."""
    if copy.kind == "npz":
        train, test = read_npz(copy.files["npz"])
        return dataset_from_arrays(name, copy.where, train, test, class_names)
    if copy.kind == "idx":
        train = _read_idx_pair(copy.files["train images"], copy.files["train labels"])
        test = _read_idx_pair(copy.files["test images"], copy.files["test labels"])
        return dataset_from_arrays(name, f"{copy.where} (IDX files)", train, test, class_names)
    images, labels = _read_idx_pair(copy.files["test images"], copy.files["test labels"])
    dataset = split_dataset(name, copy.where, images, labels, test_fraction, seed, class_names)
    dataset.source = (
        f"{copy.where} (only the {len(labels)} t10k test images there; split into {len(dataset.y_train)} train / "
        f"{len(dataset.y_test)} test, test fraction {test_fraction}, seed {seed})"
    )
    return dataset
