"""The datasets classicnets knows by name: what they are, their class names, the file names they come in."""

from __future__ import annotations

from dataclasses import dataclass

DIGIT_NAMES = tuple(str(digit) for digit in range(10))
FASHION_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)


@dataclass(frozen=True)
class KnownDataset:
    """A dataset known by name."""

    name: str
    description: str
    class_names: tuple[str, ...]
    folder_names: tuple[str, ...] = ()  # sub-folders of a search folder that may hold it
    npz_names: tuple[str, ...] = ()  # Keras-style .npz files that may hold it
    how_to_get: str = ""  # one sentence for error messages and listings


KNOWN_DATASETS = {
    "mnist": KnownDataset(
        name="mnist",
        description="MNIST handwritten digits, 28x28 grayscale, 60,000 train / 10,000 test",
        class_names=DIGIT_NAMES,
        folder_names=("mnist",),
        npz_names=("mnist.npz",),
        how_to_get=(
            "put mnist.npz or the four MNIST IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
            "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) in a folder and pass --data-dir FOLDER, "
            "or run once with internet access so Keras downloads it to ~/.keras/datasets"
        ),
    ),
    "fashion-mnist": KnownDataset(
        name="fashion-mnist",
        description="Fashion-MNIST clothing images, 28x28 grayscale, 60,000 train / 10,000 test",
        class_names=FASHION_NAMES,
        folder_names=("fashion-mnist", "fashion_mnist"),
        npz_names=("fashion-mnist.npz", "fashion_mnist.npz"),
        how_to_get=(
            "run `apt-get install dataset-fashion-mnist` (installs /usr/share/datasets/fashion-mnist), or put "
            "the four Fashion-MNIST IDX files in a folder and pass --data-dir FOLDER, or run once with internet "
            "access so Keras downloads it to ~/.keras/datasets/fashion-mnist"
        ),
    ),
    "digits": KnownDataset(
        name="digits",
        description="scikit-learn's bundled handwritten digits, 8x8 grayscale, 1,797 images (always available)",
        class_names=DIGIT_NAMES,
    ),
}


def find_known(name: str) -> KnownDataset | None:
    """The known dataset called `name` (any case, '_' or '-'), or None."""
    return KNOWN_DATASETS.get(name.strip().lower().replace("_", "-"))
