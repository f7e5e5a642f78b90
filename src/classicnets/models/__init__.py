"""Every model family, in the order the notes teach them (the order of listings and of the zoo)."""

from typing import Any

from classicnets.errors import UserError
from classicnets.models import (ae_classifier, autocomplete, autoencoder, cnn, gan, linear, mlp, network, rnn, seq2seq,
                                softmax, tabular)
from classicnets.models.registry import ModelSpec, describe_options, make_options

__all__ = ["FAMILIES", "ModelSpec", "describe_options", "get_spec", "make_options", "model_names", "build_model", "task_of"]

FAMILIES: dict[str, ModelSpec] = {spec.name: spec for spec in (
    softmax.SPEC, mlp.SPEC, cnn.SPEC, rnn.SPEC,
    linear.REGRESSION, linear.CLASSIFIER, tabular.SPEC,
    autoencoder.SPEC, ae_classifier.SPEC,
    autocomplete.SPEC, seq2seq.SPEC,
    gan.GAN, gan.CGAN,
    network.SPEC,
)}


def model_names() -> list[str]:
    """Names of all model families, in the notes' order."""
    return list(FAMILIES)


def get_spec(name: str) -> ModelSpec:
    """Find a model family by name, or say which names exist."""
    if name not in FAMILIES:
        raise UserError(f"unknown model {name!r}; choose one of: {', '.join(FAMILIES)}")
    return FAMILIES[name]


def task_of(config: Any) -> str:
    """The kind of job of a run (a RunConfig): how it is judged, served and used."""
    return get_spec(config.model).task_for(config.model_options)


def build_model(name: str, options: dict, input_shape: tuple[int, ...], num_classes: int, extra: dict | None = None):
    """Build model `name` with option values from a dict (unknown options are an error); `extra` is the
    dataset's extra facts (vocabularies...), passed to models that declare uses_extra."""
    spec = get_spec(name)
    if spec.uses_extra:
        return spec.build(make_options(spec, options), tuple(input_shape), num_classes, extra=extra or {})
    return spec.build(make_options(spec, options), tuple(input_shape), num_classes)
