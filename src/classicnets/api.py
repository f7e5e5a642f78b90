"""The Python API: train a network and use a finished run from a notebook or a script.

    import classicnets
    run = classicnets.train("mlp", dataset="digits", epochs=3, run_dir="runs/mlp-digits")
    run.metrics["test"]["accuracy"]
    run.predict(images)                      # class probabilities for uint8 pixels or [0, 1] floats
    again = classicnets.load_run("runs/mlp-digits")
    again.evaluate(dataset="fashion-mnist")  # metrics on another dataset of the same shape

The command line is a thin layer over the same functions, so a run trained here is a run `classicnets
evaluate`, `predict`, `export` and `serve` read, and the other way round."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from classicnets import runs
from classicnets.config import RunConfig, TrainConfig
from classicnets.errors import UserError
from classicnets.models import get_spec, task_of
from classicnets.models.tasks import get_task
from classicnets.settings import build_run_config, data_setting_names

TRAIN_FIELDS = {field.name for field in dataclasses.fields(TrainConfig)}


def train(model: Any, dataset: str | None = None, *, config: str | Path | None = None, run_dir: str | Path | None = None,
          resume: bool = False, verbose: bool = False, notice: Callable[[str], None] | None = None,
          **settings: Any) -> "Run":
    """Train family `model` (`classicnets models` lists them) and evaluate it on the test split. `model` may also
    be your own network: a function defined in a .py file that returns a keras.Model (it may take input_shape and
    num_classes), or a keras.Model (saved as the .keras file the run starts from), as `classicnets train
    --network` takes them.

    `settings` are the command line's flags with underscores: training ones (epochs, batch_size,
    learning_rate, optimizer, schedule, seed, early_stopping, ...), data ones (data_dir, image_size,
    color, test_fraction, validation_fraction; target, the CSV column a table model predicts; words or pairs, the
    word models' name for their dataset) and the family's own options (hidden=(256, 128), ...).
    `config` is a TOML file of settings (or a run's config.json), as `classicnets train --config` reads it;
    `dataset` and `settings` override it. With resume=True, the run in `run_dir` continues; only `epochs` may
    change, and any other setting given must be the run's own."""
    model, settings = _as_family(model, settings, resume)
    spec = get_spec(model)
    data_fields = set(data_setting_names(spec)) - {"dataset"}
    train_settings = {k: v for k, v in settings.items() if k in TRAIN_FIELDS}
    data_settings = {k: v for k, v in settings.items() if k in data_fields}
    options = {k: v for k, v in settings.items() if k not in TRAIN_FIELDS | data_fields}
    own = sorted(field.name for field in dataclasses.fields(spec.options)) if spec.options else []
    unknown = sorted(set(options) - set(own))
    if unknown:
        raise UserError(f"{model} has no setting {', '.join(map(repr, unknown))}; its own options are "
                        f"{', '.join(own) or 'none'}, and it takes {', '.join(sorted(TRAIN_FIELDS | data_fields))}")
    if resume and run_dir is None:
        raise UserError("resume=True needs run_dir: the folder of the run to continue")
    if dataset is not None:
        data_settings["dataset"] = dataset
    stored = runs.read_config(runs.open_run(Path(run_dir))) if resume else None
    run_config = build_run_config(model, options, data_settings, train_settings, stored, config_file=config,
                                  run_dir=run_dir)
    from classicnets.experiment import train_and_evaluate

    say = notice or (print if verbose else (lambda text: None))
    result = train_and_evaluate(run_config, None if run_dir is None else Path(run_dir), resume=resume,
                                verbose=verbose, notice=say, summary=say)
    return Run(result.run_dir, model=result.model)


def _as_family(model: Any, settings: dict[str, Any], resume: bool) -> tuple[str, dict[str, Any]]:
    """A family name as it is; a user's build function or keras.Model as the network family and its source (a
    resumed run builds from its own copy: a model object is not saved again)."""
    if isinstance(model, str):
        return model, settings
    if resume:  # the run builds from its own copy of the network (a changed source file is refused there)
        return "network", settings
    if "network" in settings:
        raise UserError("give your network either as the model or as network=..., not both")
    return "network", {**settings, "network": network_reference(model)}


def network_reference(model: Any) -> str:
    """FILE.py:FUNCTION of a build function defined at the top of a file, or FILE.keras of a model saved for the
    run to start from."""
    import inspect

    if inspect.isfunction(model):
        source = inspect.getsourcefile(model)
        if source and source.endswith(".py") and Path(source).is_file() and model.__qualname__ == model.__name__:
            return f"{Path(source).resolve()}:{model.__name__}"
        raise UserError(f"{model.__name__} is not defined at the top level of a .py file, so its run cannot keep "
                        "its source (a notebook's cell is not a file): put it in a .py file and pass the function, "
                        "or pass the keras.Model it returns")
    import keras

    if isinstance(model, keras.Model):
        import tempfile

        path = Path(tempfile.mkdtemp(prefix="classicnets-network-")) / f"{model.name}.keras"
        model.save(path)  # the run copies it into RUN/network/ and starts from it
        return str(path)
    raise UserError(f"model must be a family's name (`classicnets models`), a function that returns a keras.Model "
                    f"or a keras.Model. Received: {type(model).__name__}")


def load_run(run_dir: str | Path) -> "Run":
    """A finished (or interrupted) run, checked when opened; its model is loaded on first use."""
    return Run(Path(run_dir))


class Run:
    """A run directory: its config, metrics and history, its model, and what can be done with it."""

    def __init__(self, root: Path, model: Any = None) -> None:
        self.dir = runs.open_run(Path(root), needs=("config",))
        self.config: RunConfig = runs.read_config(self.dir)
        self._model = model

    def __repr__(self) -> str:
        return f"Run({str(self.root)!r}, model={self.family!r})"

    @property
    def root(self) -> Path:
        """The run's folder."""
        return self.dir.root

    @property
    def family(self) -> str:
        """The model family's name, as `classicnets models` lists it."""
        return self.config.model

    @property
    def metrics(self) -> dict[str, Any]:
        """metrics.json: test metrics and training facts (epochs, seconds, samples/s)."""
        return runs.read_metrics(runs.open_run(self.root, needs=("metrics",)))

    @property
    def history(self) -> dict[str, list[float]]:
        """history.csv as columns: loss, val_loss, accuracy, ... one value per epoch."""
        return runs.read_history(self.dir)

    @property
    def model(self) -> Any:
        """The trained keras.Model (model.keras), loaded once."""
        if self._model is None:
            self._model = runs.load_model(runs.open_run(self.root, needs=("model",)))
        return self._model

    def evaluate(self, dataset: str | None = None) -> dict[str, Any]:
        """Metrics on the run's test split, or on another dataset of the same shape (plots in RUN/plots/)."""
        from classicnets.experiment import evaluate_run

        return evaluate_run(self.root, dataset, notice=lambda text: None)

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        """The model's outputs (class probabilities, values or scores) for an array of inputs of the run's shape:
        uint8 pixels or [0, 1] floats for images, features in the CSV's own units for tables."""
        from classicnets.use import inference
        from classicnets.data.arrays import scale_features

        x = np.asarray(inputs)
        info = self.config.data_info
        expected = tuple(info.get("input_shape", ()))
        if expected and tuple(x.shape[1:]) != expected:
            raise UserError(f"{self.root} takes inputs of shape (N, {', '.join(map(str, expected))}), got {x.shape}")
        if "feature_min" in info:
            x = scale_features(x, np.asarray(info["feature_min"]), np.asarray(info["feature_max"]))
        return inference.predict_outputs(self.model, x)

    def classify(self, image_files: Sequence[str | Path], k: int = 3) -> list[dict[str, Any]]:
        """For image files (or folders of them): the label, its probability and the top k."""
        from classicnets.use import inference

        return inference.predict_files(self.model, self.config, [str(p) for p in image_files], k=k)

    def encode(self, x: np.ndarray) -> np.ndarray:
        """An autoencoder's codes (N, code_size) for images (uint8 or [0, 1])."""
        from classicnets.use import autoencoding

        return autoencoding.encode(self._autoencoder("encode"), x)

    def reconstruct(self, x: np.ndarray) -> np.ndarray:
        """An autoencoder's reconstructions in [0, 1] of images (uint8 or [0, 1])."""
        from classicnets.use import autoencoding

        return autoencoding.reconstruct(self._autoencoder("reconstruct"), x)

    def generate(self, n: int = 16, label: str | None = None, seed: int = 0) -> np.ndarray:
        """`n` images (N, H, W, C) in [0, 1] from a run that generates images (one that draws classes: of class
        `label`, by name or index, else the first); the same seed gives the same images."""
        from classicnets.use import generation

        task = task_of(self.config)
        if task not in generation.GAN_TASKS:
            raise UserError(f"{self.root} holds a {self.family!r} run; generate() needs a "
                            f"{' or '.join(generation.GAN_TASKS)} run")
        names = list(self.config.data_info.get("class_names", []))
        index = generation.parse_label(label, names) if label is not None else None
        if get_task(task).classes:
            index = 0 if index is None else index
        return np.asarray(self.model.sample(n, index, seed=seed) if index is not None
                          else self.model.sample(n, seed=seed))

    def complete(self, prefixes: Sequence[str], top: int = 3) -> list[dict[str, Any]]:
        """For each prefix: the best word and the top candidates with probabilities (autocomplete runs)."""
        from classicnets.use.completion import complete_in_run

        return complete_in_run(self.root, list(prefixes), top=top)

    def translate(self, words: Sequence[str]) -> list[dict[str, Any]]:
        """Each word's translation and its probability (seq2seq runs)."""
        from classicnets.use.translation import translate_in_run

        return translate_in_run(self.root, list(words))

    def export(self, models_dir: str | Path, name: str | None = None, version: int | None = None,
               formats: Sequence[str] = ("saved-model",)) -> Any:
        """Export for TF Serving into MODELS_DIR/NAME/VERSION/, checked before it is kept (see `classicnets
        export`)."""
        from classicnets.serving.export import export_run

        return export_run(self.root, Path(models_dir), name=name, version=version, formats=tuple(formats))

    def _autoencoder(self, what: str) -> Any:
        if task_of(self.config) != "autoencoder":
            raise UserError(f"{self.root} holds a {self.family!r} run; {what}() needs an autoencoder run")
        if what == "encode" and not hasattr(self.model, "encode"):
            raise UserError(f"{self.root} holds your own autoencoder network, which has no encode() of its own")
        return self.model
