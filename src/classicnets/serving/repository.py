"""The models being served: found by scanning MODELS_DIR/NAME/VERSION/, loaded, and kept in step with the
folders by polling, the way TensorFlow Serving follows its model base path.

A new version folder is loaded while the others keep serving; a version whose folder is gone is unloaded; a
version that fails to load is reported (state END with its error) and is not retried until its folder
changes. Only names found by the scan are ever served, so no request can name a path, and folders (or
symlinks) that resolve outside MODELS_DIR are skipped."""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from classicnets.serving.runtimes import AUTO, load_servable
from classicnets.serving.warmup import warm_up
from classicnets.serving.servable import RequestError, Servable, first_line

log = logging.getLogger(__name__)

MAX_VERSION = 2**63 - 1  # TF Serving's versions are int64
LOADING, AVAILABLE, END = "LOADING", "AVAILABLE", "END"


@dataclass(frozen=True)
class VersionState:
    """Where one version folder stands: LOADING, AVAILABLE (with its servable) or END (unloaded or failed)."""

    version: int
    state: str
    fingerprint: tuple[int, ...]
    error: str = ""
    servable: Servable | None = None


class ModelRepository:
    """Every model and version under a root folder; `scan()` brings it in step with the folders."""

    def __init__(self, root: Path, latest: int = 0, runtime: str = AUTO, onnx_threads: int = 1) -> None:
        self.root = root.resolve()
        self.latest = latest  # serve only the highest `latest` versions of each model; 0: all of them
        self.runtime = runtime  # auto, saved-model or onnx (runtimes.py)
        self.onnx_threads = onnx_threads  # onnxruntime's threads for one call
        self.scanned = threading.Event()  # set once the first scan has loaded what it found
        self._models: dict[str, dict[int, VersionState]] = {}  # replaced, never changed in place
        self._scan_lock = threading.Lock()
        self._skipped: set[Path] = set()

    def model_names(self) -> list[str]:
        """The models found so far, by name."""
        return sorted(self._models)

    def versions(self, name: str) -> dict[int, VersionState]:
        """Every version of a model and its state; 404 for a model not found in MODELS_DIR."""
        versions = self._models.get(name)
        if versions is None:
            raise RequestError(404, f"no model named '{name}' in the models folder")
        return versions

    def servable(self, name: str, version: str | None = None) -> Servable:
        """The named version of a model, or its highest available one; 404 if there is none (503 if loading)."""
        versions = self.versions(name)
        if version is None:
            available = [state for state in versions.values() if state.state == AVAILABLE]
            if available:
                return max(available, key=lambda state: state.version).servable  # type: ignore[return-value]
            loading = any(state.state == LOADING for state in versions.values())
            raise RequestError(503 if loading else 404, f"model '{name}' has no version available "
                               f"{'yet' if loading else 'to serve'}; see GET /v1/models/{name}")
        number = parse_version(version)
        state = versions.get(number) if number is not None else None
        if state is None:
            raise RequestError(404, f"model '{name}' has no version {version!r}; see GET /v1/models/{name}")
        if state.state == LOADING:
            raise RequestError(503, f"version {version} of model '{name}' is still loading")
        if state.servable is None:
            why = f"failed to load: {state.error}" if state.error else "unloaded (a newer version is serving)"
            raise RequestError(404, f"version {version} of model '{name}' {why}")
        return state.servable

    def ready(self, name: str) -> bool:
        """Whether a model has a version to serve."""
        return any(state.state == AVAILABLE for state in self._models.get(name, {}).values())

    def poll(self, seconds: float, stop: threading.Event, on_change: Callable[[], None] | None = None) -> None:
        """Scan now, then every `seconds` until `stop` is set (seconds <= 0: scan once); `on_change` runs
        after a scan that loaded or unloaded something."""
        while not stop.is_set():
            try:
                if self.scan() and on_change is not None:
                    on_change()
            except Exception:  # a scan that failed (a folder vanished mid-way) must not end the polling
                log.exception("scanning %s failed; trying again in %s s", self.root, seconds)
            self.scanned.set()
            if seconds <= 0 or stop.wait(seconds):
                return

    def scan(self) -> bool:
        """Load new version folders, unload removed ones, apply the `latest` policy; publish as it goes.
        Returns whether any version changed state."""
        with self._scan_lock:
            before = self.summary()
            found = self.find_versions()
            for name in [name for name in self._models if name not in found]:
                log.info("model %s: folder removed, unloaded", name)
                self._publish(name, None)
            for name, folders in found.items():
                self._scan_model(name, folders)
            return self.summary() != before

    def summary(self) -> dict[str, dict[int, tuple[str, str]]]:
        """{model: {version: (state, error)}}."""
        return {name: {version: (state.state, state.error) for version, state in versions.items()}
                for name, versions in self._models.items()}

    def _scan_model(self, name: str, folders: dict[int, Path]) -> None:
        """Bring one model in step with its version folders, newest first (the one served)."""
        known = self._models.get(name, {})
        for version in sorted(set(known) - set(folders)):
            log.info("model %s version %d: folder removed, unloaded", name, version)
        states = {version: state for version, state in known.items() if version in folders}
        self._publish(name, states)
        for version in sorted(folders, reverse=True):
            fingerprint = folder_fingerprint(folders[version])
            if not self._needs_loading(states.get(version), fingerprint):
                continue
            newer = sum(state.state == AVAILABLE and state.version > version for state in states.values())
            if self.latest and newer >= self.latest:
                continue  # older than the versions the policy keeps
            states[version] = VersionState(version, LOADING, fingerprint)
            self._publish(name, states)
            states[version] = load_version(name, folders[version], version, fingerprint, self.runtime,
                                           self.onnx_threads)
            self._publish(name, self._apply_latest(name, states))

    @staticmethod
    def _needs_loading(state: VersionState | None, fingerprint: tuple[int, ...]) -> bool:
        """New, unloaded by the policy, or failed and rewritten since: not loaded, or failed as it is now."""
        if state is None:
            return True
        if state.state != END:
            return False
        return not state.error or state.fingerprint != fingerprint

    def _apply_latest(self, name: str, states: dict[int, VersionState]) -> dict[int, VersionState]:
        """Unload the available versions beyond the `latest` highest ones."""
        if not self.latest:
            return states
        available = sorted((v for v, s in states.items() if s.state == AVAILABLE), reverse=True)
        for version in available[self.latest:]:
            log.info("model %s version %d: unloaded (a newer version is serving)", name, version)
            states[version] = replace(states[version], state=END, servable=None)
        return states

    def _publish(self, name: str, states: dict[int, VersionState] | None) -> None:
        """Make new states visible to requests: one assignment, so a reader sees the old or the new map."""
        models = dict(self._models)
        if states is None:
            models.pop(name, None)
        else:
            models[name] = dict(states)
        self._models = models

    def find_versions(self) -> dict[str, dict[int, Path]]:
        """{model name: {version: folder}} for every integer-named folder inside the root."""
        found: dict[str, dict[int, Path]] = {}
        for model_dir in sorted(self._folders_inside(self.root)):
            versions = {}
            for version_dir in self._folders_inside(model_dir):
                version = parse_version(version_dir.name)
                if version is not None:
                    versions[version] = version_dir
            found[model_dir.name] = versions
        return found

    def _folders_inside(self, folder: Path) -> list[Path]:
        """The folders in `folder` that do not start with '.' and resolve to a place inside the root."""
        try:
            entries = list(folder.iterdir())
        except OSError:  # removed or unreadable since it was listed
            return []
        inside = []
        for entry in entries:
            if entry.name.startswith("."):
                continue  # temp folders of an export in progress, .git and the like
            try:
                resolved = entry.resolve()
                if not resolved.is_dir():
                    continue
            except (OSError, RuntimeError):  # a symlink loop, or removed meanwhile
                continue
            if resolved != self.root and resolved.is_relative_to(self.root):
                inside.append(entry)
            elif entry not in self._skipped:
                self._skipped.add(entry)
                log.warning("skipping %s: it leads outside %s", entry, self.root)
        return inside


