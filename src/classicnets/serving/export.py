"""Exporting a trained run for serving: MODELS_DIR/NAME/VERSION/ in TensorFlow Serving's layout (a SavedModel
with named signatures), optionally ONNX files, and classicnets.json saying what the model is.

An export is written into a temporary folder beside its version folder, checked (parity.py: reloaded in a
separate process without classicnets, it must give the Keras model's outputs) and only then renamed to VERSION,
so a server watching MODELS_DIR/NAME never sees half of one and a failed export leaves nothing."""

from __future__ import annotations

import logging
import os
import re
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import keras
import tensorflow as tf

from classicnets import runs
from classicnets.errors import UserError
from classicnets.files import EXPORT_TEMP_PREFIX, atomic_write_text, make_folder, new_folder_mode, owned_temp_folder, write_error
from classicnets.serving import parity
from classicnets.serving.describe import code_scatter_asset, describe_export, to_json, vocabulary_asset
from classicnets.serving.signatures import Signature, TensorInfo, signatures_of
from classicnets.serving.warmup import write_warmup_requests

FORMATS = ("saved-model", "onnx")
ONNX_PACKAGES = ("tf2onnx", "onnx", "onnxruntime")
NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
VERSION = re.compile(r"[0-9]+")  # the version folders TensorFlow Serving reads
MAX_VERSION = 2**63 - 1  # its versions are int64
MANIFEST = "classicnets.json"


@dataclass(frozen=True)
class ExportResult:
    """A finished export: where it is and what its check measured."""

    name: str
    version: int
    path: Path
    differences: dict[str, dict[str, float]]  # format -> signature -> max |exported - Keras|


@dataclass
class Staged:
    """An export written to its temporary folder, waiting for its check."""

    run: runs.RunDir
    target: Path  # MODELS_DIR/NAME/VERSION
    folder: Path  # the temporary folder beside it
    made: list[Path]  # folders this export created (removed again when it fails)
    case: parity.CheckCase
    manifest: dict[str, Any] = field(default_factory=dict)


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The formats asked for, known and (for ONNX) installed; a UserError otherwise."""
    chosen = tuple(dict.fromkeys(part.strip() for part in formats if part.strip()))
    unknown = [part for part in chosen if part not in FORMATS]
    if unknown or not chosen:
        raise UserError(f"unknown export format {', '.join(unknown) or repr('')}; choose saved-model, onnx or "
                        "both: --format saved-model,onnx")
    if "onnx" in chosen:
        missing = [package for package in ONNX_PACKAGES if not _importable(package)]
        if missing:
            raise UserError(f"--format onnx needs {', '.join(missing)} (not installed); install it with "
                            "pip install 'classicnets[export]', or export --format saved-model only")
    return chosen


def _importable(package: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(package) is not None


def export_name(run_root: Path, name: str | None) -> str:
    """NAME as given (checked), or the run folder's name with other characters than A-Z a-z 0-9 _ . - replaced."""
    if name is not None:
        if not NAME.fullmatch(name):
            raise UserError(f"--name {name!r} may hold only letters, digits, '_', '.' and '-' and may not start with "
                            f"'.' or '-'; e.g. --name {_sanitise(name)}")
        return name
    return _sanitise(Path(run_root).resolve().name)


def _sanitise(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).lstrip(".-_") or "model"


def choose_version(name_dir: Path, version: int | None) -> int:
    """The version asked for when it is free, else a UserError; without one, the next after the highest."""
    folders = {int(child.name): child for child in name_dir.iterdir() if VERSION.fullmatch(child.name)} \
        if name_dir.is_dir() else {}
    following = (max(folders) + 1) if folders else 1
    if version is None:
        if following > MAX_VERSION:  # a server reads versions as int64: it would skip this one
            raise UserError(f"{name_dir} already holds version {max(folders)}, the highest a server reads (2**63 - 1); "
                            "nothing was written. Give --version with a free lower number, or another --name")
        return following
    if not 1 <= version <= MAX_VERSION:
        raise UserError(f"--version must be a whole number from 1 to 2**63 - 1. Received: --version {version}")
    if version in folders:  # '007' is version 7 to a server as much as '7' is
        raise UserError(f"{folders[version]} already exists (version {version} to a server); nothing was written. "
                        f"Leave out --version for the next free one ({min(following, MAX_VERSION)}), or choose another")
    return version


