"""A folder of coloured RGB JPEG photos made from the real Fashion-MNIST, one sub-folder per class, for
benchmarks of image-folder loading and training (e.g. 30,000 or 100,000 images of 96x96).

    python bench/make_image_folder.py --count 30000 --out /work/bench-data/photos-30k

Image i is source item i % 70,000 (the 60,000 training then 10,000 test items), resized with bicubic
filtering and coloured from (seed, i): the item tinted with one random colour over a random light or dark
background, so the RGB channels differ and a second round over the source gives different files.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np
from PIL import Image

SOURCE = Path("/usr/share/datasets/fashion-mnist")  # apt-get install dataset-fashion-mnist
CLASS_FOLDERS = ("t-shirt_top", "trouser", "pullover", "dress", "coat",
                 "sandal", "shirt", "sneaker", "bag", "ankle_boot")  # Fashion-MNIST's labels 0-9
PROCESSES = 2
CHUNK = 500  # images per task handed to a worker process
PROGRESS_EVERY = 10_000

_items: np.ndarray  # (N, 28, 28) uint8, set in each worker by _start_worker
_labels: np.ndarray  # (N,) uint8


def read_idx(path: Path) -> np.ndarray:
    """One IDX file (plain or .gz): a big-endian header of dimension sizes, then unsigned bytes."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as stream:
        raw = stream.read()
    dimensions = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dimensions))
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * dimensions).reshape(shape)


def idx_file(folder: Path, stem: str) -> Path:
    """`stem` in `folder`, gzipped or not; a clear error when neither is there."""
    for name in (f"{stem}.gz", stem):
        if (folder / name).is_file():
            return folder / name
    raise SystemExit(f"error: {folder / stem}[.gz] not found; install it with "
                     f"`sudo apt-get install -y dataset-fashion-mnist` or give --source")


def load_fashion_mnist(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    """All 70,000 items (training then test) as (N, 28, 28) uint8 images and (N,) labels."""
    parts = [(read_idx(idx_file(folder, f"{split}-images-idx3-ubyte")),
              read_idx(idx_file(folder, f"{split}-labels-idx1-ubyte"))) for split in ("train", "t10k")]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def coloured(gray: np.ndarray, size: int, rng: np.random.Generator) -> Image.Image:
    """The gray item resized to size x size, tinted with a random colour over a random light or dark background."""
    ink = np.asarray(Image.fromarray(gray).resize((size, size), Image.Resampling.BICUBIC), np.float32)[..., None] / 255
    if rng.random() < 0.5:  # light background, darker item
        background, tint = rng.uniform(170, 255, 3), rng.uniform(0, 150, 3)
    else:  # dark background, lighter item
        background, tint = rng.uniform(0, 85, 3), rng.uniform(105, 255, 3)
    rgb = background * (1 - ink) + tint * ink  # (size, size, 3)
    return Image.fromarray(np.clip(rgb + 0.5, 0, 255).astype(np.uint8), "RGB")


def _start_worker(items: np.ndarray, labels: np.ndarray) -> None:
    """Give a worker process the source images once, not with every task."""
    global _items, _labels
    _items, _labels = items, labels


def write_images(task: tuple[range, Path, int, int, int]) -> int:
    """Write the images numbered in `indices` into out/<class>/<index>.jpg; the number written."""
    indices, out, size, quality, seed = task
    for index in indices:
        source = index % len(_items)
        rng = np.random.default_rng([seed, index])
        path = out / CLASS_FOLDERS[_labels[source]] / f"{index:08d}.jpg"
        coloured(_items[source], size, rng).save(path, "JPEG", quality=quality)
    return len(indices)


def make_image_folder(out: Path, count: int, size: int, quality: int, seed: int, source: Path) -> None:
    """Write `count` images into `out`, in PROCESSES processes, printing progress every PROGRESS_EVERY files."""
    items, labels = load_fashion_mnist(source)
    for name in CLASS_FOLDERS:
        (out / name).mkdir(parents=True, exist_ok=True)
    tasks = [(range(start, min(start + CHUNK, count)), out, size, quality, seed) for start in range(0, count, CHUNK)]
    started, written = time.perf_counter(), 0
    with Pool(PROCESSES, initializer=_start_worker, initargs=(items, labels)) as pool:
        for done in pool.imap_unordered(write_images, tasks):
            before, written = written, written + done
            if written // PROGRESS_EVERY > before // PROGRESS_EVERY or written == count:
                print(f"{written:,} / {count:,} images ({time.perf_counter() - started:.0f} s)", flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line, with its values checked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=30_000, help="number of images (default 30000)")
    parser.add_argument("--out", type=Path, required=True, help="folder to create; must not exist or be empty")
    parser.add_argument("--size", type=int, default=96, help="width and height in pixels (default 96)")
    parser.add_argument("--quality", type=int, default=90, help="JPEG quality 1-95 (default 90)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the colours (default 0)")
    parser.add_argument("--source", type=Path, default=SOURCE, help=f"Fashion-MNIST IDX folder (default {SOURCE})")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error(f"--count must be at least 1. Received: --count {args.count}")
    if args.size < 1:
        parser.error(f"--size must be at least 1. Received: --size {args.size}")
    if not 1 <= args.quality <= 95:
        parser.error(f"--quality must be from 1 to 95. Received: --quality {args.quality}")
    if args.seed < 0:
        parser.error(f"--seed must be 0 or more. Received: --seed {args.seed}")
    return args


def main(argv: list[str] | None = None) -> int:
    """Make the folder; exit status 2 when --out already holds files."""
    args = parse_args(argv)
    if args.out.exists() and (not args.out.is_dir() or any(args.out.iterdir())):
        print(f"error: --out {args.out} exists and is not an empty folder; give a new folder or remove it first",
              file=sys.stderr)
        return 2
    make_image_folder(args.out, args.count, args.size, args.quality, args.seed, args.source)
    return 0


if __name__ == "__main__":
    sys.exit(main())
