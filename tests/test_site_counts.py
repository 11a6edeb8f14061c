"""No site is missed: the graph's sites on the bundled WebSocket fixture against a count made another way.

The graph finds sites from `ast` facts. The count here reads the fixture's files lexically instead
(`tokenize` to tell code, strings and comments apart, then regular expressions), per module <mod>:

- `import app.websocket_core.<mod> [as x]`                 one site (the module itself)
- `from <app.websocket_core.<mod> | .<mod> | ..websocket_core.<mod>> import a, b as c, (...)`
                                                           one site per imported name (`*` included)
- `from <app.websocket_core | ..websocket_core> import <mod> [as x]`     one site (the module itself)
- `<alias>.Name` through any of those module bindings     one site per (line, name)
  (also written as a whole string, a string annotation `-> "<alias>.Name"`)
- `patch.object(<alias>, "Name")`, `getattr(<module var>, "Name")`, `setattr(...)`   one site each
- a string literal "app.websocket_core.<mod>[.Name]" (mock.patch, import_module, any dotted string)
- a path to the module's file: "app/websocket_core/<mod>.py" or `root / "app" / ... / "<mod>.py"`
- `__all__` entries naming a name the file imports, as sites of the file's own module; entries naming a
  name the file neither imports nor defines, as sites of the star-imported module that provides it

Both sides are compared as multisets of (path, line, name): the graph also records one site per
imported name (not per statement) and identical uses on one line once, so the two agree exactly,
including the sites inside the redundant modules themselves (`from .websocket_manager import ...` in
canonical_imports.py counts for websocket_manager, in both). Where they do not, the test says which
sites only one side found; an expected difference would be listed in KNOWN_MISSES with its reason.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import Counter
from pathlib import Path

import pytest

from refactor.analysis.graph import SITE_KINDS
from refactor.planning.workspace import Workspace
from tests.helpers import FIXTURES, PLANS

ROOT = FIXTURES / "websocket_app"
PACKAGE = "app.websocket_core"

Key = tuple[str, int, "str | None"]

# Sites the lexical count finds and the graph does not, each with why (none at present).
KNOWN_MISSES: dict[str, Counter[Key]] = {}


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return Workspace.open(PLANS / "websocket_manager.toml", cache=False)


# -- the independent, lexical count --------------------------------------------------------------------


class Lexed:
    """One file: its code with strings and comments blanked (same lines and columns), and its strings."""

    def __init__(self, path: str, text: str) -> None:
        self.path, self.text = path, text
        lines = [list(line) for line in text.splitlines(keepends=True)]
        self.strings: list[tuple[int, str]] = []
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type not in (tokenize.STRING, tokenize.COMMENT):
                continue
            if token.type == tokenize.STRING:
                try:
                    value = ast.literal_eval(token.string)
                except (ValueError, SyntaxError):   # f-strings: not a target
                    value = None
                if isinstance(value, str):
                    self.strings.append((token.start[0], value))
            (row, col), (end_row, end_col) = token.start, token.end
            for r in range(row, end_row + 1):
                first = col if r == row else 0
                last = end_col if r == end_row else len(lines[r - 1])
                for c in range(first, last):
                    if lines[r - 1][c] != "\n":
                        lines[r - 1][c] = " "
        self.code = "".join("".join(line) for line in lines)

    def line_of(self, offset: int) -> int:
        return self.code.count("\n", 0, offset) + 1

    @property
    def module(self) -> str:
        return self.path[: -len(".py")].replace("/", ".").removesuffix(".__init__")

    @property
    def package(self) -> str:
        dotted = self.path[: -len(".py")].replace("/", ".")
        return dotted[: -len(".__init__")] if dotted.endswith(".__init__") else dotted.rpartition(".")[0]

    def absolute(self, written: str) -> str:
        dots = len(written) - len(written.lstrip("."))
        if not dots:
            return written
        parts = self.package.split(".")
        return ".".join(parts[: len(parts) - (dots - 1)] + ([written[dots:]] if written[dots:] else []))


_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(?:\(([^)]*)\)|([^\n]*))", re.MULTILINE)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n]+)", re.MULTILINE)
_NAMED_CALL = re.compile(r"""\b(patch\.object|setattr|getattr)\(\s*(\w+)\s*,\s*["'](\w+)["']""")
_CALL_TARGET = re.compile(r"""\b(?:patch|import_module|__import__)\(\s*["']([\w.]+)["']""")
_MODULE_VAR = re.compile(
    r"""^[ \t]*(\w+)\s*=\s*(?:importlib\.)?import_module\(\s*["']([\w.]+)["']\s*\)""", re.MULTILINE)
_JOINED = re.compile(r"""(?:["'][\w.-]+["']\s*/\s*)+["'][\w.-]+\.py["']""")
MODULES = {p.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")
           for p in ROOT.rglob("*.py") if ".refactor_cache" not in p.parts}


def _names(clause: str) -> list[tuple[str, str]]:
    """`a, b as c` -> [(a, a), (b, c)]."""
    out = []
    for part in clause.replace("\\", " ").split(","):
        words = part.split()
        if words:
            out.append((words[0], words[2] if len(words) == 3 and words[1] == "as" else words[0]))
    return out


def _block(file: Lexed, line: int) -> range:
    """The lines a binding made at `line` is visible on: the whole file at module level, else from the
    binding to the end of its indented block (a function-level `import ... as wsm`)."""
    rows = file.code.splitlines()
    indent = len(rows[line - 1]) - len(rows[line - 1].lstrip())
    if indent == 0:
        return range(1, len(rows) + 1)
    end = line
    while end < len(rows) and (not rows[end].strip() or len(rows[end]) - len(rows[end].lstrip()) >= indent):
        end += 1
    return range(line, end + 1)


def lexical_sites(file: Lexed, module: str) -> Counter[Key]:
    """The sites of `file` that look into `module`, found without the tool's parser."""
    found: Counter[Key] = Counter()
    parent, _, short = module.rpartition(".")
    bindings: list[tuple[str, str, range]] = []   # (local name, the module it is bound to, where visible)
    imported: set[str] = set()                      # local names this file binds by a from-import
    for match in _FROM.finditer(file.code):
        source = file.absolute(match.group(1))
        line = file.line_of(match.start(1))
        for name, local in _names(match.group(2) or match.group(3)):
            imported.add(local)
            if source == module and f"{module}.{name}" not in MODULES:
                found[(file.path, line, name)] += 1
            elif source == parent and name == short:   # a submodule: a site of the submodule itself
                found[(file.path, line, None)] += 1
                bindings.append((local, module, _block(file, line)))
    for match in _IMPORT.finditer(file.code):
        line = file.line_of(match.start(1))
        for name, local in _names(match.group(1)):
            if name == module:
                found[(file.path, line, None)] += 1
                top = name.split(".")[0]   # plain `import a.b.m` binds `a`; uses read `a.b.m.X`
                bindings.append((local, module, _block(file, line)) if local != name
                                else (top, top, _block(file, line)))
    for match in _MODULE_VAR.finditer(file.text):
        if match.group(2) == module:               # module = importlib.import_module("...")
            bindings.append((match.group(1), module, _block(file, file.line_of(match.start(1)))))
    # attribute uses through a module binding: `wsm.X`, `app.websocket_core.mod.X` (one per line and name),
    # outside import statements, and not into a submodule (`app.websocket_core.types.X` is a site of types)
    expressions = file.code
    for match in (*_FROM.finditer(file.code), *_IMPORT.finditer(file.code)):
        expressions = expressions[: match.start()] + re.sub(r"[^\n]", " ", match.group()) + expressions[match.end():]
    uses = set()
    for local, bound, lines in bindings:
        spelled = re.escape(local + module[len(bound):])
        uses |= {(file.path, file.line_of(m.start()), m.group(1))
                 for m in re.finditer(rf"(?<![\w.]){spelled}\.(\w+)", expressions)
                 if file.line_of(m.start()) in lines and f"{module}.{m.group(1)}" not in MODULES}
        # the same in a string annotation, `-> "wsm.X"`
        uses |= {(file.path, line, value.rpartition(".")[2]) for line, value in file.strings
                 if line in lines and re.fullmatch(rf"{spelled}\.\w+", value)}
    found.update(uses)
    # patch.object(alias, "X") / setattr(alias, "X", v) / getattr(module_var, "X")
    for match in _NAMED_CALL.finditer(file.text):
        line = file.line_of(match.start())
        if any(local == match.group(2) and bound == module and line in lines for local, bound, lines in bindings):
            found[(file.path, line, match.group(3))] += 1
    # string targets "pkg.mod" / "pkg.mod.Name": any mock.patch / import_module argument, and any other
    # dotted string with at least two dots (one dot, like "app.websocket_core", is too ambiguous a string
    # to be a reference: "os.path", "json.dumps"; the graph does not take those either)
    call_targets = {(file.line_of(m.start()), m.group(1)) for m in _CALL_TARGET.finditer(file.text)}
    for line, value in file.strings:
        deepest = max((m for m in MODULES if value == m or value.startswith(m + ".")), key=len, default=None)
        if deepest == module and ((line, value) in call_targets or value.count(".") >= 2):
            found[(file.path, line, value[len(module) + 1:].split(".")[0] or None)] += 1
    # paths naming the module's file, written whole or joined with `/`
    tail = module.replace(".", "/") + ".py"
    for line, value in file.strings:
        if "/" in value.replace("\\", "/") and value.replace("\\", "/").lstrip("./").endswith(tail):
            found[(file.path, line, None)] += 1
    for match in _JOINED.finditer(file.text):
        if "/".join(re.findall(r"""["']([\w.-]+)["']""", match.group())).endswith(tail):
            found[(file.path, file.line_of(match.start()), None)] += 1
    # `__all__` entries naming an imported name: a site of the file's OWN module (the entry exports the
    # file's binding; `from .types import MessageType` + "MessageType" in app/websocket_core/__init__.py's
    # __all__ is a site of app.websocket_core, not of app.websocket_core.types)
    all_block = re.search(r"^__all__\s*[:=][^=]", file.text, re.MULTILINE)
    if all_block:
        end = file.text.find("]", all_block.end())
        lines = range(file.line_of(all_block.start()), file.line_of(end) + 1)
        # an entry the file neither imports nor defines comes from a star import: a site of the module that
        # provides it (the first star-imported module whose source names it)
        stars = [file.absolute(m.group(1)) for m in _FROM.finditer(file.code) if (m.group(2) or m.group(3)).strip() == "*"]
        for line, value in file.strings:
            if line not in lines:
                continue
            if file.module == module and value in imported:
                found[(file.path, line, value)] += 1
            elif value not in imported and not re.search(rf"^(?:class|def)\s+{value}\b|^{value}\s*=", file.code, re.MULTILINE):
                provider = next((m for m in stars if re.search(rf"\b{value}\b", _SOURCES.get(m, ""))), None)
                if provider == module:
                    found[(file.path, line, value)] += 1
    return found


_SOURCES = {p.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__"):
            p.read_text(encoding="utf-8") for p in ROOT.rglob("*.py") if ".refactor_cache" not in p.parts}


@pytest.fixture(scope="module")
def lexed() -> list[Lexed]:
    files = sorted(p for p in ROOT.rglob("*.py") if ".refactor_cache" not in p.parts)
    return [Lexed(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8")) for p in files]


# -- the comparison --------------------------------------------------------------------------------------


def test_the_fixture_has_the_redundant_modules_the_plan_expects(workspace):
    assert len(workspace.inventory.redundant_modules()) == 10


REDUNDANT = [f"{PACKAGE}.{short}" for short in (
    "canonical_import_patterns", "canonical_imports", "compat", "interfaces", "migration_adapter",
    "protocols", "ssot_validation_enhancer", "types", "websocket_manager", "websocket_manager_factory")]
# the packages whose re-exports the planner rewrites in the defining module's stage, and the canonical
ALSO = [PACKAGE, "app.agents", "app.api", "app.events", "app.services", f"{PACKAGE}.unified_manager"]


def sites_into(graph, module):
    """Every site of the graph looking into `module` (its names or the module itself)."""
    return [site for site in graph.sites if site.module == module]


@pytest.mark.parametrize("module", REDUNDANT + ALSO)
def test_graph_sites_match_an_independent_count(workspace, lexed, module):
    if module in REDUNDANT:
        assert module in workspace.inventory.redundant_modules()
    graph = Counter((s.path, s.line, s.name) for s in sites_into(workspace.graph, module))
    counted = Counter()
    for file in lexed:
        counted.update(lexical_sites(file, module))
    known = KNOWN_MISSES.get(module, Counter())
    only_graph, only_counted = graph - counted, counted - graph
    assert only_graph == Counter(), f"the graph has sites the lexical count does not: {sorted(only_graph)}"
    assert only_counted == known, f"sites the graph misses: {sorted(only_counted - known)}"
    # the per-module totals, as `refactor plan` would count them before ownership and filtering
    assert len(sites_into(workspace.graph, module)) == sum(counted.values()) - sum(known.values()) > 0


def test_string_annotation_through_a_module_alias_is_a_site(workspace):
    """`-> "wsm.WebSocketManager"` is a real reference: once the stage removes `WebSocketManager` from
    websocket_manager, `typing.get_type_hints(AdminAPI.sandbox)` raises unless the stage rewrites it."""
    sites = [s for s in sites_into(workspace.graph, f"{PACKAGE}.websocket_manager") if s.name == "WebSocketManager"]
    assert ("app/api/admin.py", 24, "attribute") in {(s.path, s.line, s.kind) for s in sites}


def test_the_planner_rewrites_every_site_of_a_removed_name(workspace):
    """Each graph site naming a removed definition of a stage's module, or any site into a module the
    stage deletes, is an edit of that stage, unless its file was deleted by then (a site inside a
    redundant module that is already gone needs no rewrite)."""
    plan = workspace.schedule
    gone: set[str] = set()
    for stage in plan.stages:
        gone |= {workspace.graph.modules.path_of[m] for m in stage.delete_modules}
        edited = {e.site for e in stage.edits}
        for module in stage.modules:
            removed = {d.name for d in stage.definitions if d.module == module}
            for site in sites_into(workspace.graph, module):
                if site.path in gone:
                    continue
                if module in stage.delete_modules or site.name in removed:
                    assert site in edited, f"stage {stage.number} does not rewrite {site} ({site.text})"


def test_every_site_kind_occurs_in_the_fixture(workspace):
    kinds = {s.kind for s in workspace.graph.sites}
    expected = {"import", "from", "relative", "attribute", "lazy", "type_checking", "try_except", "reexport",
                "all", "patch", "import_module", "getattr", "path"}
    assert expected <= set(SITE_KINDS)
    assert expected - kinds == set()


def test_lexical_count_sees_every_form(lexed):
    """The counter itself: each form it claims to read is found at least once in the fixture (so the
    comparison above cannot pass by both sides missing a form)."""
    found = set()
    for file in lexed:
        for module in REDUNDANT + ALSO:
            found |= {(module, *key) for key in lexical_sites(file, module)}
    manager, imports = f"{PACKAGE}.websocket_manager", f"{PACKAGE}.canonical_imports"
    expected = {
        (manager, "app/api/admin.py", 7, None),                            # import ... as wsm
        (manager, "app/api/admin.py", 26, "WebSocketManager"),             # wsm.WebSocketManager
        (manager, "app/api/admin.py", 24, "WebSocketManager"),             # -> "wsm.WebSocketManager"
        (manager, "app/events/handlers.py", 22, "get_websocket_manager"),  # through a function-level alias
        (manager, "app/services/presence_service.py", 8, None),            # from ..websocket_core import <mod>
        (manager, "app/workers/heartbeat.py", 9, "get_websocket_manager"),    # from ..websocket_core.<mod>
        (manager, "app/websocket_core/canonical_imports.py", 8, "WebSocketManager"),   # from .<mod>
        (manager, "tests/test_websocket_manager_module.py", 8, "MANAGER_CHANNEL"),     # ( multi-line )
        (manager, "tests/test_websocket_manager_module.py", 44, "WebSocketManager"),   # mock.patch("...")
        (manager, "tests/test_websocket_manager_module.py", 51, "WebSocketManager"),   # patch.object
        (manager, "app/api/health.py", 10, None),                          # import_module("...")
        (manager, "app/api/health.py", 12, "WebSocketManager"),            # getattr(module, "...")
        (imports, "app/websocket_core/__init__.py", 9, "*"),               # from .<mod> import *
        (imports, "app/monitoring/metrics.py", 16, "CanonicalWebSocketManager"),   # a.b.<mod>.Name
        (f"{PACKAGE}.types", "tests/test_types.py", 45, None),             # root / "app" / ... / "types.py"
        (PACKAGE, "app/websocket_core/__init__.py", 34, "WebSocketManager"),       # __all__ entry
        (f"{PACKAGE}.unified_manager", "app/integrations/webhooks.py", 36, "UnifiedWebSocketManager"),
    }
    assert expected - found == set()
    # comments never count: the star import's line has a trailing comment naming CanonicalWebSocketManager
    assert (imports, "app/websocket_core/__init__.py", 9, "CanonicalWebSocketManager") not in found
    # `module` is bound to a different module in another function of webhooks.py: not this one's site
    assert (f"{PACKAGE}.unified_manager", "app/integrations/webhooks.py", 25, "WebSocketManagerFactory") \
        not in found


def test_graph_paths_are_fixture_files(workspace):
    assert all((ROOT / Path(s.path)).is_file() for s in workspace.graph.sites)
