"""The export check: exported files reloaded without classicnets must give the Keras model's outputs.

Inputs are real where they can be had (the run's test split, loaded without downloading anything), topped up
with random inputs in range; the reference outputs are the signatures' references (the Keras model called the way
classicnets calls it). The reloading happens in a separate Python process that runs reload_check.py, one process
for any number of exports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from classicnets.config import RunConfig
from classicnets.data import Dataset
from classicnets.data.tokens import PAD, SPECIAL_TOKENS, START
from classicnets.serving.signatures import FeatureScaling, Signature

EXAMPLES = 64
TOLERANCE = {"saved_model": 1e-5, "onnx": 1e-4}  # of |exported - Keras| / max(1, |Keras|), for every value
CHECK_SCRIPT = Path(__file__).with_name("reload_check.py")
CHECK_TIMEOUT = 900  # seconds for one reloading process (many exports of the zoo on a slow machine)


@dataclass
class CheckCase:
    """One export to check: its folder's files, the inputs and what the Keras model gave for them."""

    saved_model: Path | None
    onnx: dict[str, Path]  # signature -> .onnx file
    inputs: dict[str, dict[str, np.ndarray]]  # signature -> input name -> (EXAMPLES, ...) values
    expected: dict[str, dict[str, np.ndarray]]  # signature -> output name -> values
    differences: dict[str, dict[str, float]] = field(default_factory=dict)  # format -> signature -> max |diff|
    problem: str | None = None  # why the export failed its check


def load_test_split(config: RunConfig) -> Dataset | None:
    """The run's dataset as it was trained on, when it can be loaded here without a download; else None."""
    from classicnets.data.labelled_images import load_run_dataset
    from classicnets.models import get_spec
    from classicnets.runs.datasets import load_run_data

    quiet = lambda text: None  # noqa: E731
    try:
        if get_spec(config.model).load_data is not None:  # word lists and lesson tables: bundled or local files
            return load_run_data(config, notice=quiet)
        return load_run_dataset(config, quiet, download=False)
    except Exception:  # moved, changed or missing data: the check uses random inputs instead
        return None


def example_inputs(signatures: list[Signature], config: RunConfig, dataset: Dataset | None,
                   seed: int = 0) -> tuple[dict[str, dict[str, np.ndarray]], str]:
    """EXAMPLES inputs for every signature, real ones first, and a line saying where they came from."""
    rng = np.random.default_rng(seed)
    real = _real_inputs(config, dataset)
    by_name: dict[str, np.ndarray] = {}
    counts: dict[str, int] = {}
    for info in (info for signature in signatures for info in signature.inputs):
        if info.name in by_name:
            continue
        found = real.get(info.name)
        if found is None or not _fits(found, info.shape):  # none, or the data changed shape since training
            found = None
        like = found.shape[1:] if found is not None else None
        made = _random_inputs(info.name, info.shape, EXAMPLES - (0 if found is None else len(found)), config, rng, like)
        by_name[info.name] = made if found is None else np.concatenate([found.astype(made.dtype), made])
        counts[info.name] = 0 if found is None else len(found)
    inputs = {signature.name: {info.name: by_name[info.name] for info in signature.inputs} for signature in signatures}
    return inputs, _describe_inputs(counts, dataset)


def _fits(values: np.ndarray, shape: tuple[int | None, ...]) -> bool:
    """Whether values (N, ...) fit an input of `shape` (None: any size)."""
    sizes = zip(shape[1:], values.shape[1:])
    return values.ndim == len(shape) and all(size in (None, actual) for size, actual in sizes)


def _describe_inputs(counts: dict[str, int], dataset: Dataset | None) -> str:
    """'64 from the test split of digits' / '12 rows of ... and 52 random' per input."""
    parts = []
    for name, count in counts.items():
        if count == 0:
            parts.append(f"{name}: {EXAMPLES} random in range")
        elif count == EXAMPLES:
            parts.append(f"{name}: {EXAMPLES} from the test split of {dataset.name}")
        else:
            parts.append(f"{name}: {count} from the test split of {dataset.name}, {EXAMPLES - count} random in range")
    return "; ".join(parts)


def _real_inputs(config: RunConfig, dataset: Dataset | None) -> dict[str, np.ndarray]:
    """Test-split inputs by input name, in the units the exported model takes."""
    if dataset is None or len(dataset.x_test) == 0:
        return {}
    x = dataset.x_test[:EXAMPLES]  # (N, ...)
    if dataset.is_image:
        return {"images": x.astype(np.float32) / 255.0}
    if x.dtype.kind == "f":  # feature tables are stored scaled: back to the CSV's units
        return {"features": FeatureScaling.of(config.data_info).unscale(x.astype(np.float32))}
    extra = config.data_info.get("extra", {})
    if "source_length" in extra:
        length = int(extra["source_length"])
        return {"source_ids": x[:, :length].astype(np.int32), "target_ids": x[:, length:].astype(np.int32)}
    return {"tokens": x.astype(np.int32)}


