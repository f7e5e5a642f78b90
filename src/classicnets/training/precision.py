"""Mixed precision: convolutional classifiers train with bfloat16 arithmetic (float32 weights) on CPUs that
compute bfloat16 natively (AVX512-BF16 or AMX). On such a CPU an epoch of the cnn on Fashion-MNIST took 7.4 s
against 13.6 s in float32 (bench/README.md); elsewhere bfloat16 is emulated and slower, so 'auto' keeps float32.
The saved model is always a float32 copy with the trained weights: predictions, export and serving do not
depend on the machine the run trained on."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Iterator

import keras
import tensorflow as tf

from classicnets.training.loops import has_layer_kind

MIXED = "mixed_bfloat16"
BF16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")


def cpu_computes_bfloat16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether the CPU has bfloat16 instructions (Linux' /proc/cpuinfo flags; False where it cannot be read)."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return False
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), [])
    return any(flag in flags for flag in BF16_CPU_FLAGS)


def has_convolutions(model: keras.Model) -> bool:
    """Whether any layer of the model (nested ones included) is a convolution."""
    return has_layer_kind(model, ("Conv",))


def training_policy(mode: str, task: str, distribute: str, model: keras.Model) -> str | None:
    """The Keras dtype policy to train `model` with, or None for float32. 'auto' picks bfloat16 only for a
    convolutional classifier on one CPU device that computes bfloat16 natively, built of layers float32_copy can
    rebuild for the saved model."""
    if mode == "float32":
        return None
    if mode == "mixed-bfloat16":
        return MIXED
    on_cpu = not tf.config.list_physical_devices("GPU")
    if task == "classifier" and distribute == "none" and on_cpu and has_convolutions(model) and copies_in_float32(model):
        return MIXED if cpu_computes_bfloat16() else None
    return None


@contextlib.contextmanager
def dtype_policy(name: str) -> Iterator[None]:
    """Layers built inside use the dtype policy `name`; the global policy is restored afterwards."""
    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(before)


def in_float32(model: keras.Model) -> bool:
    """Whether the model and every layer in it (models inside it too) compute in float32."""
    return model.dtype_policy.name == "float32" and all(
        in_float32(layer) if isinstance(layer, keras.Model) else layer.dtype_policy.name == "float32"
        for layer in getattr(model, "layers", []))


def copies_in_float32(model: keras.Model) -> bool:
    """Whether float32_copy can rebuild `model`: Sequential or Functional all the way down (a subclassed model
    has no config to rebuild it from)."""
    if not (isinstance(model, keras.Sequential) or type(model).__name__ == "Functional"):
        return False
    return all(copies_in_float32(layer) for layer in model.layers if isinstance(layer, keras.Model))


def float32_copy(model: keras.Model) -> keras.Model:
    """The same network in float32 with the same weights (and the same compiled loss, metrics and optimizer)."""
    def in_float32(layer: Any) -> Any:
        config = layer.get_config()
        if "dtype" in config:
            config["dtype"] = "float32"
        return layer.__class__.from_config(config)

    # recursive: the layers of a model inside the model (a user's network behind a softmax) too
    copy = keras.models.clone_model(model, clone_function=in_float32, recursive=True)
    copy.set_weights(model.get_weights())
    if model.compiled:  # the optimizer's state is saved with the copy: its variables match the copy's by order
        settings = model.get_compile_config() or {}
        copy.compile(optimizer=model.optimizer, loss=settings.get("loss"), metrics=settings.get("metrics"))
    return copy
