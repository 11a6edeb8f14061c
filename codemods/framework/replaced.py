"""`replaced(owner, name, value)`: an attribute of a library's class or module swapped for the length of a block."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def replaced(owner: object, name: str, value: object) -> Iterator[None]:
    """`owner.name` is `value` within the block, and what it was after it (whatever happens). A block
    entered while it is `value` already (nested) leaves it to the outer one."""
    before = getattr(owner, name)
    if before is value:
        yield
        return
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, before)
