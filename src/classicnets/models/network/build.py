"""Building a user's network from the run's copy of its file, and settling what its job is."""

from __future__ import annotations

import inspect
import weakref
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import keras
import numpy as np

from classicnets.errors import UserError
from classicnets.models.network import NetworkOptions
from classicnets.models.network.source import error_at, import_file, parse

ARGUMENTS = ("input_shape", "num_classes")  # what a build function may take, by name


@dataclass(frozen=True)
class Job:
    """What a built network is for: its task, and whether a classifier's outputs are probabilities or logits."""

    task: str
    outputs: str
    input_shape: tuple[int, ...]
    num_classes: int


JOBS: "weakref.WeakKeyDictionary[keras.Model, Job]" = weakref.WeakKeyDictionary()  # each built network's job


def build_network(options: NetworkOptions, input_shape: tuple[int, ...], num_classes: int,
                  extra: dict[str, Any]) -> keras.Model:
    """The user's model, built from the run's copy of its file (else the file itself) for inputs of `input_shape`; a model
    declared for another shape of the same size (28x28 for 28x28x1 images) gets a Reshape in front."""
    if "network_file" in extra:  # the run's copy (classicnets.models.network.source.keep_network)
        path, function = Path(extra["network_file"]), extra.get("network_function")
    else:  # built outside a run: from the user's file itself
        source = parse(options.network)
        path, function = source.path, source.function
    if function is None:
        model = _load_saved(path)
    else:
        model = _call_builder(path, function, input_shape, num_classes)
    model = _fitted_to(model, input_shape, path)
    JOBS[model] = job_of(model, options, input_shape, num_classes)
    return model


def _load_saved(path: Path) -> keras.Model:
    """A .keras file to start from, loaded in Keras' safe mode with its compiled loss, optimizer and metrics."""
    if not zipfile.is_zipfile(path):
        raise UserError(f"{path.name} cannot be trained from: it is not a .keras file (the zip archive that "
                        "model.save('NAME.keras') writes)")
    try:
        model = keras.saving.load_model(path, safe_mode=True, compile=True)
    except Exception as error:  # Keras raises many kinds for a file it cannot read
        text = str(error)
        if "safe_mode" in text:
            reason = ("it holds Python code (a Lambda layer), which Keras' safe mode does not run; give the network "
                      "as FILE.py:FUNCTION instead, where its code is yours")
        elif "Could not locate" in text or "Unknown" in text:
            reason = ("it holds a layer or model class of your own; give the .py file that defines and builds it "
                      "as FILE.py:FUNCTION")
        else:
            first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
            reason = f"Keras cannot read it ({first[:200]}); is it a model saved with model.save('NAME.keras')?"
        raise UserError(f"{path.name} cannot be trained from: {reason}") from None
    if not isinstance(model, keras.Model):
        raise UserError(f"{path.name} holds a {type(model).__name__}, not a keras.Model")
    return model


def _call_builder(path: Path, function: str, input_shape: tuple[int, ...], num_classes: int) -> keras.Model:
    """Call FUNCTION of the file with the arguments it takes; check it gave a keras.Model."""
    module = import_file(path)
    builder = getattr(module, function, None)
    if not callable(builder):
        found = sorted(name for name, value in vars(module).items()
                       if inspect.isfunction(value) and value.__module__ == module.__name__)
        raise UserError(f"{path.name} has no function {function!r}; its functions: {', '.join(found) or 'none'}. "
                        f"Name one as {path.name}:FUNCTION")
    values = {"input_shape": tuple(input_shape), "num_classes": num_classes}
    try:
        model = builder(**_arguments_for(builder, values, f"{path.name}:{function}"))
    except UserError:
        raise
    except Exception as error:
        raise UserError(f"{path.name}:{function} failed: {error_at(error, path)}") from None
    if not isinstance(model, keras.Model):
        raise UserError(f"{path.name}:{function} returned {type(model).__name__}, not a keras.Model; return the "
                        "model (keras.Sequential, keras.Model(inputs, outputs) or your keras.Model subclass)")
    return model


