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
         "codes.js": "text/javascript", "words.js": "text/javascript", "playground.css": "text/css",
         "docs.js": "text/javascript", "token.js": "text/javascript"}  # docs.js: the /docs page; token.js: both
MANIFEST_KEYS = ("family", "task", "class_names", "input")
HELD_OUT_FIGURES = ("next_letter_accuracy", "exact_match", "accuracy", "mse")  # test figures, in preference order


def served_models(repository: ModelRepository) -> dict[str, Any]:
    """Every model that can serve now: name, version, signatures' input and output shapes, classicnets.json's
    family, task, dataset, class names and headline metric, the vocabulary of the word models and the test
    codes of a 2-d autoencoder."""
    models = []
    for name in repository.model_names():
        try:
            servable = repository.servable(name)
        except RequestError as error:  # loading, or no version left to serve
            models.append({"name": name, "error": error.message})
            continue
        manifest = read_json(servable.path / "classicnets.json")
        about = {key: manifest[key] for key in MANIFEST_KEYS if key in manifest}
        run = manifest.get("run") if isinstance(manifest.get("run"), dict) else {}
        about["dataset"] = run.get("dataset")
        about["metric"], about["training_metric"] = listed_metrics(run)
        about["code_scatter"] = code_scatter(servable.path, manifest)
        about["class_names"] = about.get("class_names") or list(servable.class_names)
        signatures = {signature.name: {"inputs": {key: spec_json(spec) for key, spec in signature.inputs.items()},
                                       "outputs": {key: spec_json(spec) for key, spec in signature.outputs.items()}}
                      for signature in servable.signatures.values()}
        vocabulary = read_json(servable.path / "assets" / "vocabulary.json") or None
        models.append({"name": name, "version": servable.version, **about, "signatures": signatures,
                       "vocabulary": vocabulary})
    return {"models": models}


def listed_metrics(run: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(a test figure, the training headline): the headline when it was measured on the test split; else the
    first held-out figure the run has (the word models are compared by a training figure, which says little of
    a new word), with that headline beside it, named as training."""
    headline = run.get("headline") if isinstance(run.get("headline"), dict) else None
    if headline is None or headline.get("split") == "test":
        return headline, None
    test = run.get("test") if isinstance(run.get("test"), dict) else {}
    name = next((name for name in HELD_OUT_FIGURES if isinstance(test.get(name), (int, float))), None)
    return ({"name": name, "value": test[name], "split": "test"} if name else None), headline


def code_scatter(version_dir: Path, manifest: dict[str, Any]) -> dict[str, Any] | None:
    """The test images' 2-d codes and labels an autoencoder's export keeps (files.codes), or None."""
    files = manifest.get("files") if isinstance(manifest.get("files"), dict) else {}
    relative = files.get("codes")
    if not isinstance(relative, str) or Path(relative).is_absolute() or ".." in Path(relative).parts:
        return None
    scatter = read_json(version_dir / relative)
    codes, labels = scatter.get("codes"), scatter.get("labels")
    if not isinstance(codes, list) or not isinstance(labels, list) or len(codes) != len(labels):
        return None
    return {"codes": codes, "labels": labels, "class_names": scatter.get("class_names") or []}


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
