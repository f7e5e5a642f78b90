"""One loaded SavedModel version: its signatures, with inputs checked against their specs.

Requests never reach Keras: a signature is computed by the SavedModel's concrete function (or by onnxruntime,
see runtimes.py) on arrays whose dtype and shape were checked first, so a bad request is a clear 400 instead
of an error deep in the graph."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import tensorflow as tf

DEFAULT_SIGNATURE = "serving_default"
SAVED_MODEL, ONNX = "saved-model", "onnx"  # the runtimes a signature can be computed by


class RequestError(Exception):
    """A request the server refuses; `status` is the HTTP status code, the message says what to change."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def shape_text(shape: tf.TensorShape | tuple[int | None, ...]) -> str:
    """[-1, 8, 8, 1]: the way TF Serving and KServe write a shape, -1 for any size."""
    dims = tf.TensorShape(shape)
    if dims.rank is None:
        return "any shape"
    return "[" + ", ".join("-1" if size is None else str(size) for size in dims.as_list()) + "]"


Compute = Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]]  # checked inputs -> outputs, by name


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: request batches are kept per signature
class Signature:
    """A serving signature: named input specs, named output specs and the runtime computing one from the other."""

    name: str
    compute: Compute  # raises RequestError(400) for inputs the model refuses
    inputs: dict[str, tf.TensorSpec]
    outputs: dict[str, tf.TensorSpec]
    runtime: str = SAVED_MODEL

    @classmethod
    def of(cls, name: str, function: Any) -> Signature:
        """Read the specs of one entry of `loaded.signatures`; the SavedModel's graph function computes it."""
        _, inputs = function.structured_input_signature
        return cls(name, saved_model_compute(function), dict(sorted(inputs.items())),
                   dict(sorted(function.structured_outputs.items())))

    def to_array(self, input_name: str, value: Any) -> np.ndarray:
        """A JSON value (nested lists of numbers) as an array of the input's dtype; any shape."""
        if input_name not in self.inputs:
            raise RequestError(400, f"signature '{self.name}' has no input '{input_name}'; its inputs are: "
                               f"{', '.join(self.inputs)}")
        return json_to_array(value, self.inputs[input_name].dtype, f"input '{input_name}'")

    def check(self, arrays: dict[str, np.ndarray]) -> None:
        """400 unless `arrays` names every input once and each has the input's shape."""
        missing = [name for name in self.inputs if name not in arrays]
        unknown = [name for name in arrays if name not in self.inputs]
        if missing or unknown:
            raise RequestError(400, f"signature '{self.name}' takes the inputs {', '.join(self.inputs)}; "
                               f"missing: {', '.join(missing) or 'none'}, unknown: {', '.join(unknown) or 'none'}")
        for name, array in arrays.items():
            check_shape(name, array, self.inputs[name].shape)

    def run(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Check every input, compute once, return the outputs as arrays sorted by name."""
        self.check(arrays)
        return self.compute(arrays)


@dataclass(frozen=True)
class Call:
    """A checked request: its signature, its input arrays, and how the API writes the outputs as its answer."""

    signature: Signature
    arrays: dict[str, np.ndarray]
    answer: Callable[[dict[str, np.ndarray]], dict[str, Any]]

    def run(self) -> dict[str, Any]:
        """Compute the signature on this request alone and answer."""
        return self.answer(self.signature.compute(self.arrays))


def examples_in(arrays: dict[str, np.ndarray]) -> int:
    """Examples in a request: the first dimension of its inputs (1 for scalars)."""
    first = next(iter(arrays.values()), None)
    return int(first.shape[0]) if first is not None and first.ndim else 1


def saved_model_compute(function: Any) -> Compute:
    """Call a SavedModel's graph function on numpy arrays; its refusals become 400s."""

    def compute(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        try:
            results = function(**{name: tf.constant(array) for name, array in arrays.items()})
        except tf.errors.InvalidArgumentError as error:  # e.g. inputs whose batch sizes differ
            raise RequestError(400, f"the model refused the inputs: {first_line(error.message)}") from None
        return {name: tensor.numpy() for name, tensor in sorted(results.items())}

    return compute


@dataclass(frozen=True, eq=False)
class Servable:
    """A loaded version of a model."""

    version: int
    path: Path
    signatures: dict[str, Signature]
    signature_defs: dict[str, dict[str, Any]]  # the SignatureDef protos as JSON, for metadata requests
    class_names: tuple[str, ...] = ()
    loaded: Any = field(default=None, repr=False)  # keeps the variables the functions read alive

    @property
    def runtime(self) -> str:
        """What computes the signatures: saved-model or onnx (runtimes.py picks one for a whole version)."""
        return "+".join(sorted({signature.runtime for signature in self.signatures.values()})) or SAVED_MODEL

    def signature(self, name: Any) -> Signature:
        """The signature called `name` (default: serving_default); 404 if the model has none of that name."""
        name = DEFAULT_SIGNATURE if name is None or name == "" else name
        if not isinstance(name, str):
            raise RequestError(400, f"a signature name is a string, such as \"{DEFAULT_SIGNATURE}\"; "
                               f"received {name!r:.100}")
        if name not in self.signatures:
            raise RequestError(404, f"no signature '{name}' in version {self.version}; it has: "
                               f"{', '.join(self.signatures) or 'none'}")
        return self.signatures[name]


def load_servable(path: Path, version: int) -> Servable:
    """Load one SavedModel version folder; raises ValueError or a TensorFlow error if it cannot be served."""
    if not (path / "saved_model.pb").is_file():
        raise ValueError("no saved_model.pb in the version folder")
    loaded = tf.saved_model.load(str(path))
    signatures = {name: Signature.of(name, function) for name, function in sorted(loaded.signatures.items())}
    if not signatures:
        raise ValueError("the SavedModel has no serving signatures")
    return Servable(version, path, signatures, read_signature_defs(path), read_class_names(path), loaded)


def read_signature_defs(path: Path) -> dict[str, dict[str, Any]]:
    """The SignatureDefs of saved_model.pb, printed the way TF Serving prints them (its metadata API)."""
    from google.protobuf import json_format
    from tensorflow.core.protobuf import saved_model_pb2

    saved_model = saved_model_pb2.SavedModel()
    saved_model.ParseFromString((path / "saved_model.pb").read_bytes())
    definitions = saved_model.meta_graphs[0].signature_def
    return {name: json_format.MessageToDict(definitions[name], preserving_proto_field_name=True,
                                            always_print_fields_with_no_presence=True)
            for name in sorted(definitions)}


def read_class_names(path: Path) -> tuple[str, ...]:
    """The class names from classicnets.json beside the SavedModel, if the exporter wrote them; else ()."""
    try:
        names = json.loads((path / "classicnets.json").read_text()).get("class_names", ())
    except (OSError, ValueError, AttributeError):
        return ()
    return tuple(str(name) for name in names) if isinstance(names, list) else ()


def json_to_array(value: Any, dtype: tf.DType, what: str) -> np.ndarray:
    """Nested JSON lists as an array of `dtype`: numbers only, rectangular, within the dtype's range, finite."""
    try:
        array = np.asarray(value)
    except (ValueError, RecursionError):  # ragged lists, or more than 64 dimensions
        raise RequestError(400, f"{what} is not a rectangular array of numbers") from None
    target = np.dtype(dtype.as_numpy_dtype)
    allowed = {"b": "b", "i": "iu", "u": "iu", "f": "iuf"}.get(target.kind, "")  # a float input takes ints too
    if array.size and array.dtype.kind not in allowed:
        expected = "true/false values" if target.kind == "b" else f"{dtype.name} numbers"
        raise RequestError(400, f"{what} needs {expected}; received {describe_values(array)}")
    if target.kind in "iu" and array.size and array.dtype.kind in "iu":
        limits = np.iinfo(target)
        if array.min() < limits.min or array.max() > limits.max:
            raise RequestError(400, f"{what} needs {dtype.name} values from {limits.min} to {limits.max}")
    converted = array.astype(target, copy=False)
    if target.kind == "f" and converted.size and not np.isfinite(converted).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(converted))[0])
        raise RequestError(400, f"{what} holds {float(array[where])!r} at index {list(where)}; inputs must be finite numbers "
                           f"(NaN, Infinity and values beyond the {dtype.name} range are refused)")
    return converted


def describe_values(array: np.ndarray) -> str:
    """What a JSON value turned out to be, in the user's words."""
    kinds = {"U": "strings", "f": "floating-point numbers", "i": "integers", "u": "integers", "b": "true/false"}
    return kinds.get(array.dtype.kind, "values that are not all numbers (null, objects or numbers too large)")


def check_shape(name: str, array: np.ndarray, expected: tf.TensorShape) -> None:
    """400 naming the expected shape unless `array` fits it (-1 dimensions take any size)."""
    if expected.rank is None or tf.TensorShape(array.shape).is_compatible_with(expected):
        return
    raise RequestError(400, f"input '{name}' needs shape {shape_text(expected)} (-1: any size); "
                       f"received {shape_text(array.shape)}")


def first_line(text: str) -> str:
    """The first line of an error message, at most 300 characters."""
    return (text.strip().splitlines() or [""])[0][:300]
