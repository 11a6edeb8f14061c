"""`refactor.reading.extract`: the facts one file states: import sites, references, strings, `__all__`, classes, stand-ins."""

from __future__ import annotations

import textwrap

import pytest

from codemods.framework.relative import absolute_module, package_of
from refactor.reading.extract import facts_from_source
from refactor.reading.facts import FileFacts, ImportFact, StringRef


def facts(source: str, module: str = "pkg.sub.mod", is_package: bool = False) -> FileFacts:
    text = textwrap.dedent(source).lstrip("\n")
    path = module.replace(".", "/") + ("/__init__.py" if is_package else ".py")
    return facts_from_source(text, path, module, is_package)


def imp(line, module, name, asname, *, level=0, scope="", type_checking=False, try_import=False,
        fallback=False, in_class=False) -> ImportFact:
    return ImportFact(line, module, name, asname, level, scope, type_checking, try_import, fallback, in_class)


# -- import sites ---------------------------------------------------------------------------

IMPORTS = [
    pytest.param("import a.b.c\n", [imp(1, "a.b.c", None, "a")], id="plain-dotted"),
    pytest.param("import a.b as ab, os\n", [imp(1, "a.b", None, "ab"), imp(1, "os", None, "os")],
                 id="plain-as-and-two-names"),
    pytest.param("from pkg.core import Engine, Motor as M\n",
                 [imp(1, "pkg.core", "Engine", "Engine"), imp(1, "pkg.core", "Motor", "M")], id="from-import"),
    pytest.param("""
        def build():
            from pkg.core import Engine
            return Engine()
        """, [imp(2, "pkg.core", "Engine", "Engine", scope="build")], id="inside-function"),
    pytest.param("""
        async def build():
            def inner():
                import pkg.core
        """, [imp(3, "pkg.core", None, "pkg", scope="build.inner")], id="nested-function-scope"),
    pytest.param("""
        class Holder:
            from pkg.core import Engine
        """, [imp(2, "pkg.core", "Engine", "Engine", in_class=True)], id="inside-class-body"),
    pytest.param("""
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from pkg.core import Engine
        else:
            Engine = None
        """, [imp(1, "typing", "TYPE_CHECKING", "TYPE_CHECKING"),
              imp(3, "pkg.core", "Engine", "Engine", type_checking=True)], id="type-checking"),
    pytest.param("""
        import typing
        if typing.TYPE_CHECKING:
            import pkg.core as core
        """, [imp(1, "typing", None, "typing"), imp(3, "pkg.core", None, "core", type_checking=True)],
        id="typing-dot-type-checking"),
    pytest.param("""
        try:
            from pkg.fast import Engine
        except ImportError:
            from pkg.slow import Engine
        """, [imp(2, "pkg.fast", "Engine", "Engine", try_import=True),
              imp(4, "pkg.slow", "Engine", "Engine", fallback=True)], id="try-except-import-error"),
    pytest.param("""
        try:
            from pkg.fast import Engine
        except (ValueError, ModuleNotFoundError):
            Engine = None
        """, [imp(2, "pkg.fast", "Engine", "Engine", try_import=True)], id="try-module-not-found-in-tuple"),
    pytest.param("""
        try:
            from pkg.fast import Engine
        except KeyError:
            from pkg.slow import Engine
        """, [imp(2, "pkg.fast", "Engine", "Engine"), imp(4, "pkg.slow", "Engine", "Engine")],
        id="try-other-error-is-no-guard"),
    pytest.param("from pkg.core import *\n", [imp(1, "pkg.core", "*", None)], id="star"),
    pytest.param("from . import sibling\n", [imp(1, "pkg.sub", "sibling", "sibling", level=1)],
                 id="relative-dot-in-module"),
    pytest.param("from .sibling import Engine\n", [imp(1, "pkg.sub.sibling", "Engine", "Engine", level=1)],
                 id="relative-sibling-in-module"),
    pytest.param("from ..core import Engine\n", [imp(1, "pkg.core", "Engine", "Engine", level=2)],
                 id="relative-parent-in-module"),
    pytest.param("from .. import core\n", [imp(1, "pkg", "core", "core", level=2)], id="relative-parent-package"),
    pytest.param("from .... import x\n", [imp(1, "", "x", "x", level=4)], id="relative-escapes-top"),
]


