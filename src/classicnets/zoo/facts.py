"""What a zoo report says about where and how it was made: versions, the machine, the dataset, the command."""

from __future__ import annotations

import os
import platform
import shlex
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from classicnets import runs
from classicnets.errors import UserError
from classicnets.version import __version__


def versions() -> dict[str, str]:
    """classicnets, TensorFlow and Keras versions (both already imported by the time a report is written)."""
    import keras
    import tensorflow as tf

    return {"classicnets": __version__, "TensorFlow": tf.__version__, "Keras": keras.__version__}


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else what the platform module says."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def gpus() -> list[str]:
    """The GPUs TensorFlow sees, by name; empty when it trains on the CPU."""
    import tensorflow as tf

    found = []
    for device in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(device)
        found.append(details.get("device_name") or device.name)
    return found


def machine() -> str:
    """'Intel Xeon ..., 2 cores, no GPU' (the cores this process may use)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    found = gpus()
    gpu = ("GPU: " + ", ".join(found)) if found else "no GPU"
    return f"{cpu_model()}, {cores} cores, {gpu} ({platform.system()} {platform.machine()})"


def command_line(argv: Sequence[str]) -> str:
    """The command as a user would type it again."""
    return shlex.join(["classicnets", *argv])


def now() -> str:
    """The date and time in UTC, to the minute."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def dataset_facts(run_dirs: Sequence[Path]) -> dict[str, Any] | None:
    """The zoo's image dataset as the first finished image run recorded it: name, where it was found, size."""
    for run_dir in run_dirs:
        try:
            info = runs.read_config(runs.open_run(run_dir)).data_info
        except (UserError, OSError):  # a failed step's folder: no run, or a damaged config.json
            continue
        if info.get("is_image"):
            return info
    return None


def describe_dataset(name: str, info: dict[str, Any] | None) -> str:
    """'fashion-mnist: 60,000 training and 10,000 test images of 28x28x1, 10 classes (from /usr/share/...)'."""
    if info is None:
        return name
    shape = "x".join(str(side) for side in info["input_shape"])
    return (f"{info['name']}: {info['train_examples']:,} training and {info['test_examples']:,} test images of "
            f"{shape}, {len(info['class_names'])} classes (from {info['source']})")
