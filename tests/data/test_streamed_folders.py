"""Image folders decoded once into the cache and read from it a batch at a time: the same split and pixels as
holding them in memory, a cache that follows the folder's files, bad files named or skipped."""

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from classicnets.data import load_dataset, load_image_files
from classicnets.data.image_cache import clear_caches, images_home, list_caches
from classicnets.data.labels import stratified_split
from classicnets.data.pipeline import ArraySplit, batches, split_validation
from classicnets.data.stored import StoredImages
from classicnets.errors import UserError
from classicnets.progress import CountProgress
from tests.helpers import run_cli

CLASSES = ("bird", "cat", "dog")


def write_folder(folder: Path, per_class: int = 12, seed: int = 0) -> Path:
    """Class sub-folders of random RGB PNGs and JPEGs of various sizes."""
    rng = np.random.default_rng(seed)
    for label, name in enumerate(CLASSES):
        (folder / name).mkdir(parents=True, exist_ok=True)
        for index in range(per_class):
            pixels = rng.integers(0, 256, (10 + index % 3, 12, 3), dtype=np.uint8)
            suffix = ".jpg" if index % 4 == 0 else ".png"
            Image.fromarray(pixels).save(folder / name / f"{index:03d}{suffix}")
    return folder


def load(folder: Path, said: list[str] | None = None, **settings) -> object:
    notice = (said.append if said is not None else lambda text: None)
    return load_dataset(str(folder), image_size=(8, 8), color="rgb", seed=3, notice=notice, **settings)


def test_streamed_split_and_pixels_equal_reading_every_file(tmp_path):
    folder = write_folder(tmp_path / "pets")
    streamed, in_memory = load(folder, stream="on"), load(folder, stream="off")
    assert isinstance(streamed.x_train, StoredImages) and isinstance(in_memory.x_train, np.ndarray)
    # what reading the files one by one, in class order, and splitting them with the same seed gives
    files = [path for name in CLASSES for path in sorted((folder / name).iterdir())]
    labels = np.repeat(np.arange(len(CLASSES)), 12)
    train, test = stratified_split(labels, 0.2, 3, "pets")
    pixels = load_image_files(files, (8, 8), 3)
    for dataset in (streamed, in_memory):
        np.testing.assert_array_equal(dataset.x_train[:], pixels[train])
        np.testing.assert_array_equal(dataset.x_test[:], pixels[test])
        np.testing.assert_array_equal(dataset.y_train, labels[train])
        assert dataset.class_names == list(CLASSES)
    assert streamed.dark_background == in_memory.dark_background
    assert streamed.x_train.shape == in_memory.x_train.shape == (len(train), 8, 8, 3)


def test_stored_images_read_like_an_array(tmp_path):
    array = np.random.default_rng(1).integers(0, 256, (20, 4, 5, 3), dtype=np.uint8)
    np.save(tmp_path / "images.npy", array)
    stored = StoredImages.open_npy(tmp_path / "images.npy")
    np.testing.assert_array_equal(stored[:], array)
    np.testing.assert_array_equal(stored[3], array[3])
    np.testing.assert_array_equal(stored[5:9], array[5:9])
    picked = np.array([7, 2, 19, 2])
    np.testing.assert_array_equal(stored[picked], array[picked])
    view = stored.take(np.array([4, 0, 11]))
    np.testing.assert_array_equal(view[:], array[[4, 0, 11]])
    np.testing.assert_array_equal(view.take(np.array([2, 0]))[:], array[[11, 4]])
    assert len(view) == 3 and view.shape == (3, 4, 5, 3) and view.nbytes == 3 * 60


def test_batches_from_a_file_equal_batches_from_memory(tmp_path):
    folder = write_folder(tmp_path / "pets")
    streamed, in_memory = load(folder, stream="on"), load(folder, stream="off")
    order = np.random.default_rng(0).permutation(len(streamed.y_train))
    got = [batches(ArraySplit(d.x_train, d.y_train), 5, order) for d in (streamed, in_memory)]
    for (x_file, y_file), (x_memory, y_memory) in zip(*got):
        np.testing.assert_array_equal(x_file.numpy(), x_memory.numpy())
        np.testing.assert_array_equal(y_file.numpy(), y_memory.numpy())
    kept, held = split_validation(streamed.x_train, streamed.y_train, 0.25, 0)
    assert isinstance(kept.x, StoredImages) and len(kept) + len(held) == len(streamed.y_train)


