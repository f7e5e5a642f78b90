"""The playground page that `classicnets serve` shows at `/`: static files beside this module, and the list of
served models with the facts of their classicnets.json that the page needs to build its views."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from classicnets.serving.repository import ModelRepository
from classicnets.serving.servable import RequestError

FOLDER = Path(__file__).parent
FILES = {"playground.js": "text/javascript", "pictures.js": "text/javascript",  # what /playground/FILE serves
         "playground.css": "text/css"}
MANIFEST_KEYS = ("family", "task", "class_names", "input")


def served_models(repository: ModelRepository) -> dict[str, Any]:
    """Every model that can serve now: name, version, signatures' input and output shapes, classicnets.json's
    family, task, dataset and class names, and the vocabulary of the word models."""
    models = []
    for name in repository.model_names():
        try:
            servable = repository.servable(name)
        except RequestError as error:  # loading, or no version left to serve
            models.append({"name": name, "error": error.message})
            continue
        manifest = read_json(servable.path / "classicnets.json")
        about = {key: manifest[key] for key in MANIFEST_KEYS if key in manifest}
        about["dataset"] = manifest.get("run", {}).get("dataset") if isinstance(manifest.get("run"), dict) else None
        about["class_names"] = about.get("class_names") or list(servable.class_names)
        signatures = {signature.name: {"inputs": {key: spec_json(spec) for key, spec in signature.inputs.items()},
                                       "outputs": {key: spec_json(spec) for key, spec in signature.outputs.items()}}
                      for signature in servable.signatures.values()}
        vocabulary = read_json(servable.path / "assets" / "vocabulary.json") or None
        models.append({"name": name, "version": servable.version, **about, "signatures": signatures,
                       "vocabulary": vocabulary})
    return {"models": models}


def spec_json(spec: Any) -> dict[str, Any]:
    """A TensorSpec as {"shape": [null, 8, 8, 1], "dtype": "float32"}."""
    shape = spec.shape.as_list() if spec.shape.rank is not None else None
    return {"shape": shape, "dtype": spec.dtype.name}


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from a file of the export; {} when it is missing or not an object."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
