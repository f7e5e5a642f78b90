"""What computes a version's signatures: the SavedModel's graph functions (TensorFlow) or onnxruntime on the
export's onnx/<signature>.onnx files.

`auto` times both on the model's own example inputs (shapes and dtypes from the signatures) when a version is
loaded and keeps the faster; a version without ONNX files, or whose ONNX outputs differ from the SavedModel's,
is served by the SavedModel. onnxruntime is optional (`pip install 'classicnets[export]'`)."""

from __future__ import annotations

import importlib.util
import logging
import math
import statistics
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from classicnets.serving import servable as saved_model
from classicnets.serving.servable import ONNX, SAVED_MODEL, Compute, RequestError, Servable, Signature, first_line

log = logging.getLogger(__name__)

AUTO = "auto"
RUNTIMES = (AUTO, SAVED_MODEL, ONNX)
INSTALL_ONNXRUNTIME = "pip install 'classicnets[export]'"
EXPORT_ONNX = "classicnets export RUN --format saved-model,onnx"
TIMED_BATCHES = (1, 32)  # rows of the example inputs `auto` times: one example, and a full request
TIMED_CALLS = 7  # per runtime and batch, after one warm-up call; the median counts
TOLERANCE = 1e-4  # of |onnx - saved model| / max(1, |saved model|), as the export's own check


def onnxruntime_installed() -> bool:
    """Whether onnxruntime can be imported, without importing it."""
    return importlib.util.find_spec("onnxruntime") is not None


def onnx_files(folder: Path, signature_names: list[str] | dict[str, Any]) -> dict[str, Path]:
    """onnx/<signature>.onnx for each signature that has one."""
    paths = {name: folder / "onnx" / f"{name}.onnx" for name in signature_names}
    return {name: path for name, path in paths.items() if path.is_file()}


def load_servable(path: Path, version: int, runtime: str = AUTO, onnx_threads: int = 1) -> Servable:
    """Load a version folder to be computed by `runtime` (auto, saved-model or onnx); raises ValueError (or a
    TensorFlow error) when it cannot be served that way."""
    servable = saved_model.load_servable(path, version)
    if runtime == SAVED_MODEL:
        return servable
    files = onnx_files(path, servable.signatures)
    if runtime == ONNX:
        if not onnxruntime_installed():
            raise ValueError(f"--runtime onnx needs onnxruntime: {INSTALL_ONNXRUNTIME}")
        missing = [name for name in servable.signatures if name not in files]
        if missing:
            raise ValueError(f"no onnx/{missing[0]}.onnx for signature '{missing[0]}'; export the run with "
                             f"`{EXPORT_ONNX}`, or serve it with --runtime saved-model")
        return with_onnx(servable, files, onnx_threads)
    if not onnxruntime_installed() or len(files) < len(servable.signatures):
        return servable
    try:
        return faster(servable, with_onnx(servable, files, onnx_threads))
    except Exception as error:  # whatever went wrong with the ONNX files, the SavedModel can still serve
        log.warning("%s %d: the SavedModel serves it; its ONNX files could not be timed: %s", path.parent.name,
                    version, first_line(str(error)) or type(error).__name__)
        return servable


def with_onnx(servable: Servable, files: dict[str, Path], threads: int) -> Servable:
    """The same version with every signature computed by onnxruntime (the SavedModel is let go)."""
    signatures = {name: onnx_signature(signature, files[name], threads)
                  for name, signature in servable.signatures.items()}
    return replace(servable, signatures=signatures, loaded=None)