def export_run(run_dir: Path, models_dir: Path, name: str | None = None, version: int | None = None,
               formats: Sequence[str] = ("saved-model",)) -> ExportResult:
    """Export one run as MODELS_DIR/NAME/VERSION, checked; a UserError (and nothing written) when it fails."""
    staged = stage(run_dir, models_dir, name, version, formats)
    _check([staged])
    return finish(staged)


def export_runs(requests: Sequence[tuple[Path, Path, str | None]],
                formats: Sequence[str] = ("saved-model",)) -> list[ExportResult | UserError]:
    """Export several runs (run_dir, models_dir, name), checked in one reloading process; one result or error
    per request, in order. Stopped midway (Ctrl-C), the exports not yet kept leave nothing."""
    staged: list[Staged | UserError] = []
    try:
        for run_dir, models_dir, name in requests:
            try:
                staged.append(stage(run_dir, models_dir, name, None, formats))
            except UserError as error:
                staged.append(error)
        parity.run_checks([item.case for item in staged if isinstance(item, Staged)])
        return [_finish_or_error(item) for item in staged]
    except BaseException:
        for item in staged:
            if isinstance(item, Staged):
                discard(item)  # (a version already renamed into place is not touched)
        raise


def _finish_or_error(item: Staged | UserError) -> ExportResult | UserError:
    if isinstance(item, UserError):
        return item
    try:
        return finish(item)
    except UserError as error:
        return error


def _check(staged: list[Staged]) -> None:
    """Run the exports' check; stopped (Ctrl-C) or failing, it leaves none of their folders behind."""
    try:
        parity.run_checks([item.case for item in staged])
    except BaseException:
        for item in staged:
            discard(item)
        raise


def stage(run_dir: Path, models_dir: Path, name: str | None, version: int | None,
          formats: Sequence[str]) -> Staged:
    """Check the request, then write the export into a temporary folder with what its check needs."""
    formats = check_formats(formats)
    run = runs.open_run(run_dir, needs=("model",))
    config = runs.read_config(run)
    models_dir = Path(models_dir)
    if models_dir.exists() and not models_dir.is_dir():
        raise UserError(f"--out {models_dir} is a file; give a folder for the models (it may not exist yet)")
    name = export_name(run.root, name)
    version = choose_version(models_dir / name, version)
    model = runs.load_model(run)
    signatures = signatures_of(model, config)
    test_split = parity.load_test_split(config)
    inputs, about = parity.example_inputs(signatures, config, test_split, config.train.seed)
    expected = parity.reference_outputs(signatures, inputs)
    made = _make_folders(models_dir / name)
    folder = _temporary_folder(models_dir / name, version)
    staged = Staged(run, models_dir / name / str(version), folder, made,
                    parity.CheckCase(None, {}, inputs, expected))
    try:
        outputs = _write_formats(model, signatures, folder, formats, staged.case)
        asset = vocabulary_asset(config)
        if asset is not None:
            atomic_write_text(folder / "assets" / "vocabulary.json", asset)
        scatter = code_scatter_asset(signatures, test_split)
        if scatter is not None:  # the playground plots a drawing's code among these
            atomic_write_text(folder / "assets" / "codes.json", scatter)
    except BaseException as error:
        discard(staged)
        if isinstance(error, (UserError, KeyboardInterrupt)):
            raise
        raise UserError(f"cannot export {run.root}: {type(error).__name__}: {str(error).strip()[:300]}; "
                        "nothing was written") from error
    staged.manifest = describe_export(config, run, name, version, signatures, outputs, formats, staged.case, about,
                                      assets=("assets/codes.json",) if scatter is not None else ())
    return staged


