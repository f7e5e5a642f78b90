"""What `classicnets serve PATH` serves: a models folder as it is, or run folders exported for the occasion.

PATH may be MODELS_DIR (NAME/VERSION/ folders, or empty until something is exported into it), the OUT folder of
`classicnets run` (its OUT/models is served), one run directory, or a folder of run directories. Runs are
exported (and checked, as `classicnets export` does) into a temporary models folder that is removed when the
server stops."""

from __future__ import annotations

import shutil
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

from classicnets.errors import UserError
from classicnets.files import owned_temp_folder

RUN_FILE = "config.json"  # what makes a folder a run directory (runs.open_run)
MODELS_FOLDER = "models"  # where `classicnets run` exports its models


def is_run_dir(folder: Path) -> bool:
    """Whether `folder` is one a `classicnets train` run wrote."""
    return (folder / RUN_FILE).is_file()


def is_models_dir(folder: Path) -> bool:
    """Whether `folder` holds NAME/VERSION/ folders, or nothing yet (a server picks up later exports)."""
    children = [child for child in folder.iterdir() if not child.name.startswith(".")]
    if not children:
        return True
    return any(child.is_dir() and any(version.is_dir() and version.name.isdigit() for version in child.iterdir())
               for child in children if child.is_dir())


def runs_in(folder: Path) -> list[Path]:
    """The run directories directly inside `folder`, by name."""
    return sorted(child for child in folder.iterdir() if child.is_dir() and is_run_dir(child))


def what_to_serve(path: Path) -> tuple[Path | None, list[Path]]:
    """(a models folder to serve as it is, None) or (None, the run directories to export first)."""
    if not path.is_dir():
        raise UserError(f"{path} is not a folder; give MODELS_DIR (the folder `classicnets export` writes "
                        "NAME/VERSION/ into), a run directory or a folder of runs")
    if is_run_dir(path):
        return None, [path]
    if (path / MODELS_FOLDER).is_dir() and not is_models_dir(path):  # the OUT folder of `classicnets run`
        return path / MODELS_FOLDER, []
    if is_models_dir(path):
        return path, []
    found = runs_in(path)
    if not found:
        raise UserError(f"{path} holds neither exported models (NAME/VERSION/ folders), nor a run ({RUN_FILE}), "
                        "nor run folders; give MODELS_DIR, a run directory of `classicnets train`, or the OUT "
                        "folder of `classicnets run`")
    return None, found


@contextmanager
def models_dir_for(path: Path, formats: Sequence[str] = ("saved-model",),
                   notice: Callable[[str], None] = print) -> Iterator[Path]:
    """The models folder to serve for PATH; runs are exported (in `formats`) as version 1 of a model named after
    their folder, into a temporary folder that is removed on leaving."""
    models_dir, run_dirs = what_to_serve(Path(path))
    if models_dir is not None:
        yield models_dir
        return
    # SIGTERM at any moment before the server takes the signal over (and after it gives it back) still removes the
    # temporary folder; one left by a SIGKILL is removed by the next serve
    with _sigterm_interrupts():
        temporary = owned_temp_folder(Path(tempfile.gettempdir()), "classicnets-serve-")
        try:
            export_for_serving(run_dirs, temporary, formats, notice)
            yield temporary
        finally:
            shutil.rmtree(temporary, ignore_errors=True)


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt, as Ctrl-C does, while inside (in the main thread only)."""
    def interrupt(number: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: signals cannot be handled here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def export_for_serving(run_dirs: list[Path], models_dir: Path, formats: Sequence[str],
                       notice: Callable[[str], None]) -> None:
    """Export each run into models_dir (checked in one reloading process); a run that cannot be exported is
    named and skipped, and none exported is a UserError."""
    from classicnets.serving.export import check_formats, export_runs

    formats = check_formats(formats)  # ONNX's packages missing: one clear error, not one per run
    notice(f"exporting {len(run_dirs)} run{'s' if len(run_dirs) > 1 else ''} to serve into {models_dir}")
    results = export_runs([(run_dir, models_dir, None) for run_dir in run_dirs], formats)
    failed = [(run_dir, result) for run_dir, result in zip(run_dirs, results) if isinstance(result, UserError)]
    for run_dir, error in failed:
        notice(f"not served: {run_dir}: {error}")
    if len(failed) == len(run_dirs):
        raise UserError(f"none of the runs in {run_dirs[0] if len(run_dirs) == 1 else run_dirs[0].parent} could be "
                        f"exported to serve: {failed[0][1]}")