def onnx_signature(signature: Signature, file: Path, threads: int) -> Signature:
    """`signature` computed by an onnxruntime session on `file`, whose inputs and outputs must carry its names."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # the server computes --threads requests at once, one per core: a session that used several threads a
    # call (or spun waiting for work) would take the cores of the requests beside it
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # its warnings speak to developers of the graph, not to the server's users
    try:
        session = onnxruntime.InferenceSession(str(file), options, providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime's own exception types: a file that is not a loadable model
        raise ValueError(f"onnxruntime cannot load {file.name}: {first_line(str(error))}") from None
    inputs = {item.name for item in session.get_inputs()}
    outputs = [item.name for item in session.get_outputs()]
    if inputs != set(signature.inputs) or set(outputs) != set(signature.outputs):
        raise ValueError(f"{file.name} takes {sorted(inputs)} and gives {sorted(outputs)}, not the signature's "
                         f"{sorted(signature.inputs)} and {sorted(signature.outputs)}")
    return replace(signature, compute=onnx_compute(session, signature, outputs), runtime=ONNX)


def onnx_compute(session: Any, signature: Signature, output_names: list[str]) -> Compute:
    """Run an onnxruntime session on checked arrays; outputs in the signature's dtypes, sorted by name."""
    from onnxruntime.capi.onnxruntime_pybind11_state import Fail, InvalidArgument, RuntimeException

    dtypes = {name: np.dtype(spec.dtype.as_numpy_dtype) for name, spec in signature.outputs.items()}

    def compute(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        try:
            results = session.run(output_names, arrays)
        except (Fail, InvalidArgument, RuntimeException) as error:  # e.g. inputs whose batch sizes differ
            raise RequestError(400, f"the model refused the inputs: {first_line(str(error))}") from None
        named = dict(zip(output_names, results))
        return {name: in_dtype(named[name], dtypes[name]) for name in sorted(named)}

    return compute


def in_dtype(array: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """`array` as `dtype`, and of its very type: onnxruntime's int64 is numpy's longlong, which orjson does not
    write."""
    if array.dtype.type is dtype.type:
        return array
    return array.view(dtype) if array.dtype == dtype else array.astype(dtype)


def example_inputs(signature: Signature, rows: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Inputs of the signature's shapes with `rows` examples: floats in [0, 1), integers 0 (a valid token,
    class or id), free dimensions other than the batch 8 long."""
    arrays = {}
    for name, spec in signature.inputs.items():
        dims = spec.shape.as_list() if spec.shape.rank is not None else [None]
        shape = [rows if axis == 0 else (8 if size is None else size) for axis, size in enumerate(dims)]
        dtype = np.dtype(spec.dtype.as_numpy_dtype)
        arrays[name] = rng.random(shape).astype(dtype) if dtype.kind == "f" else np.zeros(shape, dtype)
    return arrays


def median_seconds(compute: Compute, arrays: dict[str, np.ndarray]) -> float:
    """Median time of one call, after a warm-up call."""
    compute(arrays)
    times = []
    for _ in range(TIMED_CALLS):
        started = time.perf_counter()
        compute(arrays)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def faster(servable: Servable, onnx_servable: Servable) -> Servable:
    """The faster of the two runtimes on example inputs of every signature (the geometric mean of the time
    ratios over signatures and batch sizes); raises ValueError if their outputs differ."""
    rng = np.random.default_rng(0)
    seconds: dict[str, dict[int, float]] = {SAVED_MODEL: {}, ONNX: {}}
    log_ratios = []
    for name, signature in servable.signatures.items():
        for rows in TIMED_BATCHES:
            arrays = example_inputs(signature, rows, rng)
            onnx = onnx_servable.signatures[name]
            difference = largest_difference(signature.compute(arrays), onnx.compute(arrays))
            if difference > TOLERANCE:
                raise ValueError(f"onnx and the SavedModel differ by {difference:.2g} on signature {name}")
            timed = {SAVED_MODEL: median_seconds(signature.compute, arrays),
                     ONNX: median_seconds(onnx.compute, arrays)}
            for runtime, value in timed.items():
                seconds[runtime][rows] = seconds[runtime].get(rows, 0.0) + value
            log_ratios.append(math.log(timed[ONNX] / max(timed[SAVED_MODEL], 1e-9)))
    chosen = onnx_servable if sum(log_ratios) < 0 else servable
    log.info("%s %d: %s serves it (a call of %s: saved-model %s ms, onnx %s ms)", servable.path.parent.name,
             servable.version, chosen.runtime, " / ".join(f"{rows} rows" for rows in TIMED_BATCHES),
             " / ".join(f"{value * 1e3:.2f}" for value in seconds[SAVED_MODEL].values()),
             " / ".join(f"{value * 1e3:.2f}" for value in seconds[ONNX].values()))
    return chosen


def largest_difference(expected: dict[str, np.ndarray], actual: dict[str, np.ndarray]) -> float:
    """Largest |actual - expected| / max(1, |expected|) over the floating-point outputs; inf if shapes differ."""
    largest = 0.0
    for name, value in expected.items():
        if name not in actual or actual[name].shape != value.shape:
            return math.inf
        if value.dtype.kind == "f" and value.size:
            scale = np.maximum(1.0, np.abs(value.astype(np.float64)))
            largest = max(largest, float(np.max(np.abs(actual[name] - value) / scale)))
    return largest


def check_runtime(models_dir: Path, versions: dict[str, dict[int, Path]], runtime: str) -> None:
    """Before serving with --runtime onnx: onnxruntime is installed and every version folder has ONNX files;
    raises ValueError saying what to do otherwise."""
    if runtime != ONNX:
        return
    if not onnxruntime_installed():
        raise ValueError(f"--runtime onnx needs onnxruntime, which is not installed: {INSTALL_ONNXRUNTIME}")
    without = [f"{name}/{version}" for name, folders in sorted(versions.items())
               for version, folder in sorted(folders.items()) if not any((folder / "onnx").glob("*.onnx"))]
    if without:
        raise ValueError(f"--runtime onnx: no .onnx files in {', '.join(without[:5])}"
                         f"{' and others' if len(without) > 5 else ''} of {models_dir}; export with "
                         f"`{EXPORT_ONNX}` (needs {INSTALL_ONNXRUNTIME}), or serve with --runtime saved-model")
