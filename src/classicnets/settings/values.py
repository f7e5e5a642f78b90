"""Settings checked against the dataclass that holds them: known keys only, and values of the field's type (a
config file or a Python call can hold anything; the command line's flags are typed by argparse)."""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Mapping

from classicnets.config import check_keys
from classicnets.errors import UserError

WORDS = {bool: "true or false", int: "a whole number", float: "a number", str: "a string", type(None): "absent"}
ITEMS = {int: "whole numbers", float: "numbers", str: "strings"}


def typed_values(cls: type, values: Mapping[str, Any], where: str = "") -> dict[str, Any]:
    """`values` for dataclass `cls`, lists made tuples and whole numbers floats where `cls` holds those; an
    unknown key or a value of the wrong type is a UserError naming it (and `where` it is: a file, a section)."""
    check_keys(dict(values), [field.name for field in dataclasses.fields(cls)], where or cls.__name__)
    hints = typing.get_type_hints(cls)
    checked = {}
    for name, value in values.items():
        hint = _fitting(hints[name], value)
        if hint is None:
            place = f"{where}: " if where else ""
            raise UserError(f"{place}{name} must be {described(hints[name])}. Received: {name}={value!r}")
        checked[name] = _converted(hint, value)
    return checked


def _arms(hint: Any) -> tuple[Any, ...]:
    """The types of a union (str | None -> str, NoneType); a plain type alone."""
    return typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)


def _fitting(hint: Any, value: Any) -> Any:
    """The arm of `hint` that `value` is an instance of, or None."""
    return next((arm for arm in _arms(hint) if _fits(arm, value)), None)


def _fits(hint: Any, value: Any) -> bool:
    """Whether `value` is of the plain type `hint` (bool is not a number here; any number is a float)."""
    if hint in (int, float) and isinstance(value, bool):
        return False
    if hint is float:
        return isinstance(value, (int, float))
    if hint in WORDS:
        return isinstance(value, hint)
    if typing.get_origin(hint) is tuple:
        items = typing.get_args(hint)
        if not isinstance(value, (list, tuple)):
            return False
        if len(items) == 2 and items[1] is Ellipsis:
            return all(_fitting(items[0], item) is not None for item in value)
        return len(value) == len(items) and all(_fitting(arm, item) is not None for arm, item in zip(items, value))
    return True  # types these settings do not use are left to the code that reads them


def _converted(hint: Any, value: Any) -> Any:
    """`value` as the dataclass holds it: a tuple for a list, a float for a whole number where a float is wanted."""
    if hint is float:
        return float(value)
    if typing.get_origin(hint) is tuple:
        items = typing.get_args(hint)
        arms = [items[0]] * len(value) if len(items) == 2 and items[1] is Ellipsis else list(items)
        return tuple(_converted(_fitting(arm, item), item) for arm, item in zip(arms, value))
    return value


def described(hint: Any) -> str:
    """What a value of type `hint` looks like, in words: 'a whole number', 'a list of 2 whole numbers'."""
    words = [_described_one(arm) for arm in _arms(hint) if arm is not type(None)]
    return " or ".join(words) or "absent"


def _described_one(hint: Any) -> str:
    if typing.get_origin(hint) is tuple:
        items = typing.get_args(hint)
        count = "" if len(items) == 2 and items[1] is Ellipsis else f"{len(items)} "
        return f"a list of {count}{ITEMS.get(items[0], 'values')}"
    return WORDS.get(hint, getattr(hint, "__name__", str(hint)))
