"""Where a user's network comes from: FILE.py:FUNCTION, FILE.py or FILE.keras. A run keeps a copy of the file
(RUN/network/) and its SHA-256, builds from the copy, and on resume refuses a source file that changed."""

from __future__ import annotations

import difflib
import hashlib
import importlib.util
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from classicnets.errors import UserError
from classicnets.files import atomic_write_text, make_folder

FOLDER = "network"  # inside the run
FACTS = "network.json"
DEFAULT_FUNCTION = "build"


@dataclass(frozen=True)
class Source:
    """A parsed network reference: the file, and for Python files the function that builds the model."""

    path: Path
    function: str | None  # None for a .keras file

    @property
    def is_saved_model(self) -> bool:
        return self.path.suffix == ".keras"


def parse(reference: str) -> Source:
    """FILE.py:FUNCTION, FILE.py (function `build`) or FILE.keras; the file must exist."""
    text = str(reference).strip()
    head, colon, function = text.rpartition(":")
    if colon and head.endswith(".py") and function.isidentifier():
        path, name = Path(head), function
    elif text.endswith(".py"):
        path, name = Path(text), DEFAULT_FUNCTION
    elif text.endswith(".keras"):
        path, name = Path(text), None
    else:
        raise UserError(f"network={text!r} is not FILE.py:FUNCTION, FILE.py or FILE.keras; e.g. "
                        "my_net.py:build (a function that returns a keras.Model) or model.keras")
    if not path.is_file():
        raise UserError(f"{path} does not exist (network={text!r}); give the path of your network's file")
    return Source(path.resolve(), name)


def sha256_of(path: Path) -> str:
    """The file's SHA-256, hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def keep_network(options: Any, run_root: Path, resume: bool) -> dict[str, Any]:
    """A new run copies the network's file into RUN/network/; a resumed one checks the original against the copy.
    Returns the builder's facts: the copy's path and the function to call."""
    folder = Path(run_root) / FOLDER
    if resume and (folder / FACTS).is_file():
        facts = json.loads((folder / FACTS).read_text(encoding="utf-8"))
        copy = folder / facts["file"]
        _refuse_if_changed(Path(facts["source"]), copy, facts["sha256"], run_root)
        return {"network_file": str(copy), "network_function": facts["function"]}
    source = parse(options.network)
    make_folder(folder)
    copy = folder / source.path.name
    shutil.copyfile(source.path, copy)
    facts = {"source": str(source.path), "file": copy.name, "function": source.function, "sha256": sha256_of(copy)}
    atomic_write_text(folder / FACTS, json.dumps(facts, indent=2) + "\n")
    return {"network_file": str(copy), "network_function": source.function}


def _refuse_if_changed(original: Path, copy: Path, sha256: str, run_root: Path) -> None:
    """Say what changed in the user's file since the run started, and how to go on."""
    if not original.is_file() or sha256_of(original) == sha256:
        return
    what = "its bytes differ"
    if original.suffix == ".py":
        what = _changed_lines(copy.read_text(encoding="utf-8", errors="replace"),
                              original.read_text(encoding="utf-8", errors="replace"))
    raise UserError(f"{original} changed since the run in {run_root} started ({what}); the run goes on with the "
                    f"network it started with only while the file is the same. Restore it (cp {copy} {original}) "
                    "and resume, or train the changed network in a new run")


def _changed_lines(before: str, after: str, shown: int = 4) -> str:
    """A short account of a change: the first changed lines, before and after."""
    lines = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
             if line[:1] in "+-@" and not line.startswith(("+++", "---"))]
    first = next((line for line in lines if line.startswith("@@")), "")
    where = first.split("+")[1].split(" ")[0].split(",")[0] if "+" in first else "?"
    edits = [line for line in lines if not line.startswith("@@")][:shown]
    return f"first change at line {where}: " + "; ".join(f"{line[0]} {line[1:].strip()}" for line in edits)


def import_file(path: Path) -> ModuleType:
    """Import a Python file as a module of its own (named after its content, so two versions never mix)."""
    name = f"classicnets_network_{sha256_of(path)[:16]}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        del sys.modules[name]
        raise UserError(f"importing {path} failed: {error_at(error, path)}") from None
    return module


def error_at(error: BaseException, path: Path) -> str:
    """The error and the line of the user's file it came from."""
    line = None
    trace = error.__traceback__
    while trace is not None:
        if Path(trace.tb_frame.f_code.co_filename).resolve() == Path(path).resolve():
            line = trace.tb_lineno
        trace = trace.tb_next
    if isinstance(error, SyntaxError) and error.lineno:
        line = error.lineno
    at = f" (line {line})" if line else ""
    return f"{type(error).__name__}: {error}{at}"


def objects_of_run(run_root: Path) -> dict[str, Any]:
    """The Keras classes (layers, models) defined in a run's copy of the user's network, by class name."""
    import keras

    facts_file = Path(run_root) / FOLDER / FACTS
    if not facts_file.is_file():
        return {}
    facts = json.loads(facts_file.read_text(encoding="utf-8"))
    if facts["function"] is None:
        return {}
    module = import_file(Path(run_root) / FOLDER / facts["file"])
    return {name: value for name, value in vars(module).items()
            if isinstance(value, type) and issubclass(value, keras.layers.Layer) and value.__module__ == module.__name__}
