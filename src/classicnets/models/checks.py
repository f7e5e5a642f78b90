"""Option checks and choices shared by the model families' options (no TensorFlow needed to check them)."""

from __future__ import annotations

from classicnets.errors import UserError

ACTIVATIONS = ("relu", "elu", "gelu", "selu", "tanh", "sigmoid", "leaky_relu", "swish")
INITIALIZERS = ("he_normal", "glorot_uniform", "random_normal")
CELLS = ("simple", "lstm", "gru")  # recurrent cells


def check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    """Raise a UserError when `value` is not one of `choices`."""
    if value not in choices:
        raise UserError(f"unknown {name} {value!r}; choose one of {', '.join(choices)}")


def check_positive(name: str, values: tuple[int, ...] | int) -> None:
    """Raise a UserError unless every size is a positive integer."""
    for value in values if isinstance(values, tuple) else (values,):
        if value < 1:
            raise UserError(f"{name} must be positive integers. Received: {name}={values}")


def check_rate(name: str, value: float) -> None:
    """Raise a UserError unless 0 <= value < 1."""
    if not 0 <= value < 1:
        raise UserError(f"{name} must be in [0, 1). Received: {name}={value}")
