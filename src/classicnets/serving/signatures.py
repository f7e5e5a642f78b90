"""What an exported model serves: each model family's signatures, named inputs in and named outputs out, as
TensorFlow functions over the trained Keras model, with the run's input scaling inside the graph.

Every signature also has a reference: the same outputs computed the way classicnets computes them (the Keras
model called eagerly on inputs prepared in numpy, as predict, generate, complete and translate do). The export
check compares the exported files against the reference, so a scaling or decoding mistake in the graph fails it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import keras
import numpy as np
import tensorflow as tf

from classicnets.config import RunConfig
from classicnets.data.arrays import scale_features
from classicnets.data.tokens import END, PAD, START, UNKNOWN
from classicnets.models import task_of
from classicnets.models.tasks import get_task
from classicnets.models.linear import DECISION_THRESHOLD, classes_from_scores

NEVER_NEXT = (PAD, START, UNKNOWN)  # tokens a translation cannot continue with (as classicnets.use.translation)


@dataclass(frozen=True)
class TensorInfo:
    """One named input or output: shape with None for any size (the batch first) and dtype name."""

    name: str
    shape: tuple[int | None, ...]
    dtype: str

    def spec(self) -> tf.TensorSpec:
        """The tf.TensorSpec of this input."""
        return tf.TensorSpec(self.shape, tf.as_dtype(self.dtype), name=self.name)

    def describe(self) -> dict[str, Any]:
        """JSON facts: shape (null for any size) and dtype."""
        return {"shape": list(self.shape), "dtype": self.dtype}


@dataclass(frozen=True)
class Signature:
    """A served function: `graph(*inputs)` and `reference(*arrays)` both give {output name: values}."""

    name: str
    inputs: tuple[TensorInfo, ...]
    graph: Callable[..., dict[str, tf.Tensor]]
    reference: Callable[..., dict[str, np.ndarray]]
    about: str


@dataclass(frozen=True)
class FeatureScaling:
    """The run's min-max scaling of table features: CSV units outside, the model's [0, 1] units inside. Runs on
    images (or on features stored already scaled) have none: every method then gives its input back."""

    minimum: np.ndarray | None = None  # (F,)
    span: np.ndarray | None = None  # (F,), 1 where a feature was constant (as data.arrays.scale_features)

    @classmethod
    def of(cls, info: dict[str, Any]) -> "FeatureScaling":
        """The scaling of a run: min-max for a table, none for other data."""
        if "feature_min" not in info:
            return cls()
        low, high = np.asarray(info["feature_min"], np.float64), np.asarray(info["feature_max"], np.float64)
        return cls(low, np.where(high > low, high - low, 1.0))

    @property
    def applies(self) -> bool:
        return self.minimum is not None

    def to_model(self, features: tf.Tensor) -> tf.Tensor:
        """(B, F) CSV units -> model units, in the graph."""
        if not self.applies:
            return features
        return (features - tf.constant(self.minimum, tf.float32)) / tf.constant(self.span, tf.float32)

    def from_model(self, values: tf.Tensor) -> tf.Tensor:
        """(B, F) model units -> CSV units, in the graph (an autoencoder's reconstructions)."""
        if not self.applies:
            return values
        return values * tf.constant(self.span, tf.float32) + tf.constant(self.minimum, tf.float32)

    def scale(self, rows: np.ndarray) -> np.ndarray:
        """(N, F) CSV units -> model units, the way classicnets' predict does it."""
        return scale_features(rows, self.minimum, self.minimum + self.span) if self.applies else rows

    def unscale(self, values: np.ndarray) -> np.ndarray:
        """(N, F) model units -> CSV units, in numpy."""
        return (values * self.span + self.minimum).astype(np.float32) if self.applies else values


def _call(model: Any, *inputs: Any) -> np.ndarray:
    """The Keras model's eager output as float32 numpy."""
    return np.asarray(model(*inputs, training=False), dtype=np.float32)


def _float(values: Any) -> tf.Tensor:
    return tf.cast(values, tf.float32)


def classifier_signatures(model: Any, config: RunConfig) -> list[Signature]:
    """Images in [0, 1] (or table features in CSV units) -> class probabilities and the most likely class."""
    info = config.data_info
    scaling = FeatureScaling.of(info)
    name = "images" if info.get("is_image", True) else "features"
    inputs = (TensorInfo(name, (None, *info["input_shape"]), "float32"),)

    def graph(x: tf.Tensor) -> dict[str, tf.Tensor]:
        probabilities = _float(model(scaling.to_model(x), training=False))  # (B, K)
        return {"probabilities": probabilities, "classes": tf.argmax(probabilities, axis=-1)}

    def reference(x: np.ndarray) -> dict[str, np.ndarray]:
        probabilities = _call(model, scaling.scale(x))
        return {"probabilities": probabilities, "classes": probabilities.argmax(axis=1).astype(np.int64)}

    unit = "CSV units" if scaling.applies else "[0, 1]"
    return [Signature("serving_default", inputs, graph, reference,
                      f"{name} ({unit}) -> class probabilities (B, classes) and the most likely class index")]


def linear_classifier_signatures(model: Any, config: RunConfig) -> list[Signature]:
    """Features in CSV units -> scores Wx + b and the class (one score: class 1 above 0.5; else the highest)."""
    scaling = FeatureScaling.of(config.data_info)
    inputs = (TensorInfo("features", (None, *config.data_info["input_shape"]), "float32"),)

    def graph(features: tf.Tensor) -> dict[str, tf.Tensor]:
        scores = _float(model(scaling.to_model(features), training=False))  # (B, S)
        if scores.shape[-1] == 1:
            classes = tf.cast(scores[:, 0] > DECISION_THRESHOLD, tf.int64)
        else:
            classes = tf.argmax(scores, axis=-1)
        return {"scores": scores, "classes": classes}

    def reference(features: np.ndarray) -> dict[str, np.ndarray]:
        scores = _call(model, scaling.scale(features))
        return {"scores": scores, "classes": classes_from_scores(scores).astype(np.int64)}

    return [Signature("serving_default", inputs, graph, reference,
                      "features (CSV units) -> scores (B, 1 or classes) and the class index")]


def regression_signatures(model: Any, config: RunConfig) -> list[Signature]:
    """Features in CSV units -> the predicted value in the target's units."""
    scaling = FeatureScaling.of(config.data_info)
    inputs = (TensorInfo("features", (None, *config.data_info["input_shape"]), "float32"),)

    def graph(features: tf.Tensor) -> dict[str, tf.Tensor]:
        values = _float(model(scaling.to_model(features), training=False))  # (B, 1)
        return {"predictions": values[:, 0]}

    def reference(features: np.ndarray) -> dict[str, np.ndarray]:
        return {"predictions": _call(model, scaling.scale(features))[:, 0]}

    return [Signature("serving_default", inputs, graph, reference,
                      "features (CSV units) -> predictions (B,) in the target's units")]


def autoencoder_signatures(model: Any, config: RunConfig) -> list[Signature]:
    """Reconstructions of inputs (serving_default), their codes (encode) and what codes decode to (decode)."""
    info = config.data_info
    scaling = FeatureScaling.of(info)
    name = "images" if info.get("is_image", True) else "features"
    data = TensorInfo(name, (None, *info["input_shape"]), "float32")
    codes = TensorInfo("codes", (None, getattr(model, "code_size", 0)), "float32")

    def reconstruct(x: tf.Tensor) -> dict[str, tf.Tensor]:
        return {"reconstructions": scaling.from_model(_float(model(scaling.to_model(x), training=False)))}

    def encode(x: tf.Tensor) -> dict[str, tf.Tensor]:
        return {"codes": _float(model.encode(scaling.to_model(x), training=False))}

    def decode(code: tf.Tensor) -> dict[str, tf.Tensor]:
        return {"reconstructions": scaling.from_model(_float(model.decoder(code, training=False)))}

    unit = "CSV units" if scaling.applies else "[0, 1]"
    served = Signature("serving_default", (data,), reconstruct,
                       lambda x: {"reconstructions": scaling.unscale(_call(model, scaling.scale(x)))},
                       f"{name} ({unit}) -> reconstructions, same shape and units")
    if not hasattr(model, "encode"):  # a user's autoencoder network: no encoder or decoder of its own to serve
        return [served]
    return [
        served,
        Signature("encode", (data,), encode, lambda x: {"codes": _call(model.encode, scaling.scale(x))},
                  f"{name} ({unit}) -> codes (B, code size); a variational autoencoder gives the code's mean"),
        Signature("decode", (codes,), decode,
                  lambda code: {"reconstructions": scaling.unscale(_call(model.decoder, code))},
                  f"codes -> what they decode to ({unit}); a variational autoencoder draws new samples from "
                  "codes ~ N(0, 1)"),
    ]


def gan_signatures(model: Any, config: RunConfig) -> list[Signature]:
    """Noise (and, for a cgan, class labels) -> images in [0, 1]."""
    noise = TensorInfo("noise", (None, model.noise_dim), "float32")
    if not model.conditional:
        return [Signature("serving_default", (noise,), lambda z: {"images": _float(model.generate(z))},
                          lambda z: {"images": np.asarray(model.generate(z), np.float32)},
                          "noise ~ N(0, 1) (B, noise size) -> images (B, H, W, C) in [0, 1]")]
    labels = TensorInfo("labels", (None,), "int32")
    return [Signature("serving_default", (noise, labels),
                      lambda z, y: {"images": _float(model.generate(z, y))},
                      lambda z, y: {"images": np.asarray(model.generate(z, y), np.float32)},
                      "noise ~ N(0, 1) (B, noise size) and class indices (B,) -> images (B, H, W, C) in [0, 1]")]


def autocomplete_signatures(model: Any, config: RunConfig) -> list[Signature]:
    """Letter ids (<start> first, 0 for padding) -> the next letter's probabilities after each position."""
    tokens = TensorInfo("tokens", (None, None), "int32")

    def graph(ids: tf.Tensor) -> dict[str, tf.Tensor]:
        return {"probabilities": _float(model(ids, training=False))}  # (B, T, vocabulary)

    return [Signature("serving_default", (tokens,), graph, lambda ids: {"probabilities": _call(model, ids)},
                      "token ids (B, T) int32: <start> (1), then letter ids (assets/vocabulary.json), 0 for "
                      "padding -> probabilities (B, T, vocabulary) of the token after each position")]


def seq2seq_signatures(model: Any, config: RunConfig) -> list[Signature]:
    """Greedy translation of source ids (serving_default) and one decoder step (next_token)."""
    extra = config.data_info["extra"]
    source_length, steps = int(extra["source_length"]), int(extra["target_length"]) + 3  # letters, <end>, spare
    source = TensorInfo("source_ids", (None, source_length), "int32")
    target = TensorInfo("target_ids", (None, None), "int32")

    def next_token(source_ids: tf.Tensor, target_ids: tf.Tensor) -> dict[str, tf.Tensor]:
        return {"probabilities": _float(model(tf.concat([source_ids, target_ids], axis=1), training=False))}

    def next_token_reference(source_ids: np.ndarray, target_ids: np.ndarray) -> dict[str, np.ndarray]:
        return {"probabilities": _call(model, np.concatenate([source_ids, target_ids], axis=1))}

    return [
        Signature("serving_default", (source,), lambda source_ids: greedy_translation(model, source_ids, steps),
                  lambda source_ids: translation_reference(model, source_ids, steps),
                  f"source letter ids (B, {source_length}) int32, 0 for padding -> output_ids (B, {steps}) int32 "
                  "(target letter ids, <end> (2), then 0) and the probability (B,) of that output"),
        Signature("next_token", (source, target), next_token, next_token_reference,
                  "source ids and <start> + the translation so far (B, T) -> probabilities (B, T, vocabulary) "
                  "of the next target letter after each position"),
    ]


def greedy_translation(model: Any, source_ids: tf.Tensor, steps: int) -> dict[str, tf.Tensor]:
    """classicnets.use.translation.greedy_decode in the graph, as one loop of `steps` letters over a fixed-width row
    of decoder ids: the decoder reads left to right and masks padding, so its output at position i does not
    depend on the (padding) ids after i, and the loop's shapes stay fixed (one copy of the model in the graph)."""
    batch = tf.shape(source_ids)[0]
    vocabulary = model.settings["target_vocabulary_size"]
    allowed = tf.constant([0.0 if token in NEVER_NEXT else 1.0 for token in range(vocabulary)])  # (V,)
    decoded = tf.concat([tf.fill([batch, 1], START), tf.fill([batch, steps], PAD)], axis=1)  # (B, 1 + steps)
    positions = tf.range(steps + 1)

    def step(index, decoded, log_probability, done):
        probabilities = _float(model(tf.concat([source_ids, decoded], axis=1), training=False))  # (B, 1 + steps, V)
        last = tf.gather(probabilities, index, axis=1) * allowed  # (B, V): after the ids up to `index`
        chosen = tf.argmax(last, axis=-1, output_type=tf.int32)  # (B,)
        chosen_probability = tf.gather(last, chosen, batch_dims=1)
        log_probability += tf.where(done, 0.0, tf.math.log(tf.maximum(chosen_probability, 1e-30)))
        chosen = tf.where(done, PAD, chosen)
        decoded += chosen[:, None] * tf.cast(tf.equal(positions, index + 1), tf.int32)[None, :]  # at index + 1
        return index + 1, decoded, log_probability, tf.logical_or(done, tf.equal(chosen, END))

    start = (tf.constant(0), decoded, tf.zeros([batch]), tf.zeros([batch], tf.bool))
    _, decoded, log_probability, _ = tf.while_loop(lambda index, *_: index < steps, step, start)
    return {"output_ids": decoded[:, 1:], "probability": tf.exp(log_probability)}


def translation_reference(model: Any, source_ids: np.ndarray, steps: int) -> dict[str, np.ndarray]:
    """What `classicnets translate` decodes, padded to `steps` letters."""
    from classicnets.use.translation import greedy_decode

    decoded, log_probability = greedy_decode(model, source_ids.astype(np.int32), steps - 1)
    padded = np.full((len(source_ids), steps), PAD, np.int32)
    padded[:, :decoded.shape[1]] = decoded
    return {"output_ids": padded, "probability": np.exp(log_probability).astype(np.float32)}


def signatures_of(model: keras.Model, config: RunConfig) -> list[Signature]:
    """The signatures an export of this run serves; serving_default first."""
    return get_task(task_of(config)).signature_builder(model, config)