def _arguments_for(builder: Callable, values: dict[str, Any], name: str) -> dict[str, Any]:
    """The values among input_shape and num_classes that the function takes; other required parameters are an
    error that says which."""
    parameters = inspect.signature(builder).parameters
    required = [p.name for p in parameters.values() if p.default is p.empty and p.name not in values
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if required:
        raise UserError(f"{name} needs {', '.join(required)}, which classicnets cannot give; it passes only "
                        f"{' and '.join(ARGUMENTS)} (by name): give the others defaults")
    takes_all = any(p.kind == p.VAR_KEYWORD for p in parameters.values())
    return {key: value for key, value in values.items() if takes_all or key in parameters}


def _fitted_to(model: keras.Model, input_shape: tuple[int, ...], path: Path) -> keras.Model:
    """The model, called once on the data's shape; a Reshape in front when it declares another shape of the same
    number of values."""
    declared = _declared_shape(model)
    if declared is not None and declared != tuple(input_shape):
        if None in declared or int(np.prod(declared)) != int(np.prod(input_shape)):
            raise UserError(f"{path.name}'s network takes inputs of shape {declared}, but the data's samples have "
                            f"shape {tuple(input_shape)}; build it for input_shape (your function may take "
                            "input_shape as an argument) or choose data of that shape")
        if _overrides_training(model):
            raise UserError(f"{path.name}'s network takes inputs of shape {declared}, not the data's "
                            f"{tuple(input_shape)}, and has its own train_step; build it for input_shape")
        inputs = keras.Input(input_shape)
        wrapped = keras.Model(inputs, model(keras.layers.Reshape(declared)(inputs)), name=f"{model.name}_reshaped")
        if model.compiled:
            config = compiled_with(model)
            wrapped.compile(optimizer=model.optimizer, loss=config["loss"], metrics=config["metrics"])
        model = wrapped
    try:
        model(np.zeros((1, *input_shape), np.float32), training=False)
    except Exception as error:
        raise UserError(f"{path.name}'s network cannot take the data's samples of shape {tuple(input_shape)}: "
                        f"{type(error).__name__}: {str(error).strip().splitlines()[0][:300]}") from None
    return model


def compiled_with(model: keras.Model) -> dict[str, Any]:
    """The arguments the user's compile() got, as given (loss and metric objects, not their configs)."""
    return model._compile_config.config


def _declared_shape(model: keras.Model) -> tuple[int | None, ...] | None:
    """The input shape a Sequential or Functional model declares (without the batch), or None."""
    try:
        shape = model.input_shape
    except (AttributeError, ValueError):
        return None
    return tuple(shape[1:]) if isinstance(shape, tuple) else None


def _overrides_training(model: keras.Model) -> bool:
    """Whether the model's class has its own train_step (it then trains with its own objective)."""
    return type(model).train_step is not keras.Model.train_step


def settle_options(model: keras.Model, options: dict[str, Any], dataset: Any) -> dict[str, Any]:
    """Options with the task and outputs that were "auto" found (by build_network) from the model and the data."""
    job = JOBS[model]
    return {**options, "task": job.task, "outputs": job.outputs}


def job_of(model: keras.Model, options: NetworkOptions, input_shape: tuple[int, ...], num_classes: int) -> Job:
    """The task and outputs the options give, or (auto) that the model's outputs and compiled loss say."""
    output = _output_of(model, input_shape)
    task = _task_of(options.task, tuple(output.shape[1:]), tuple(input_shape), num_classes, model)
    if task == "autoencoder":
        return Job(task, "values", tuple(input_shape), num_classes)
    outputs = options.outputs if options.outputs not in ("auto", "values") else _outputs_kind(model, output)
    return Job(task, outputs, tuple(input_shape), num_classes)


def _output_of(model: keras.Model, input_shape: tuple[int, ...]) -> np.ndarray:
    """The model's outputs for two inputs (zeros and random [0, 1] values): their shape and whether they look like
    probabilities."""
    x = np.stack([np.zeros(input_shape, np.float32), np.random.default_rng(0).random(input_shape, np.float32)])
    output = model(x, training=False)
    if isinstance(output, (list, tuple, dict)):
        raise UserError(f"your network ({model.name!r}) has several outputs; classicnets trains networks with one output (a "
                        "classifier's class scores): join the heads into one output or train them one at a time")
    return np.asarray(output, np.float32)


def _task_of(asked: str, output_shape: tuple[int, ...], input_shape: tuple[int, ...], num_classes: int,
             model: keras.Model) -> str:
    """One output per class: a classifier; outputs shaped like the inputs: an autoencoder (`asked` chooses when
    both fit); anything else is not trainable here yet."""
    fits = {"classifier": output_shape == (num_classes,) and num_classes >= 2, "autoencoder": output_shape == input_shape}
    if asked != "auto" and fits[asked]:
        return asked
    if asked == "auto" and any(fits.values()):
        return "classifier" if fits["classifier"] else "autoencoder"
    wanted = {"classifier": f"({num_classes},), one value per class (the data has {num_classes})",
              "autoencoder": f"{input_shape}, the inputs' shape"}
    kinds = [asked] if asked != "auto" else list(wanted)
    raise UserError(f"your network ({model.name!r}) gives outputs of shape {output_shape}; "
                    + " or ".join(f"as {'a' if kind == 'classifier' else 'an'} {kind} it must give {wanted[kind]}"
                                  for kind in kinds)
                    + ": change its last layer (Dense(num_classes), or a Reshape to input_shape)")


def _outputs_kind(model: keras.Model, output: np.ndarray) -> str:
    """Logits or probabilities: what the compiled loss says, else whether every row is >= 0 and sums to 1."""
    loss = compiled_with(model).get("loss") if model.compiled else None
    if loss is not None and not isinstance(loss, str):
        from_logits = getattr(loss, "_fn_kwargs", {}).get("from_logits", getattr(loss, "from_logits", None))
        if from_logits is not None:
            return "logits" if from_logits else "probabilities"
    sums_to_one = np.allclose(output.sum(axis=-1), 1.0, atol=1e-3) and bool((output >= 0).all())
    return "probabilities" if sums_to_one else "logits"


def load_network_data(config: Any, notice: Callable[[str], None]) -> Any:
    """The data of a user's network: any dataset `classicnets train` takes; one declared a classifier needs 2
    classes (a guessed one is checked once its outputs are known)."""
    from classicnets.data.labelled_images import load_classified, load_run_dataset

    if config.model_options.get("task") == "classifier":
        return load_classified(config, notice)
    return load_run_dataset(config, notice)
