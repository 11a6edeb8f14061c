"""`quick_assignment_checks()`: LibCST's scope analysis asks each node's kind once per node type, not once per node.

As its scope analysis leaves each node, LibCST asks whether the node is one of sixteen assignment-like
node types (`isinstance` against a tuple). Node classes are abstract base classes, so for a node of none of
those types the check calls `ABCMeta.__instancecheck__` once per type in the tuple: sixteen Python calls
for most nodes, nine in ten of the ABC checks of an edit of the seed's largest stage. Inside the block
the tuple is replaced by one class whose check answers from the node's type, worked out the first time
that type is asked about, by the tuple itself. Where this LibCST has no such tuple, nothing changes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from libcst.metadata import scope_provider

from codemods.framework.replaced import replaced

_ORIGINAL = getattr(scope_provider, "_ASSIGNMENT_LIKE_NODES", None)
_ANSWERS: dict[type, bool] = {}   # node type -> whether it is one of `_ORIGINAL`'s


class _ByType(type):
    def __instancecheck__(cls, instance: object) -> bool:
        kind = type(instance)
        answer = _ANSWERS.get(kind)
        if answer is None:
            answer = _ANSWERS[kind] = issubclass(kind, _ORIGINAL)
        return answer


class AssignmentLike(metaclass=_ByType):
    """`isinstance(node, AssignmentLike)`: whether `node` is of one of LibCST's assignment-like types."""


def _usable(value: object) -> bool:
    return isinstance(value, tuple) and bool(value) and all(isinstance(kind, type) for kind in value)


@contextlib.contextmanager
def quick_assignment_checks() -> Iterator[None]:
    """Within the block, LibCST's scope analysis asks a node's kind by its type (nested blocks are fine)."""
    current = getattr(scope_provider, "_ASSIGNMENT_LIKE_NODES", None)
    if not _usable(_ORIGINAL) or current not in (_ORIGINAL, AssignmentLike):
        yield
        return
    with replaced(scope_provider, "_ASSIGNMENT_LIKE_NODES", AssignmentLike):
        yield