@pytest.mark.parametrize(("source", "expected"), IMPORTS)
def test_import_sites(source, expected):
    assert list(facts(source).imports) == expected


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param("from . import mod\n", ("pkg.sub", "mod"), id="dot"),
    pytest.param("from .mod import Engine\n", ("pkg.sub.mod", "Engine"), id="dot-module"),
    pytest.param("from ..core import Engine\n", ("pkg.core", "Engine"), id="dot-dot-module"),
])
def test_relative_imports_in_a_package_init(source, expected):
    found = facts(source, module="pkg.sub", is_package=True).imports[0]
    assert (found.module, found.name) == expected


@pytest.mark.parametrize(("written", "module", "is_package", "expected"), [
    pytest.param("a.b", "x.y", False, "a.b", id="absolute"),
    pytest.param(".", "a.b.c", False, "a.b", id="module-dot"),
    pytest.param(".", "a.b", True, "a.b", id="package-dot"),
    pytest.param("..x", "a.b.c", False, "a.x", id="module-dotdot"),
    pytest.param("..x", "a.b", True, "a.x", id="package-dotdot"),
    pytest.param("..", "a", True, "", id="package-escapes"),
    pytest.param(".", "top", False, "", id="top-level-module-escapes"),
    pytest.param(".x", "top", False, "x", id="top-level-module-sibling"),
])
def test_absolute_module(written, module, is_package, expected):
    assert absolute_module(written, package_of(module, is_package)) == expected


def test_imported_modules_lists_modules_and_module_dot_name():
    found = facts("import os\nfrom pkg.core import Engine\nfrom pkg import *\n")
    assert found.imported_modules == ("os", "pkg", "pkg.core", "pkg.core.Engine")


def test_import_bindings_record_the_context():
    found = facts("""
        try:
            from pkg.fast import Engine
        except ImportError:
            from pkg.slow import Engine
        if TYPE_CHECKING:
            from pkg.types import Motor
        def f():
            from pkg.core import Local
        """)
    assert [(b.name, b.line, b.kind, b.type_checking, b.fallback, b.conditional) for b in found.bindings] == [
        ("Engine", 2, "import", False, False, True),
        ("Engine", 4, "import", False, True, True),
        ("Motor", 6, "import", True, False, True),
        ("f", 7, "function", False, False, False),
    ]


# -- references -----------------------------------------------------------------------------

