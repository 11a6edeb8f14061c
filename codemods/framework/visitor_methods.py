"""`known_visitor_methods()`: LibCST finds a batchable visitor's methods once per class, not once per walk.

Before each batched walk (the metadata analyses: expression contexts, parents, positions), LibCST asks each
batchable visitor for its `visit_*`/`leave_*` methods with `inspect.getmembers`, which reads every one of
the several hundred attributes a visitor class has: a few milliseconds per walk, several walks per file.
Inside the block the answer is worked out from the class the first time and read off the instance after:
the attributes whose class value is a plain function (an instance gets it bound, under the function's own
name), a class method or a method already bound. A class with an attribute of another kind that could give
a method (a property, a slot), or an instance holding a method or an attribute of one of those names, is
asked LibCST's way.
"""

from __future__ import annotations

import contextlib
import inspect
import types
from collections.abc import Iterator, Mapping

from libcst._batched_visitor import BatchableCSTVisitor, VisitorMethod

from codemods.framework.replaced import replaced

_ORIGINAL = BatchableCSTVisitor.get_visitors
_NAMES: dict[type, tuple[str, ...] | None] = {}   # class -> names of its visitor methods (None: ask LibCST)
# what an instance gets for these is never a method bound in Python (LibCST keeps only those)
_NEVER_METHODS = (staticmethod, types.WrapperDescriptorType, types.MethodDescriptorType, types.GetSetDescriptorType,
                  types.ClassMethodDescriptorType, types.BuiltinFunctionType, types.MethodWrapperType)


@contextlib.contextmanager
def known_visitor_methods() -> Iterator[None]:
    """Within the block, a batchable visitor's methods are found from its class (nested blocks are fine)."""
    with replaced(BatchableCSTVisitor, "get_visitors", _known):
        yield


def _known(self: BatchableCSTVisitor) -> Mapping[str, VisitorMethod]:
    cls = self.__class__
    if cls not in _NAMES:
        _NAMES[cls] = _method_names(cls)
    names = _NAMES[cls]
    own = getattr(self, "__dict__", {})
    if names is None or any(key in names or inspect.ismethod(value) for key, value in own.items()):
        return _ORIGINAL(self)
    return {name: getattr(self, name) for name in names}


def _method_names(cls: type) -> tuple[str, ...] | None:
    """The names LibCST's `get_visitors` answers for any instance of `cls` with no attributes of its own."""
    names = []
    for name in dir(cls):
        value = inspect.getattr_static(cls, name)
        if isinstance(value, (classmethod, types.MethodType)):
            method = getattr(cls, name)   # (bound: to the class, or already)
        elif isinstance(value, types.FunctionType):
            method = value
        elif isinstance(value, _NEVER_METHODS) or not hasattr(type(value), "__get__"):
            continue   # (a static method is a plain function on an instance: LibCST leaves it out)
        else:
            return None   # a property, a slot or another descriptor: what it gives may vary
        if method.__name__.startswith(("visit_", "leave_")) and not getattr(method, "_is_no_op", False):
            names.append(name)
    return tuple(names)