def test_the_cache_is_made_once_and_followed_by_the_folder(tmp_path):
    folder = write_folder(tmp_path / "pets")
    said: list[str] = []
    first = load(folder, said, stream="on")
    assert len([line for line in said if line.startswith("decoded 36 images")]) == 1
    assert str(images_home()) in said[0]
    said.clear()
    load(folder, said, stream="on")
    assert said == []  # found ready: nothing decoded
    [cache] = [row for row in list_caches() if row["folder"] == str(folder.resolve())]
    assert cache["images"] == 36 and cache["image_size"] == [8, 8] and cache["channels"] == 3

    changed = folder / "cat" / "001.png"
    Image.new("RGB", (12, 10), (255, 0, 0)).save(changed)  # another size and time
    os.utime(changed, ns=(1, 1))
    second = load(folder, said, stream="on")
    assert any(line.startswith("decoded 36 images") for line in said)
    [new_cache] = [row for row in list_caches() if row["folder"] == str(folder.resolve())]
    assert new_cache["where"] != cache["where"] and not Path(cache["where"]).exists()  # the old one is removed
    assert not any(np.all(image == [255, 0, 0], axis=-1).all() for image in first.x_train[:])
    red = np.array([255, 0, 0], np.uint8)
    assert any(np.all(image == red, axis=-1).all() for image in np.concatenate([second.x_train[:], second.x_test[:]]))


def test_another_size_or_colour_gets_its_own_cache(tmp_path):
    folder = write_folder(tmp_path / "pets")
    load(folder)
    load_dataset(str(folder), image_size=(6, 6), color="grayscale", notice=lambda text: None)
    mine = [row for row in list_caches() if row["folder"] == str(folder.resolve())]
    assert sorted((row["image_size"][0], row["channels"]) for row in mine) == [(6, 1), (8, 3)]


def test_a_bad_file_is_named_once_and_skipped_when_asked(tmp_path):
    folder = write_folder(tmp_path / "pets")
    (folder / "dog" / "notes.png").write_text("not an image")
    (folder / "cat" / "half.jpg").write_bytes((folder / "cat" / "000.jpg").read_bytes()[:100])
    with pytest.raises(UserError) as error:
        load(folder)
    message = str(error.value)
    assert "2 of the 38 images in" in message and "notes.png" in message and "half.jpg" in message
    assert "skip_bad_images" in message
    said: list[str] = []
    dataset = load(folder, said, skip_bad_images=True, stream="on")
    assert len(dataset.y_train) + len(dataset.y_test) == 36
    skipped = [line for line in said if line.startswith("skipping")]
    assert len(skipped) == 1 and "notes.png" in skipped[0] and "half.jpg" in skipped[0]


def test_train_and_test_folders_each_get_a_cache(tmp_path):
    write_folder(tmp_path / "split" / "train", per_class=8)
    write_folder(tmp_path / "split" / "test", per_class=3, seed=1)
    dataset = load(tmp_path / "split", stream="on")
    assert (len(dataset.y_train), len(dataset.y_test)) == (24, 9)
    assert dataset.x_test.shape == (9, 8, 8, 3) and dataset.class_names == list(CLASSES)


def test_clearing_the_cache(tmp_path):
    folder = write_folder(tmp_path / "pets")
    load(folder)
    removed, freed = clear_caches()
    assert removed >= 1 and freed >= 36 * 8 * 8 * 3
    assert list_caches() == []


def test_progress_lines_in_a_log():
    said: list[str] = []
    progress = CountProgress("decoding", 1000, said.append)
    for done in range(0, 1001, 50):
        progress.update(done)
    progress.finish("done")
    assert [line.split(":")[1].split()[0] for line in said[:-1]] == [f"{n:,}/1,000" for n in range(100, 1000, 100)]
    assert said[-1] == "done"


def test_the_cache_command_lists_and_clears(tmp_path, capsys):
    folder = write_folder(tmp_path / "pets")
    load(folder)
    status, out, _ = run_cli(capsys, "cache")
    assert status == 0 and f"{folder.resolve()}: 36 images at 8x8x3" in out and str(images_home()) in out
    status, out, _ = run_cli(capsys, "cache", "--json")
    assert any(row["folder"] == str(folder.resolve()) for row in json.loads(out)["caches"])
    status, out, _ = run_cli(capsys, "cache", "--clear")
    assert status == 0 and out.startswith("removed ") and list_caches() == []
    status, out, _ = run_cli(capsys, "cache")
    assert "none yet" in out
