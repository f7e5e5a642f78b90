"""Option checks and choices shared by the model families' options (no TensorFlow needed to check them)."""

from __future__ import annotations

from classicnets.config import check_finite  # noqa: F401  (the families' checks start with it)
from classicnets.errors import UserError

ACTIVATIONS = ("relu", "elu", "gelu", "selu", "tanh", "sigmoid", "leaky_relu", "swish")
INITIALIZERS = ("he_normal", "glorot_uniform", "random_normal")
CELLS = ("simple", "lstm", "gru")  # recurrent cells
# Layer sizes, filters, units and kernel sizes: TensorFlow takes sizes as 32-bit integers, and a layer of 65,536
# units after a 784-pixel input already holds 51 million weights
MAX_SIZE = 65_536


def check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    """Raise a UserError when `value` is not one of `choices`."""
    if value not in choices:
        raise UserError(f"unknown {name} {value!r}; choose one of {', '.join(choices)}")


def check_positive(name: str, values: tuple[int, ...] | int) -> None:
    """Raise a UserError unless every size is a whole number from 1 to MAX_SIZE."""
    for value in values if isinstance(values, tuple) else (values,):
        if not 1 <= value <= MAX_SIZE:
            raise UserError(f"{name} must be positive integers, each at most {MAX_SIZE:,}. Received: {name}={values}")


def check_rate(name: str, value: float) -> None:
    """Raise a UserError unless 0 <= value < 1."""
    if not 0 <= value < 1:
        raise UserError(f"{name} must be in [0, 1). Received: {name}={value}")


def check_at_least(name: str, value: float, low: float, inclusive: bool = True) -> None:
    """Raise a UserError unless value >= low (value > low with inclusive=False)."""
    if not (value >= low if inclusive else value > low):
        bound = f">= {low}" if inclusive else f"greater than {low}"
        raise UserError(f"{name} must be {bound}. Received: {name}={value}")
