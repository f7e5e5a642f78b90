"""Model families; importing this package registers them all."""

# Registration order is the listing order: the order the notes teach them.
from classicnets.models import softmax, mlp, cnn, rnn  # noqa: F401,I001
from classicnets.models import linear, tabular  # noqa: F401,I001
from classicnets.models import autoencoder  # noqa: F401,I001
from classicnets.models import ae_classifier  # noqa: F401,I001
from classicnets.models import autocomplete, seq2seq  # noqa: F401,I001
from classicnets.models import gan  # noqa: F401,I001
from classicnets.models.registry import ModelSpec, describe_options, get_spec, make_options, model_names

__all__ = ["ModelSpec", "describe_options", "get_spec", "make_options", "model_names", "build_model"]


def build_model(name: str, options: dict, input_shape: tuple[int, ...], num_classes: int, extra: dict | None = None):
    """Build model `name` with option values from a dict (unknown options are an error); `extra` is the
    dataset's extra facts (vocabularies...), passed to models that declare uses_extra."""
    spec = get_spec(name)
    if spec.uses_extra:
        return spec.build(make_options(spec, options), tuple(input_shape), num_classes, extra=extra or {})
    return spec.build(make_options(spec, options), tuple(input_shape), num_classes)
