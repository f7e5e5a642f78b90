"""The decoded-image cache of image folders: each folder's images, decoded and converted once per image size and
colour, in one uint8 .npy file under $CLASSICNETS_CACHE/images (default ~/.cache/classicnets/images).

A cache is named after the folder and a hash of its listing (every image's path, size and modification time) and
the conversion; a folder whose files changed gets a new cache, and the old one is removed. Images are decoded
by a pool of threads (Pillow releases the interpreter lock while it decodes and resizes), a block at a time, and
written straight to the file: memory holds one block, whatever the folder's size. `classicnets cache` lists the
caches and clears them."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from classicnets.data.images import IMAGE_EXTENSIONS, conform_image
from classicnets.data.labels import class_order
from classicnets.errors import UserError
from classicnets.files import folder_safe_name, write_error
from classicnets.progress import CountProgress

CACHE_VARIABLE = "CLASSICNETS_CACHE"
FORMAT = 1  # bump when the cache's layout or the decoding changes: older caches are then rebuilt
BLOCK = 512  # images decoded between two writes


def cache_home() -> Path:
    """classicnets' cache folder: $CLASSICNETS_CACHE, else $XDG_CACHE_HOME/classicnets, else ~/.cache/classicnets."""
    base = os.environ.get(CACHE_VARIABLE) or os.path.join(os.environ.get("XDG_CACHE_HOME") or "~/.cache", "classicnets")
    return Path(base).expanduser()


def images_home() -> Path:
    """Where the decoded images of image folders are kept."""
    return cache_home() / "images"


@dataclass(frozen=True)
class FolderListing:
    """The images of a folder of class sub-folders: paths relative to it, in class order then name order."""

    folder: Path
    class_names: list[str]
    files: list[str]  # 'cat/001.jpg'
    labels: np.ndarray  # int64 index into class_names, one per file
    stamps: list[tuple[int, int]]  # (size in bytes, modification time in ns) per file

    def key(self, image_size: tuple[int, int], channels: int) -> str:
        """A hash of the files, their sizes and times, and the conversion asked for."""
        digest = hashlib.sha256(f"{FORMAT} {image_size} {channels} {self.class_names}".encode())
        for name, (size, mtime) in zip(self.files, self.stamps):
            digest.update(f"{name}\0{size}\0{mtime}\n".encode())
        return digest.hexdigest()[:16]


def _is_image_entry(entry: os.DirEntry) -> bool:
    """A visible file with an image extension (any letter case)."""
    return (not entry.name.startswith(".") and os.path.splitext(entry.name)[1].lower() in IMAGE_EXTENSIONS
            and entry.is_file())


def list_folder(folder: Path, notice: Callable[[str], None]) -> FolderListing:
    """The class sub-folders holding images, in class order, and their images with sizes and times."""
    started = time.perf_counter()
    class_names, files, labels, stamps = [], [], [], []
    for sub in sorted((e for e in os.scandir(folder) if e.is_dir() and not e.name.startswith(".")),
                      key=lambda entry: class_order(entry.name)):
        images = sorted((e for e in os.scandir(sub.path) if _is_image_entry(e)), key=lambda entry: entry.name)
        if not images:
            continue
        for entry in images:
            stat = entry.stat()
            files.append(f"{sub.name}/{entry.name}")
            stamps.append((stat.st_size, stat.st_mtime_ns))
        labels += [len(class_names)] * len(images)
        class_names.append(sub.name)
    if len(files) >= 10_000:
        notice(f"listed {folder}: {len(files):,} images in {len(class_names)} classes "
               f"({time.perf_counter() - started:.1f}s)")
    return FolderListing(folder, class_names, files, np.array(labels, np.int64), stamps)


def decode(path: Path, image_size: tuple[int, int], channels: int) -> np.ndarray | str:
    """One image file converted like `classicnets predict` converts it, or why it cannot be read."""
    try:
        with Image.open(path) as image:
            return conform_image(image, image_size, channels)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        return str(error) or type(error).__name__


@dataclass(frozen=True)
class CachedImages:
    """A finished cache: the .npy of all the listing's images (a bad file's slot is zeros) and what was bad."""

    images_file: Path
    bad: dict[str, str]  # relative path -> why it could not be read
    built: bool  # made by this call (False: found ready)


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (another process building the same cache waits for it)."""
    with open(path, "a+") as stream:
        fcntl.flock(stream, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(stream, fcntl.LOCK_UN)


def _slug(folder: Path) -> str:
    """A folder-safe name for the data folder."""
    return folder_safe_name(str(folder.resolve()), "images")[:60]


def _read_manifest(cache: Path) -> dict | None:
    """A finished cache's cache.json, or None."""
    try:
        return json.loads((cache / "cache.json").read_text())
    except (OSError, ValueError):
        return None