def test_attribute_references_go_through_import_aliases():
    found = facts("""
        import pkg.core
        import pkg.other as other
        from pkg import sub
        local = object()

        engine = pkg.core.Engine()
        def f():
            return other.Motor, sub.mod.Thing, local.attr
        """)
    assert [(a.line, a.base, a.path, a.scope) for a in found.attributes] == [
        (6, "pkg", "core.Engine", ""),
        (8, "other", "Motor", "f"),
        (8, "sub", "mod.Thing", "f"),
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_references_are_found_on_every_line_whatever_ends_lines(newline):
    """Uses deep in functions are found (and numbered as `ast` numbers lines) with any line ending, a form
    feed that ends no line, a name that is only a prefix of another, and `name .attr` with a space."""
    lines = ["import pkg.core as core", "import os", "\f", "def f():", "    cores.x = 1",
             *["    os.getcwd()"] * 30, "    return core .Engine", "def g(p: 'core.Motor'):",
             "    return xcore.Nothing, core.Thing"]
    found = facts_from_source(newline.join(lines) + newline, "pkg/mod.py", "pkg.mod", False)
    assert sorted((a.line, a.base, a.path, a.scope) for a in found.attributes if a.base == "core") == [
        (36, "core", "Engine", "f"),
        (37, "core", "Motor", ""),
        (38, "core", "Thing", "g"),
    ]


def test_a_local_variable_named_like_an_import_hides_it():
    """`mock = Mock()` (or a parameter, loop, `with`/`except` target, nested def) inside a function makes
    `mock` local to the whole function: `mock.method` there is no reference to the module. A name the
    function imports itself, one declared `global`, and class-level names seen from methods are not local."""
    found = facts("""
        from unittest import mock
        import pkg.core as core

        def assigned():
            mock.patch_before_assignment
            mock = object()
            return mock.method, core.Engine

        def parameter(core, *mock):
            return core.Engine, mock.x

        def targets(items):
            for core in items:
                core.Engine
            with open("f") as (mock, other):
                mock.y
            try:
                pass
            except Exception as core:
                core.Engine

        def outer():
            core = 1
            def inner():
                return core.Engine, mock.Real
            return inner

        def imports_its_own():
            import pkg.core as core
            core = core
            return core.Engine

        def declared():
            global mock
            mock = None
            return mock.Global

        class Holder:
            mock = None
            def method(self):
                return mock.Method

        def getattr_and_patch(core):
            getattr(core, "Engine")
            mock.patch.object(core, "Engine")

        def loads_a_module():
            core = importlib.import_module("pkg.core")
            return core.Loaded
        """)
    assert sorted((a.line, a.base, a.path, a.scope) for a in found.attributes) == [
        (7, "core", "Engine", "assigned"),
        (25, "mock", "Real", "outer.inner"),
        (31, "core", "Engine", "imports_its_own"),
        (36, "mock", "Global", "declared"),
        (41, "mock", "Method", "method"),
        (45, "mock", "patch.object", "getattr_and_patch"),
        (49, "core", "Loaded", "loads_a_module"),
    ]
    assert [s for s in found.strings if s.kind in ("getattr", "patch_object")] == []


def test_strings_through_import_aliases_are_attribute_references():
    """A string that is a dotted name read through an imported name in a type position (an annotation,
    `cast`'s type, a `TypeVar` bound: where LibCST reads strings as code too) is an attribute reference,
    in the scope where it is evaluated; other strings are not."""
    found = facts("""
        import pkg.core as core
        from pkg import sub

        def f(engine: "core.Engine") -> "sub.mod.Thing":
            x: "core.Motor" = None
            return "local.attr", "core.Engine is slow", "core.", "core"

        LABELS = ["core.Gear"]   # a label that reads like a name: not code
        T = TypeVar("T", bound="core.Wheel")
        y = cast("core.Axle", None)
        """)
    assert sorted((a.line, a.base, a.path, a.scope) for a in found.attributes) == [
        (4, "core", "Engine", ""),
        (4, "sub", "mod.Thing", ""),
        (5, "core", "Motor", "f"),
        (9, "core", "Wheel", ""),
        (10, "core", "Axle", ""),
    ]


STRINGS = [
    pytest.param('mock.patch("pkg.core.Engine")\n', StringRef(1, "patch", "pkg.core.Engine"), id="mock-patch"),
    pytest.param('patch(target="pkg.core.Engine")\n', StringRef(1, "patch", "pkg.core.Engine"),
                 id="patch-target-keyword"),
    pytest.param('mocker.patch("pkg.core.Engine")\n', StringRef(1, "patch", "pkg.core.Engine"), id="mocker-patch"),
    pytest.param('monkeypatch.setattr("pkg.core.Engine", None)\n', StringRef(1, "patch", "pkg.core.Engine"),
                 id="monkeypatch-setattr-string"),
    pytest.param('mock.patch.object(core, "Engine")\n', StringRef(1, "patch_object", "Engine", "core", ("Engine",)),
                 id="patch-object"),
    pytest.param('mocker.patch.object(pkg.core, "Engine")\n',
                 StringRef(1, "patch_object", "Engine", "pkg.core", ("Engine",)), id="mocker-patch-object"),
    pytest.param('monkeypatch.setattr(core, "Engine", None)\n',
                 StringRef(1, "patch_object", "Engine", "core", ("Engine",)), id="monkeypatch-setattr-object"),
    pytest.param('setattr(core, "Engine", None)\n',
                 StringRef(1, "patch_object", "Engine", "core", ("Engine",)), id="builtin-setattr"),
    pytest.param('mock.patch.object(target=core, attribute="Engine", new=None)\n',
                 StringRef(1, "patch_object", "Engine", "core", ("Engine",)), id="patch-object-keywords"),
    pytest.param('monkeypatch.setattr(core, name="Engine", value=None)\n',
                 StringRef(1, "patch_object", "Engine", "core", ("Engine",)), id="monkeypatch-setattr-keywords"),
    pytest.param('patch.multiple("pkg.core", Engine=DEFAULT, Motor=DEFAULT)\n',
                 StringRef(1, "patch_multiple", "pkg.core", None, ("Engine", "Motor")), id="patch-multiple-string"),
    pytest.param('patch.multiple(core, Engine=DEFAULT)\n',
                 StringRef(1, "patch_multiple", None, "core", ("Engine",)), id="patch-multiple-object"),
    pytest.param('importlib.import_module("pkg.core")\n', StringRef(1, "import_module", "pkg.core"),
                 id="import-module"),
    pytest.param('import_module(".core", "pkg")\n', StringRef(1, "import_module", ".core"), id="import-module-bare"),
    pytest.param('__import__("pkg.core")\n', StringRef(1, "import_module", "pkg.core"), id="dunder-import"),
    pytest.param('getattr(core, "Engine")\n', StringRef(1, "getattr", "Engine", "core"), id="getattr"),
    pytest.param('getattr(core, name)\n', StringRef(1, "getattr", None, "core"), id="getattr-dynamic"),
    pytest.param('hasattr(core, "Engine")\n', StringRef(1, "getattr", "Engine", "core"), id="hasattr"),
    pytest.param('TARGET = "pkg.core.Engine"\n', StringRef(1, "dotted", "pkg.core.Engine"), id="dotted-string"),
    pytest.param('PATH = "pkg/core.py"\n', StringRef(1, "path", "pkg/core.py"), id="path-string"),
    pytest.param('PATH = "pkg\\\\core.py"\n', StringRef(1, "path", "pkg/core.py"), id="windows-path-string"),
]


@pytest.mark.parametrize(("source", "expected"), STRINGS)
def test_string_targets(source, expected):
    assert list(facts(source).strings) == [expected]


@pytest.mark.parametrize("source", [
    pytest.param('x = "a.b"\n', id="one-dot-is-no-target"),
    pytest.param('x = "not a.dotted.name"\n', id="spaces"),
    pytest.param('x = "readme.md"\n', id="not-python-path"),
    pytest.param('patch(some_variable)\n', id="patch-non-literal"),
    pytest.param('setattr(self.x, name, 1)\n', id="setattr-dynamic-name"),
])
def test_strings_that_name_no_code(source):
    assert facts(source).strings == ()


def test_string_scope_is_the_enclosing_function():
    found = facts("""
        def test_it():
            with mock.patch("pkg.core.Engine"):
                pass
        """)
    assert [(s.kind, s.value, s.scope) for s in found.strings] == [("patch", "pkg.core.Engine", "test_it")]


# -- __all__ --------------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "expected"), [
    pytest.param('__all__ = ["A", "B"]\n', (("A", 1), ("B", 1)), id="list"),
    pytest.param('__all__ = (\n    "A",\n    "B",\n)\n', (("A", 2), ("B", 3)), id="tuple-over-lines"),
    pytest.param('__all__ = ["A"]\n__all__ += ["B"]\n', (("A", 1), ("B", 2)), id="plus-equals"),
    pytest.param('__all__ = ["A"]\n__all__.extend(("B", "C"))\n__all__.append("D")\n',
                 (("A", 1), ("B", 2), ("C", 2), ("D", 3)), id="extend-and-append"),
    pytest.param('__all__: list[str] = ["A"]\n', (("A", 1),), id="annotated"),
    pytest.param('__all__ = []\n', (), id="empty"),
    pytest.param('x = 1\n', None, id="absent"),
])
def test_dunder_all(source, expected):
    assert facts(source).all_names == expected


