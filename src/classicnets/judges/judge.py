"""The judge of generated images: the project's CNN trained separately on the GAN's dataset, once per
dataset, cached in ~/.cache/classicnets/judges/ ($CLASSICNETS_CACHE) under a hash of the training data."""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import keras
import numpy as np
import tensorflow as tf

from classicnets.config import TrainConfig
from classicnets.data import Dataset
from classicnets.data.image_cache import CACHE_VARIABLE, cache_home  # noqa: F401  (CACHE_VARIABLE: where tests point it)
from classicnets.data.pipeline import split_validation
from classicnets.data.stored import StoredImages, in_chunks
from classicnets.files import folder_safe_name
from classicnets.models import build_model
from classicnets.models.steps import ClassifierSteps
from classicnets.training.trainer import Trainer

JUDGE_OPTIONS = {"filters": (32, 64), "dense": 128, "dropout": 0.3}  # the notes' CNN with a smaller dense layer
JUDGE_STEPS = 700  # 3 epochs of Fashion-MNIST at least (90.4% test accuracy); small datasets get more epochs
MAX_JUDGE_EPOCHS = 30
JUDGE_VERSION = 1  # bump when the judge's recipe changes, so old cached judges are not reused


@dataclass
class Judge:
    """A trained classifier that also gives its penultimate-layer features."""

    model: keras.Model  # images in [0, 1] -> (probabilities, features)
    test_accuracy: float
    path: Path

    def judge(self, images: np.ndarray, batch_size: int = 500) -> tuple[np.ndarray, np.ndarray]:
        """(probabilities (N, K), features (N, D)) of images: uint8 pixels or floats in [0, 1]."""
        probabilities, features = [], []
        for batch in in_chunks(images, batch_size):
            inputs = batch.astype(np.float32) / 255.0 if batch.dtype == np.uint8 else batch.astype(np.float32)
            p, f = self.model(inputs, training=False)
            probabilities.append(np.asarray(p))
            features.append(np.asarray(f))
        return np.concatenate(probabilities), np.concatenate(features)


def cache_root() -> Path:
    """Where judges are kept: $CLASSICNETS_CACHE/judges, else ~/.cache/classicnets/judges."""
    return cache_home() / "judges"


def data_key(dataset: Dataset) -> str:
    """A name for the dataset's exact training and test data: <name>-<hash>."""
    digest = hashlib.sha256(f"{JUDGE_VERSION}{dataset.class_names}".encode())
    for array in (dataset.x_train, dataset.y_train, dataset.x_test, dataset.y_test):
        digest.update(str(array.shape).encode())
        if isinstance(array, StoredImages):  # the cache file's name holds a hash of the images' files
            digest.update(f"{array.path}".encode() + array.indices.tobytes())
        else:
            digest.update(np.ascontiguousarray(array).tobytes())
    name = folder_safe_name(dataset.name, "data")
    return f"{name}-{digest.hexdigest()[:12]}"


def with_features(classifier: keras.Model) -> keras.Model:
    """The classifier with a second output: the input of its output layer (its penultimate features)."""
    head = classifier.layers[-1]
    return keras.Model(classifier.inputs[0], [classifier.outputs[0], head.input])


def train_judge(dataset: Dataset, folder: Path, seed: int = 0) -> float:
    """Train the judge CNN on the dataset's training split, save it into `folder`; returns its test accuracy."""
    keras.utils.set_random_seed(seed)
    train, validation = split_validation(dataset.x_train, dataset.y_train, 0.0, seed)
    batch_size = 128
    epochs = min(MAX_JUDGE_EPOCHS, max(3, math.ceil(JUDGE_STEPS * batch_size / max(len(train), 1))))
    config = TrainConfig(epochs=epochs, batch_size=batch_size, seed=seed, learning_rate=2e-3)
    classifier = build_model("cnn", JUDGE_OPTIONS, dataset.input_shape, dataset.num_classes)
    steps = ClassifierSteps.create(classifier, config, epochs * math.ceil(len(train) / batch_size))
    Trainer(steps, tf.distribute.get_strategy(), config, folder / "checkpoint.npz", verbose=False).fit(train, None)
    judged = Judge(with_features(classifier), 0.0, folder)
    probabilities, _ = judged.judge(dataset.x_test)
    accuracy = float(np.mean(probabilities.argmax(axis=1) == dataset.y_test)) if len(dataset.y_test) else float("nan")
    classifier.save(folder / "model.keras")
    (folder / "checkpoint.npz").unlink(missing_ok=True)
    facts = {"dataset": dataset.name, "source": dataset.source, "test_accuracy": accuracy, "epochs": epochs,
             "options": {k: list(v) if isinstance(v, tuple) else v for k, v in JUDGE_OPTIONS.items()}}
    (folder / "judge.json").write_text(json.dumps(facts, indent=2) + "\n")
    return accuracy


def get_judge(dataset: Dataset, notice: Callable[[str], None] = print) -> Judge:
    """The cached judge of this exact dataset, trained first when there is none (written atomically)."""
    folder = cache_root() / data_key(dataset)
    if not (folder / "judge.json").exists():
        notice(f"training the judge (a CNN classifier) on {dataset.name}; kept in {folder} for later runs")
        folder.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=folder.name + ".tmp"))
        try:
            train_judge(dataset, temp)
            if not (folder / "judge.json").exists():  # another process may have finished first
                shutil.rmtree(folder, ignore_errors=True)
                os.replace(temp, folder)
        finally:
            shutil.rmtree(temp, ignore_errors=True)
    return load_judge(folder)


def load_judge(folder: Path) -> Judge:
    """A judge saved by train_judge."""
    facts: dict[str, Any] = json.loads((folder / "judge.json").read_text())
    classifier = keras.saving.load_model(folder / "model.keras", safe_mode=True, compile=False)
    return Judge(with_features(classifier), float(facts["test_accuracy"]), folder)