def cached_images(listing: FolderListing, image_size: tuple[int, int], channels: int,
                  notice: Callable[[str], None]) -> CachedImages:
    """The listing's images decoded into the cache: found there, or decoded now (other processes wait)."""
    home = images_home()
    name = f"{_slug(listing.folder)}-{listing.key(image_size, channels)}"
    try:
        home.mkdir(parents=True, exist_ok=True)
        with _lock(home / f"{name}.lock"):
            manifest = _read_manifest(home / name)
            built = manifest is None
            if built:
                manifest = _build(home, name, listing, image_size, channels, notice)
                _remove_older(home, name, manifest)
    except OSError as error:
        raise UserError(f"{write_error(home, error)}. The decoded images of {listing.folder} are kept there; set "
                        f"{CACHE_VARIABLE} to a folder you may write to.") from None
    return CachedImages(home / name / "images.npy", manifest["bad"], built)


def _check_space(home: Path, needed: int, folder: Path) -> None:
    """UserError when the cache's disk cannot hold `needed` bytes (and a margin)."""
    free = shutil.disk_usage(home).free
    if free < needed * 1.05 + 2**26:
        raise UserError(f"the decoded images of {folder} take {needed / 2**30:.2f} GiB, but {home} has "
                        f"{free / 2**30:.2f} GiB free. Free some space, choose a smaller --image-size, or set "
                        f"{CACHE_VARIABLE} to a folder on a disk with room.")


def _build(home: Path, name: str, listing: FolderListing, image_size: tuple[int, int], channels: int,
           notice: Callable[[str], None]) -> dict:
    """Decode every image of the listing into home/name (made under a temporary name, then renamed)."""
    count, (height, width) = len(listing.files), image_size
    _check_space(home, count * height * width * channels, listing.folder)
    building = home / f"{name}.building"
    shutil.rmtree(building, ignore_errors=True)  # what a killed build left
    building.mkdir()
    progress = CountProgress(f"decoding the images of {listing.folder}", count, notice)
    bad = _decode_all(listing, image_size, channels, building / "images.npy", progress)
    manifest = {"format": FORMAT, "folder": str(listing.folder.resolve()), "images": count,
                "image_size": list(image_size), "channels": channels, "class_names": listing.class_names,
                "bad": bad, "seconds": round(progress.seconds(), 1), "created": time.time()}
    np.save(building / "labels.npy", listing.labels)
    (building / "cache.json").write_text(json.dumps(manifest, indent=1) + "\n")
    os.replace(building, home / name)
    size = count * height * width * channels / 2**20
    progress.finish(f"decoded {count:,} images of {listing.folder} to {height}x{width}x{channels} in "
                    f"{progress.seconds():.0f}s; kept in {home / name} ({size:,.0f} MiB) for later runs")
    return manifest


def _decode_all(listing: FolderListing, image_size: tuple[int, int], channels: int, out: Path,
                progress: CountProgress) -> dict[str, str]:
    """Write the listing's images to the .npy `out`, a block at a time; returns the files that failed."""
    shape = (len(listing.files), *image_size, channels)
    row_bytes = int(np.prod(shape[1:]))
    bad: dict[str, str] = {}
    with open(out, "wb") as stream, ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        np.lib.format.write_array_header_1_0(stream, {"descr": "|u1", "fortran_order": False, "shape": shape})
        offset = stream.tell()
        stream.truncate(offset + len(listing.files) * row_bytes)  # the slots of bad files stay zeros
        for start in range(0, len(listing.files), BLOCK):
            names = listing.files[start:start + BLOCK]
            decoded = pool.map(lambda file: decode(listing.folder / file, image_size, channels), names)
            block = np.zeros((len(names), *image_size, channels), np.uint8)
            for index, (file, image) in enumerate(zip(names, decoded)):
                if isinstance(image, str):
                    bad[file] = image
                else:
                    block[index] = image
            os.pwrite(stream.fileno(), block.tobytes(), offset + start * row_bytes)
            progress.update(start + len(names))
    return bad


def _remove_older(home: Path, keep: str, kept: dict) -> None:
    """Remove the other caches of the same folder, size and colour as cache `keep` (made before its files
    changed)."""
    same = ("folder", "image_size", "channels")
    for cache in home.iterdir():
        manifest = _read_manifest(cache) if cache.is_dir() and cache.name != keep else None
        if manifest is not None and all(manifest.get(key) == kept[key] for key in same):
            shutil.rmtree(cache, ignore_errors=True)
            (home / f"{cache.name}.lock").unlink(missing_ok=True)


def list_caches() -> list[dict]:
    """The finished caches: folder, images, image size, channels, MiB, where, created."""
    home = images_home()
    found = []
    for cache in sorted(home.iterdir()) if home.is_dir() else []:
        manifest = _read_manifest(cache) if cache.is_dir() else None
        if manifest is not None:
            size = sum(path.stat().st_size for path in cache.iterdir())
            found.append({"folder": manifest["folder"], "images": manifest["images"],
                          "image_size": manifest["image_size"], "channels": manifest["channels"],
                          "bad_images": len(manifest["bad"]), "mib": round(size / 2**20, 1), "where": str(cache),
                          "created": manifest["created"]})
    return found


def clear_caches() -> tuple[int, int]:
    """Remove every cache of decoded images; returns how many folders and bytes were removed."""
    home = images_home()
    if not home.is_dir():
        return 0, 0
    removed = freed = 0
    for entry in home.iterdir():
        if entry.is_dir():
            freed += sum(path.stat().st_size for path in entry.rglob("*") if path.is_file())
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
        else:
            entry.unlink(missing_ok=True)
    return removed, freed