def test_dunder_all_top_statements():
    found = facts('"""doc"""\nimport os\n__all__ = ["A"]\n__all__.append("B")\nlog = logging.getLogger(__name__)\n')
    assert [(t.line, t.kind) for t in found.toplevel] == [
        (1, "docstring"), (2, "import"), (3, "all"), (4, "all"), (5, "logger")]



def test_compatibility_statements_are_told_apart_from_logic():
    """What a compatibility module holds (warnings, aliases, import blocks with alias fallbacks) is marked
    as such; an assignment of a value, a call or a block with logic is not."""
    found = facts('''
        import warnings
        warnings.warn("moved", DeprecationWarning)
        Old = New
        Beat = helpers.Heartbeat
        try:
            from a import Pulse
            PulseManager = Pulse
        except ImportError:
            PulseManager = None
        try:
            import b
        except ImportError:
            b = None
        VALUE = 1
        Made = make().cls
        log = central.get_logger(__name__)
        register(Old)
        try:
            import c
        except ImportError:
            c = build()
    ''')
    assert [(t.line, t.kind, t.names) for t in found.toplevel] == [
        (1, "import", ()), (2, "warn", ()), (3, "alias", ("Old",)), (4, "alias", ("Beat",)),
        (5, "alias", ("PulseManager",)), (10, "import", ()), (14, "assign", ("VALUE",)),
        (15, "assign", ("Made",)), (16, "logger", ("log",)), (17, "other", ()), (18, "other", ("c",))]

