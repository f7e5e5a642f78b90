"""Makes classicnets' own layers and models known to Keras, so that a run's model.keras loads with plain
`keras.saving.load_model` after `import classicnets`.

Importing classicnets must not load TensorFlow (the command line answers --help at once), so the Keras code is
registered when Keras is there: at once if it was imported before classicnets, else right after Keras' own
import finishes."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType

# The modules that define keras.saving.register_keras_serializable(package="classicnets") classes.
MODULES = (
    "classicnets.models.layers",
    "classicnets.models.autoencoder.coders",
    "classicnets.models.autoencoder.vae",
    "classicnets.models.ae_classifier.network",
    "classicnets.models.autocomplete.network",
    "classicnets.models.seq2seq.network",
    "classicnets.models.gan.network",
)


def register_keras_objects() -> None:
    """Import the modules whose classes register themselves with Keras (under the name "classicnets>...")."""
    for name in MODULES:
        importlib.import_module(name)


class _RegisterAfterImport(importlib.abc.Loader):
    """Runs Keras' own loader, then registers classicnets' classes."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, _WatchForKeras)]
        register_keras_objects()


class _WatchForKeras(importlib.abc.MetaPathFinder):
    """Wraps the loader of the top-level `keras` package until it has been imported (a look-up with
    importlib.util.find_spec alone does not import it)."""

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != "keras":
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _RegisterAfterImport(spec.loader)
        return spec


def register_when_keras_loads() -> None:
    """Register now if Keras is loaded, else as soon as it is."""
    if "keras" in sys.modules:
        register_keras_objects()
    elif not any(isinstance(finder, _WatchForKeras) for finder in sys.meta_path):
        sys.meta_path.insert(0, _WatchForKeras())
