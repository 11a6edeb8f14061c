"""What one Python file says, as plain frozen values: imports, top-level bindings, strings that name code.

Facts are extracted once per file content (see `refactor.reading.extract`) and cached by content hash, so
everything here is JSON-serialisable. They do not depend on the plan, except that facts parsed for a
search may leave out top-level defs and classes that mention nothing it is about (`skipped`, `focus`;
see `refactor.reading.chunks`): every top-level name is still bound, and every import line still counted.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, NamedTuple

# Where an import or reference sits. "module" = top level, else the enclosing def's name.
MODULE_SCOPE = ""


class ImportFact(NamedTuple):
    line: int
    module: str            # absolute target module ("" when a relative import escapes the top package)
    name: str | None       # None for `import m`; "*" for star imports
    asname: str | None     # the local name bound (None for star); for `import a.b` it is "a"
    level: int             # 0 absolute, >0 relative
    scope: str             # MODULE_SCOPE or the enclosing function's qualified name
    type_checking: bool    # under `if TYPE_CHECKING:`
    try_import: bool       # in the body of a try whose handlers catch ImportError
    fallback: bool         # inside an `except ImportError` handler
    in_class: bool = False


class ClassFact(NamedTuple):
    name: str
    line: int
    end_line: int
    bases: tuple[str, ...]          # dotted expressions as written; "<expr>" for anything else
    metaclass: str | None
    methods: tuple[str, ...]
    substance: tuple[str, ...]      # what the body adds beyond a docstring/pass/trivial __init__/__new__
    new_returns: str | None         # `__new__` returns `X(...)`: the dotted X
    new_raises: bool                # `__new__` raises
    composes: tuple[str, ...]       # `self.x = X(...)` in `__init__`: the dotted Xs
    returns: tuple[str, ...]        # dotted callees of `return X(...)` in methods
    abstract: bool


class AssignFact(NamedTuple):
    name: str
    line: int
    end_line: int
    value: str                      # "ref" | "type_call" | "none" | "call" | "other"
    target: str | None              # dotted name for "ref" / callee for "call"
    type_bases: tuple[str, ...] = ()
    type_namespace_empty: bool = True


class FunctionFact(NamedTuple):
    name: str
    line: int
    end_line: int
    returns: tuple[str, ...]        # dotted callees/names of return statements


class Binding(NamedTuple):
    """A name bound at module level (also inside module-level if/try blocks)."""

    name: str
    line: int
    kind: str                       # "class" | "assign" | "function" | "import"
    type_checking: bool = False
    fallback: bool = False          # bound in an `except ImportError` handler
    conditional: bool = False       # inside if/try/with at module level


class TopStatement(NamedTuple):
    line: int
    kind: str                       # import | docstring | all | logger | pass | warn | alias | class | def
    #                                 | assign | other (alias: `X = Y`; names: what it binds)
    names: tuple[str, ...] = ()


class AttributeRef(NamedTuple):
    line: int
    base: str                       # local name bound by an import
    path: str                       # dotted attributes after the base
    scope: str = MODULE_SCOPE


class StringRef(NamedTuple):
    line: int
    kind: str                       # patch | patch_object | patch_multiple | import_module | getattr | dotted | path
    #                                 | module_var (`base = importlib.import_module(value)`)
    value: str | None               # the string (dotted target, module, path) or None when not literal
    base: str | None = None         # patch_object/getattr: the dotted first argument
    attrs: tuple[str, ...] = ()     # patch_multiple keywords / patch_object attribute
    scope: str = MODULE_SCOPE


@dataclass(frozen=True)
class FileFacts:
    path: str
    module: str
    is_package: bool
    full: bool                      # False: only `imported_modules` is known (light scan)
    error: str | None = None        # "path:line: message" when the file could not be read or parsed
    imported_modules: tuple[str, ...] = ()
    imports: tuple[ImportFact, ...] = ()
    classes: tuple[ClassFact, ...] = ()
    assigns: tuple[AssignFact, ...] = ()
    functions: tuple[FunctionFact, ...] = ()
    bindings: tuple[Binding, ...] = ()
    toplevel: tuple[TopStatement, ...] = ()
    all_names: tuple[tuple[str, int], ...] | None = None
    attributes: tuple[AttributeRef, ...] = ()
    strings: tuple[StringRef, ...] = ()
    parser: str = "ast"             # "ast" or "libcst" (syntax newer than the running Python)
    # names a module's `__getattr__` hook hands out at run time (PEP 562, or a `ModuleType` subclass put in
    # its place in `sys.modules`): (name, line of the test); the tables of other modules it reads (module,
    # name), whose keys it hands out too; and whether it has such a hook at all
    dynamic_names: tuple[tuple[str, int], ...] = ()
    dynamic_tables: tuple[tuple[str, str], ...] = ()
    dynamic_hook: bool = False
    # byte ranges of top-level defs and classes left unparsed because they mention nothing the search
    # that asked was about (see `refactor.reading.chunks`): only their names are known (bindings, toplevel)
    skipped: tuple[tuple[int, int], ...] = ()
    focus: tuple = ()                # the search they were parsed for (`chunks.Focus.key()`); () for a whole parse
    # with a module-level star import: names read as globals that no binding of the file provides (what the
    # stars must provide), with the first line each is read on
    star_uses: tuple[tuple[str, int], ...] = ()

    def to_json(self) -> dict[str, Any]:
        out = {}
        for spec in _FIELDS:
            value = getattr(self, spec.name)
            out[spec.name] = [item._asdict() for item in value] if spec.name in _NESTED else value
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileFacts:
        values = dict(data)
        for key, item_type in _NESTED.items():
            values[key] = tuple(item_type(**_tuples(item)) for item in values.get(key, ()))
        values["imported_modules"] = tuple(values.get("imported_modules", ()))
        for key in ("all_names", "dynamic_names", "dynamic_tables", "skipped", "star_uses"):
            if values.get(key) is not None:
                values[key] = tuple((first, second) for first, second in values[key])
        return cls(**values)

    def to_tuple(self) -> tuple:
        """A flat, fast form for the cache and for worker processes (primitives, tuples, lists only)."""
        out = []
        for spec in _FIELDS:
            value = getattr(self, spec.name)
            if spec.name in _NESTED:
                value = [tuple(item) for item in value]
            out.append(value)
        return tuple(out)

    @classmethod
    def from_tuple(cls, data: tuple | list) -> FileFacts:
        values = {}
        for spec, value in zip(_FIELDS, data):
            if spec.name in _NESTED:
                make = _NESTED[spec.name]._make
                value = tuple(make(item) for item in value)   # marshal keeps the inner tuples as tuples
            elif spec.name in ("all_names", "dynamic_names", "dynamic_tables", "skipped", "star_uses") \
                    and value is not None:
                value = tuple((first, second) for first, second in value)
            elif isinstance(value, list):
                value = tuple(value)
            values[spec.name] = value
        return cls(**values)

    def class_named(self, name: str) -> ClassFact | None:
        return next((c for c in self.classes if c.name == name), None)

    def assign_named(self, name: str) -> AssignFact | None:
        return next((a for a in self.assigns if a.name == name), None)

    def function_named(self, name: str) -> FunctionFact | None:
        return next((f for f in self.functions if f.name == name), None)


def _tuples(item: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in item.items()}


_NESTED: dict[str, type] = {
    "imports": ImportFact,
    "classes": ClassFact,
    "assigns": AssignFact,
    "functions": FunctionFact,
    "bindings": Binding,
    "toplevel": TopStatement,
    "attributes": AttributeRef,
    "strings": StringRef,
}

_FIELDS = dataclasses.fields(FileFacts)
