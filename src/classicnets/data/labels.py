"""Labels: class names in a natural order, label values -> class indices, stratified splits."""

from __future__ import annotations

import numpy as np

from classicnets.errors import UserError


def class_order(name: str) -> tuple[int, float, str]:
    """Sort key that puts numeric names in numeric order ('2' before '10') and text after them."""
    try:
        return (0, float(name), name)
    except ValueError:
        return (1, 0.0, name)


def label_texts(labels: np.ndarray) -> np.ndarray:
    """Label values as strings; whole-number floats lose their '.0' so 3.0 reads '3'."""
    values = np.asarray(labels)
    if values.dtype.kind == "f" and np.all(np.isfinite(values)) and np.all(values == np.round(values)):
        values = values.astype(np.int64)
    if values.dtype.kind in "iub":
        return values.astype(np.int64).astype(str)
    return np.array([str(value).strip() for value in values.tolist()], dtype=str)


def encode_labels(*label_arrays: np.ndarray) -> tuple[list[np.ndarray], list[str]]:
    """Map the label values of several splits to int64 indices into the sorted class names they share."""
    texts = [label_texts(labels) for labels in label_arrays]
    class_names = sorted({name for split in texts for name in np.unique(split).tolist()}, key=class_order)
    index_of = {name: index for index, name in enumerate(class_names)}
    encoded = [np.array([index_of[name] for name in split.tolist()], dtype=np.int64) for split in texts]
    return encoded, class_names


def stratified_split(labels: np.ndarray, test_fraction: float, seed: int, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Seeded train/test index arrays that keep each class's share; `where` names the data in errors."""
    if not 0 < test_fraction < 1:
        raise UserError(
            f"{where} has no test split of its own, so part of it is held out for testing, but the test "
            f"fraction is {test_fraction}. Use a test fraction between 0 and 1 (exclusive), e.g. 0.2."
        )
    rng = np.random.default_rng(seed)
    _, groups, counts = np.unique(label_texts(labels), return_inverse=True, return_counts=True)
    by_group = np.split(np.argsort(groups, kind="stable"), np.cumsum(counts)[:-1])
    train_parts, test_parts = [], []
    for members in by_group:
        members = rng.permutation(members)
        test_count = int(round(len(members) * test_fraction))
        test_count = min(max(test_count, 1), len(members) - 1)  # both sides get a sample when the class has two
        test_parts.append(members[:test_count])
        train_parts.append(members[test_count:])
    train, test = np.concatenate(train_parts), np.concatenate(test_parts)
    if len(train) == 0 or len(test) == 0:
        raise UserError(
            f"{where} has too few samples ({len(labels)}) to split into train and test with test fraction "
            f"{test_fraction}. Add more samples (at least 2 per class) or give it its own test split."
        )
    return rng.permutation(train), rng.permutation(test)


def require_classes(labels: np.ndarray, class_names: list[str], where: str, needed_by: str, hint: str) -> None:
    """Raise UserError when the training `labels` hold fewer than 2 classes: a classifier would learn nothing
    and score 100% on a test split of that one class."""
    present = np.unique(labels)
    if len(present) >= 2:
        return
    found = f"the class {class_names[present[0]]!r}" if len(present) else "no class"
    raise UserError(f"{where}: every training example has {found}; at least 2 classes are needed to train "
                    f"{needed_by}. {hint}")