def finish(staged: Staged) -> ExportResult:
    """Keep a checked export: write classicnets.json and rename the folder to its version; or remove it."""
    case = staged.case
    if case.problem is None and staged.target.exists():
        case.problem = f"{staged.target} was made by someone else meanwhile"
    if case.problem is not None:
        discard(staged)
        raise UserError(f"the export of {staged.run.root} failed its check: {case.problem}. Nothing was written.")
    staged.manifest["check"]["max_abs_difference"] = case.differences
    try:
        atomic_write_text(staged.folder / MANIFEST, to_json(staged.manifest))
        os.rename(staged.folder, staged.target)
    except BaseException as error:
        discard(staged)
        if isinstance(error, OSError):
            raise write_error(staged.target, error) from None
        raise
    name_dir = staged.target.parent
    return ExportResult(name_dir.name, int(staged.target.name), staged.target, case.differences)


def discard(staged: Staged) -> None:
    """Remove the temporary folder, and the folders this export made when they are left empty."""
    shutil.rmtree(staged.folder, ignore_errors=True)
    for folder in reversed(staged.made):
        try:
            folder.rmdir()
        except OSError:  # not empty: something else is in it now
            break


def _make_folders(name_dir: Path) -> list[Path]:
    """Make MODELS_DIR/NAME (and above); return the folders that did not exist, outermost first."""
    missing = [folder for folder in (*reversed(name_dir.parents), name_dir) if not folder.exists()]
    make_folder(name_dir)
    return missing


def _temporary_folder(name_dir: Path, version: int) -> Path:
    """.tmp-<pid>-<version>-XXXX in MODELS_DIR/NAME, with the permissions of any new folder (mkdtemp's are 0700);
    those that ended exports left there are removed first."""
    try:
        folder = owned_temp_folder(name_dir, EXPORT_TEMP_PREFIX, f"{version}-")
        folder.chmod(new_folder_mode())
    except OSError as error:
        raise write_error(name_dir, error) from None
    return folder


def _write_formats(model: keras.Model, signatures: list[Signature], folder: Path, formats: tuple[str, ...],
                   case: parity.CheckCase) -> dict[str, dict[str, TensorInfo]]:
    """Write the formats asked for; return each signature's outputs as traced."""
    functions = {signature.name: tf.function(signature.graph, autograph=False,  # Python ifs run once, tracing
                                             input_signature=[info.spec() for info in signature.inputs])
                 for signature in signatures}
    outputs = {name: _traced_outputs(function) for name, function in functions.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TensorFlow's and tf2onnx's notes on tracing and numpy
        if "saved-model" in formats:
            archive = keras.export.ExportArchive()
            archive.track(model)
            for name, function in functions.items():
                archive.add_endpoint(name, function)
            archive.write_out(str(folder), verbose=False)
            case.saved_model = folder
            write_warmup_requests(folder, case.inputs)  # TF Serving's warm-up file, when its protocol is here
        if "onnx" in formats:
            case.onnx = _write_onnx(model, signatures, folder / "onnx")
    return outputs


def _traced_outputs(function: Callable[..., Any]) -> dict[str, TensorInfo]:
    """Output name -> shape and dtype of a tf.function with an input signature."""
    structured = function.get_concrete_function().structured_outputs
    return {name: TensorInfo(name, tuple(tensor.shape), tensor.dtype.name) for name, tensor in structured.items()}


class _Endpoint(keras.Model):
    """One signature as a Keras model (inputs as a list -> named outputs), for Keras' ONNX export."""

    def __init__(self, model: keras.Model, graph: Callable[..., dict[str, Any]]) -> None:
        super().__init__(name="endpoint")
        self.model, self.graph = model, graph
        self.built = True  # the wrapped model is built

    def call(self, inputs: list[Any]) -> dict[str, Any]:
        return tf.autograph.experimental.do_not_convert(self.graph)(*inputs)


def _write_onnx(model: keras.Model, signatures: list[Signature], folder: Path) -> dict[str, Path]:
    """onnx/<signature>.onnx for every signature, by Keras' ONNX export (tf2onnx)."""
    make_folder(folder)
    logging.getLogger("tf2onnx").setLevel(logging.CRITICAL)  # its failures show in the check
    files = {}
    for signature in signatures:
        path = folder / f"{signature.name}.onnx"
        specs = [[info.spec() for info in signature.inputs]]
        _Endpoint(model, signature.graph).export(str(path), format="onnx", input_signature=specs, verbose=False)
        files[signature.name] = path
    return files
