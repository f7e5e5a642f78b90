"""Argument helpers shared by the subcommands: flags made from option dataclasses, value parsers."""

from __future__ import annotations

import argparse
import dataclasses
import math
import typing
from typing import Any

from classicnets.config import MAX_IMAGE_SIDE


def int_tuple(text: str) -> tuple[int, ...]:
    """'256,256' -> (256, 256); '' -> ()."""
    try:
        return tuple(int(part) for part in text.replace(" ", "").split(",") if part)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers like 256,128, got {text!r}") from None


def finite_float(text: str) -> float:
    """A number for a float flag; 'nan' and 'inf', which float() accepts, are refused."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number like 0.5 or 1e-3, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number like 0.5 or 1e-3, got {text!r}")
    return value


def image_size(text: str) -> tuple[int, int]:
    """'28' -> (28, 28); '32x24' -> (32, 24) as height x width."""
    parts = text.lower().split("x")
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        sizes = ()
    if len(sizes) == 1:
        sizes = sizes * 2
    if len(sizes) != 2 or min(sizes) < 1 or max(sizes) > MAX_IMAGE_SIDE:
        raise argparse.ArgumentTypeError(f"expected a size like 28 or 32x24 (height x width), each side from 1 to "
                                         f"{MAX_IMAGE_SIDE}, got {text!r}")
    return sizes  # type: ignore[return-value]


def add_dataclass_options(parser: argparse.ArgumentParser, options: type, title: str) -> None:
    """One --flag per dataclass field, with its help, default and choices; defaults stay None (= not given)."""
    group = parser.add_argument_group(title)
    hints = typing.get_type_hints(options)
    for field in dataclasses.fields(options):
        flag = "--" + field.name.replace("_", "-")
        help_text = help_text_of(f"{field.metadata.get('help', '')} (default: {format_default(field.default)})")
        kind = hints[field.name]
        if kind is bool:
            group.add_argument(flag, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        elif typing.get_origin(kind) is tuple:
            group.add_argument(flag, type=int_tuple, default=None, metavar="N,N", help=help_text)
        else:
            parse = finite_float if kind is float else kind
            group.add_argument(flag, type=parse, default=None, choices=field.metadata.get("choices"), help=help_text)


def given_options(args: argparse.Namespace, options: type) -> dict[str, Any]:
    """The dataclass fields the user set on the command line."""
    values = {field.name: getattr(args, field.name, None) for field in dataclasses.fields(options)}
    return {name: value for name, value in values.items() if value is not None}


def help_text_of(text: str) -> str:
    """Text for an argparse `help=`: argparse %-formats help strings, so a literal "%" must be doubled."""
    return text.replace("%", "%%")


def format_default(value: Any) -> str:
    """Defaults the way they are typed on the command line."""
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value) or "''"
    return str(value) or "''"


class PrintConfig(argparse.Action):
    """--print-config: the command prints its resolved settings and exits, so it needs no TensorFlow."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=False, **kwargs)

    def __call__(self, parser: Any, namespace: argparse.Namespace, values: Any, option_string: Any = None) -> None:
        setattr(namespace, self.dest, True)
        namespace.needs_tensorflow = False  # read by cli.main before the command runs


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples in epilogs as written."""