def load_version(name: str, folder: Path, version: int, fingerprint: tuple[int, ...], runtime: str = AUTO,
                 onnx_threads: int = 1) -> VersionState:
    """Load one version folder to be computed by `runtime`; a failure becomes an END state carrying the error."""
    started = time.perf_counter()
    try:
        servable = load_servable(folder, version, runtime, onnx_threads)
        warmed = warm_up(servable)  # before AVAILABLE: the first request is as fast as the tenth
    except Exception as error:  # whatever the folder holds, the server keeps serving the other versions
        message = first_line(str(error)) or type(error).__name__
        log.error("model %s version %d failed to load: %s", name, version, message)
        return VersionState(version, END, fingerprint, error=message)
    log.info("model %s version %d loaded in %.1f s (signatures: %s; runtime: %s; %s)", name, version,
             time.perf_counter() - started, ", ".join(servable.signatures), servable.runtime, warmed)
    return VersionState(version, AVAILABLE, fingerprint, servable=servable)


def parse_version(text: str) -> int | None:
    """The version a folder name or URL names (digits only, an int64), else None."""
    if not re.fullmatch(r"[0-9]{1,19}", text) or int(text) > MAX_VERSION:
        return None
    return int(text)


def folder_fingerprint(folder: Path) -> tuple[int, ...]:
    """What changes when a version folder is rewritten: its saved_model.pb's and its own modification times."""
    fingerprint = []
    for path in (folder, folder / "saved_model.pb"):
        try:
            stat = path.stat()
            fingerprint += [stat.st_mtime_ns, stat.st_size, stat.st_ino]
        except OSError:
            fingerprint += [0, 0, 0]
    return tuple(fingerprint)