# -- classes --------------------------------------------------------------------------------

CLASS_SOURCE = """
from abc import ABC, ABCMeta, abstractmethod
from pkg.core import Engine

class Thin(Engine):
    \"\"\"Only a docstring.\"\"\"

class ThinInit(pkg.core.Engine):
    __slots__ = ()
    def __init__(self, *args):
        super().__init__(*args)

class LoggingInit(Engine):
    # logs, warns, and hands the call on: the seed's canonical_import_patterns.UnifiedWebSocketManager
    def __init__(self, *args, **kwargs):
        logger.info("compatibility wrapper created")
        warnings.warn("use Engine", DeprecationWarning)
        super().__init__(*args, **kwargs)
    async def send(self, message):
        self.logger.debug("sending")
        return await super().send(message)

def _log_usage(where):
    from logging import getLogger
    log = getLogger(__name__)
    log.debug("used %s", where)

class LogsThroughAHelper(Engine):
    def __init__(self, *args):
        _log_usage("LogsThroughAHelper")
        super().__init__(*args)

class InitWithState(Engine):
    def __init__(self, *args):
        logger.info("created")
        super().__init__(*args)
        self.extra = 1

class Rich(Engine, Mixin):
    retries = 3
    def extra(self):
        return 1

class Redirect:
    def __new__(cls, *args, **kwargs):
        return Engine(*args, **kwargs)

class RedirectNew:
    def __new__(cls):
        return object.__new__(Engine)

class Forbidden:
    def __new__(cls, *args):
        raise TypeError("use create()")

class Adapter:
    def __init__(self):
        self._inner = Engine()
    def send(self):
        return self._inner.send()

class Builder:
    def build(self):
        return Engine()

class Base(ABC):
    @abstractmethod
    def send(self): ...

class Meta(metaclass=ABCMeta):
    pass

class Computed(make_base()):
    pass
"""