def _random_inputs(name: str, shape: tuple[int | None, ...], count: int, config: RunConfig,
                   rng: np.random.Generator, like: tuple[int, ...] | None) -> np.ndarray:
    """`count` random inputs in the range the model was trained on."""
    info, extra = config.data_info, config.data_info.get("extra", {})
    sizes = tuple(size if size is not None else (like[index] if like else 0)
                  for index, size in enumerate(shape[1:]))
    if name in ("images", "features"):
        unit = rng.random((count, *sizes)).astype(np.float32)
        return FeatureScaling.of(info).unscale(unit) if name == "features" else unit
    if name in ("noise", "codes"):
        return rng.standard_normal((count, *sizes)).astype(np.float32)
    if name == "labels":
        return rng.integers(0, max(len(info.get("class_names", [])), 1), count).astype(np.int32)
    if name == "tokens":  # <start> and letters, padded
        width = sizes[0] or int(info["input_shape"][0])
        return _words(rng, count, width, len(extra["vocabulary"]), start=True)
    if name == "source_ids":
        return _words(rng, count, int(extra["source_length"]), len(extra["source_vocabulary"]), start=False)
    if name == "target_ids":
        width = sizes[0] or int(info["input_shape"][0]) - int(extra["source_length"])
        return _words(rng, count, width, len(extra["target_vocabulary"]), start=True)
    raise ValueError(f"no random inputs are defined for an input named {name!r}")


def _words(rng: np.random.Generator, count: int, width: int, vocabulary: int, start: bool) -> np.ndarray:
    """Random letter ids (count, width): [<start>,] 1 or more letters, then padding."""
    rows = np.full((count, width), PAD, np.int32)
    first = 1 if start else 0
    for row in rows:
        length = rng.integers(1, max(width - first, 1) + 1)
        row[first:first + length] = rng.integers(len(SPECIAL_TOKENS), vocabulary, length)
        if start:
            row[0] = START
    return rows


def reference_outputs(signatures: list[Signature], inputs: dict[str, dict[str, np.ndarray]]
                      ) -> dict[str, dict[str, np.ndarray]]:
    """What the Keras model gives for the inputs, per signature."""
    return {signature.name: signature.reference(*(inputs[signature.name][info.name] for info in signature.inputs))
            for signature in signatures}


def run_checks(cases: list[CheckCase]) -> None:
    """Reload every case's files in one separate process and record its differences, or its problem."""
    with tempfile.TemporaryDirectory(prefix="classicnets-export-check-") as folder:
        work = Path(folder)
        items = []
        for index, case in enumerate(cases):
            np.savez(work / f"inputs-{index}.npz", **{f"{signature}.{name}": values
                                                       for signature, named in case.inputs.items()
                                                       for name, values in named.items()})
            items.append({"saved_model": str(case.saved_model) if case.saved_model else None,
                          "onnx": {signature: str(path) for signature, path in case.onnx.items()},
                          "signatures": {signature: list(named) for signature, named in case.inputs.items()},
                          "inputs": str(work / f"inputs-{index}.npz"), "outputs": str(work / f"outputs-{index}.npz")})
        job = work / "job.json"
        job.write_text(json.dumps({"items": items, "results": str(work / "results.json")}), encoding="utf-8")
        results = _reload(job, work / "results.json")
        for index, case in enumerate(cases):
            if results.get("classicnets_imported"):
                case.problem = "the reloading process imported classicnets; an export must not need it"
            elif results["errors"][index]:
                case.problem = f"the exported files could not be run: {results['errors'][index]}"
            else:
                with np.load(work / f"outputs-{index}.npz") as stored:
                    _compare(case, dict(stored))


def _reload(job: Path, results: Path) -> dict[str, Any]:
    """Run reload_check.py on the job: Python's isolated mode keeps the project's folders off its path."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    try:
        done = subprocess.run([sys.executable, "-I", str(CHECK_SCRIPT), str(job)], capture_output=True, text=True,
                              timeout=CHECK_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return {"errors": [f"the reloading process took more than {CHECK_TIMEOUT} s"] * _count(job)}
    if done.returncode != 0 or not results.exists():
        last = (done.stderr.strip().splitlines() or ["no message"])[-1][:500]
        return {"errors": [f"the reloading process failed (exit {done.returncode}): {last}"] * _count(job)}
    return json.loads(results.read_text(encoding="utf-8"))


def _count(job: Path) -> int:
    return len(json.loads(job.read_text(encoding="utf-8"))["items"])


def _compare(case: CheckCase, outputs: dict[str, np.ndarray]) -> None:
    """Fill case.differences; set case.problem for a missing output, a wrong shape or a difference too large."""
    formats = (["saved_model"] if case.saved_model else []) + (["onnx"] if case.onnx else [])
    for fmt in formats:
        case.differences[fmt] = {}
        for signature, expected in case.expected.items():
            if fmt == "onnx" and signature not in case.onnx:
                continue
            worst, scaled = 0.0, 0.0
            for name, reference in expected.items():
                got = outputs.get(f"{fmt}.{signature}.{name}")
                if got is None or got.shape != reference.shape:
                    case.problem = (f"{fmt} signature {signature} output {name}: "
                                    f"{'missing' if got is None else f'shape {got.shape}'}, the model gives "
                                    f"shape {reference.shape}")
                    return
                difference = np.abs(got.astype(np.float64) - reference.astype(np.float64))
                worst = max(worst, float(difference.max(initial=0.0)))
                scaled = max(scaled, float((difference / np.maximum(1.0, np.abs(reference))).max(initial=0.0)))
            case.differences[fmt][signature] = worst
            if not scaled <= TOLERANCE[fmt]:  # (nan fails too)
                case.problem = (f"the {fmt.replace('_', ' ')} signature {signature} differs from the Keras model by "
                                f"up to {worst:.3g} (allowed: {TOLERANCE[fmt]:g}, relative above 1)")
