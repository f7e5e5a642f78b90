"""TensorFlow's own distribution strategies, chosen by name; which process writes the run directory."""

from __future__ import annotations

import json
import os

import tensorflow as tf

from classicnets.errors import SettingsError, UserError


def make_strategy(name: str) -> tf.distribute.Strategy:
    """'none': the default strategy; 'mirrored': all local devices; 'multi-worker': the cluster in TF_CONFIG."""
    if name == "none":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multi-worker":
        cluster_spec = _tf_config()
        if not cluster_spec:
            example = ('TF_CONFIG=\'{"cluster": {"worker": ["host1:12345", "host2:12345"]}, '
                       '"task": {"type": "worker", "index": 0}}\'')
            raise SettingsError.about("{distribute} multi-worker needs the cluster in the TF_CONFIG environment "
                                      "variable, e.g. {example} on the first machine and index 1 on the second.",
                                      "distribute", example=example)
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise SettingsError.about("unknown {distribute} {name!r}; choose one of none, mirrored, multi-worker", "distribute",
                              name=name)


def _tf_config() -> dict:
    """The parsed TF_CONFIG, or {} when unset."""
    raw = os.environ.get("TF_CONFIG", "")
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise UserError(f"TF_CONFIG is not valid JSON ({error}): {raw[:200]}") from None
    if not isinstance(value, dict) or "cluster" not in value or "task" not in value:
        raise UserError("TF_CONFIG must be a JSON object with 'cluster' and 'task' keys")
    return value


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """True for the one process that writes the run directory: the chief, or worker 0 when there is no chief."""
    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return True
    task = _tf_config().get("task", {})
    task_type, index = task.get("type"), task.get("index", 0)
    has_chief = "chief" in _tf_config().get("cluster", {})
    return task_type == "chief" or (not has_chief and task_type == "worker" and index == 0)


def worker_id(strategy: tf.distribute.Strategy) -> str:
    """A short name of this process in the cluster, e.g. 'worker-1'."""
    task = _tf_config().get("task", {}) if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) else {}
    return f"{task.get('type', 'worker')}-{task.get('index', 0)}"
