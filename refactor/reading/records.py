"""Results made of this tool's own dataclasses, as plain values `marshal` can write, and back.

The cache holds nothing that runs code when read (no pickle): a dataclass instance is written as a list
`[module, class name, *field values]` (a list stands for nothing else here: lists are refused) and read back
only when the class is a dataclass of this tool (`refactor`, `codemods`) whose fields all go through its
constructor. Tuples, dicts, frozensets, strings, bytes, numbers, booleans and None are kept as they are.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
from collections.abc import Callable

_OURS = ("refactor.", "codemods.")
_PLAIN = (str, bytes, int, float, bool, type(None))
_OTHER = object()   # (what `_inside` returns for anything else)


class NotPlain(ValueError):
    """A value that has no plain form here (or a plain form that names no class of ours)."""


def _inside(value: object, each: Callable[[object], object]) -> object:
    """`value` with `each` applied to what it holds, when it is plain or a plain container; else `_OTHER`."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, tuple):
        return tuple(each(v) for v in value)
    if isinstance(value, frozenset):
        return frozenset(each(v) for v in value)
    if isinstance(value, dict):
        return {each(k): each(v) for k, v in value.items()}
    return _OTHER


def to_plain(value: object) -> object:
    plain = _inside(value, to_plain)
    if plain is not _OTHER:
        return plain
    kind = type(value)
    if dataclasses.is_dataclass(value) and kind.__module__.startswith(_OURS):
        fields = dataclasses.fields(value)
        if all(f.init for f in fields):
            return [kind.__module__, kind.__qualname__, *(to_plain(getattr(value, f.name)) for f in fields)]
    raise NotPlain(f"no plain form for a {kind.__name__}")


def from_plain(value: object) -> object:
    if type(value) in _PLAIN:   # (most values: checked before any call)
        return value
    made = _inside(value, from_plain)
    if made is not _OTHER:
        return made
    if isinstance(value, list) and len(value) >= 2 and isinstance(value[0], str) and isinstance(value[1], str):
        kind, count, positional = _our_dataclass(value[0], value[1])
        if len(value) - 2 == count:
            values = [from_plain(v) for v in value[2:]]
            if positional:
                return kind(*values)
            return kind(**dict(zip((f.name for f in dataclasses.fields(kind)), values, strict=True)))
    raise NotPlain(f"not a plain form: {type(value).__name__}")


@functools.cache
def _our_dataclass(module: str, name: str) -> tuple[type, int, bool]:
    """The class, how many fields it has, and whether they all go into its constructor in order."""
    if not module.startswith(_OURS) or "." in name:
        raise NotPlain(f"names no class of this tool: {module!r}, {name!r}")
    try:
        kind = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise NotPlain(f"no class {module}.{name}") from None
    if not (isinstance(kind, type) and dataclasses.is_dataclass(kind) and kind.__module__ == module):
        raise NotPlain(f"{module}.{name} is not a dataclass of this tool")
    fields = dataclasses.fields(kind)
    return kind, len(fields), not any(getattr(f, "kw_only", False) for f in fields)
