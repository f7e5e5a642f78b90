"""Datasets by name or path: MNIST, Fashion-MNIST, bundled digits, IDX, .npz, CSV and image folders."""

from classicnets.data.arrays import scale_features
from classicnets.data.catalog import KNOWN_DATASETS
from classicnets.data.dataset import Dataset
from classicnets.data.idx import read_idx
from classicnets.data.images import IMAGE_EXTENSIONS, load_image_files
from classicnets.data.listing import list_datasets
from classicnets.data.loading import DatasetNotFound, load_dataset

__all__ = [
    "Dataset",
    "DatasetNotFound",
    "IMAGE_EXTENSIONS",
    "KNOWN_DATASETS",
    "list_datasets",
    "load_dataset",
    "load_image_files",
    "read_idx",
    "scale_features",
]