@pytest.mark.parametrize(("name", "expected"), [
    pytest.param("Thin", {"bases": ("Engine",), "substance": (), "methods": ()}, id="thin-docstring"),
    pytest.param("ThinInit", {"bases": ("pkg.core.Engine",), "substance": (), "methods": ("__init__",)},
                 id="thin-super-init"),
    pytest.param("LoggingInit", {"substance": (), "methods": ("__init__", "send")},
                 id="delegating-with-logs-and-warnings"),
    pytest.param("InitWithState", {"substance": ("__init__",)}, id="delegating-and-keeping-state"),
    pytest.param("LogsThroughAHelper", {"substance": ()}, id="delegating-after-a-module-function-that-only-logs"),
    pytest.param("Rich", {"bases": ("Engine", "Mixin"), "substance": ("retries", "extra"), "returns": ()},
                 id="substance"),
    pytest.param("Redirect", {"new_returns": "Engine", "new_raises": False, "substance": ()}, id="new-returns-call"),
    pytest.param("RedirectNew", {"new_returns": "Engine", "substance": ()}, id="new-returns-object-new"),
    pytest.param("Forbidden", {"new_returns": None, "new_raises": True, "substance": ()}, id="new-raises"),
    pytest.param("Adapter", {"composes": ("Engine",), "substance": ("__init__", "send")}, id="composition"),
    pytest.param("Builder", {"returns": ("Engine",), "substance": ("build",)}, id="builds"),
    pytest.param("Base", {"bases": ("ABC",), "abstract": True}, id="abstract-method"),
    pytest.param("Meta", {"metaclass": "ABCMeta", "abstract": False, "substance": ()}, id="metaclass"),
    pytest.param("Computed", {"bases": ("<expr>",)}, id="computed-base"),
])
def test_class_facts(name, expected):
    cls = facts(CLASS_SOURCE).class_named(name)
    assert {key: getattr(cls, key) for key in expected} == expected


def test_only_module_level_classes_are_facts():
    found = facts("class Outer:\n    class Inner:\n        pass\ndef f():\n    class Local: pass\n")
    assert [c.name for c in found.classes] == ["Outer"]
    assert found.class_named("Outer").substance == ("<classdef>",)


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param('X = type("X", (Base,), {})\n', ("type_call", None, ("Base",), True), id="type-empty"),
    pytest.param('X = type("X", (a.Base, Mixin), {"x": 1})\n', ("type_call", None, ("a.Base", "Mixin"), False),
                 id="type-with-namespace"),
    pytest.param('X = builtins.type("X", (Base,), {})\n', ("type_call", None, ("Base",), True), id="builtins-type"),
    pytest.param("X = type(obj)\n", ("call", "type", (), True), id="type-of-object"),
    pytest.param("X = pkg.core.Engine\n", ("ref", "pkg.core.Engine", (), True), id="alias"),
    pytest.param("X = None\n", ("none", None, (), True), id="none"),
    pytest.param("X = make()\n", ("call", "make", (), True), id="call"),
    pytest.param("X: int = 3\n", ("other", None, (), True), id="constant"),
])
def test_assignments(source, expected):
    assign = facts(source).assign_named("X")
    assert (assign.value, assign.target, assign.type_bases, assign.type_namespace_empty) == expected


def test_function_facts_and_returns():
    found = facts("def make_engine(kind):\n    if kind:\n        return Engine(kind)\n    return pkg.Motor\n")
    fn = found.function_named("make_engine")
    assert (fn.line, fn.end_line, fn.returns) == (1, 4, ("Engine", "pkg.Motor"))


def test_facts_round_trip_through_json():
    found = facts(CLASS_SOURCE + '__all__ = ["Thin"]\nimport pkg.x as y\nmock.patch("a.b.c")\ny.z\n')
    assert FileFacts.from_json(found.to_json()) == found


def test_names_a_module_getattr_hands_out_are_recorded():
    """PEP 562 compatibility shims bind nothing a reader can see: the names the hook tests for are kept
    (comparisons either way round, literal collections, a module-level table)."""
    found = facts("""
        _MOVED = {"OldTable": "new.Table"}

        def __getattr__(name):
            if name == "OldEngine":
                from pkg.core import Engine
                return Engine
            if "OldMotor" == name or name in ("OldA", "OldB"):
                return object
            if name in _MOVED:
                return _MOVED[name]
            raise AttributeError(name)

        def helper(name):
            return name == "NotAHook"
        """)
    assert found.dynamic_names == (("OldEngine", 4), ("OldA", 7), ("OldB", 7), ("OldMotor", 7), ("OldTable", 9))
    assert facts("class C:\n    def __getattr__(self, name):\n        return name == 'X'\n").dynamic_names == ()
