"""The repository's import graph: symbol-level sites for parsed files, over module-level edges for every file.

A `Site` is one place that refers to a module or to a name in a module: an import statement, an
attribute access through a module alias, a string target (`mock.patch("a.b.C")`,
`importlib.import_module("a.b")`), a `__all__` entry, a path literal naming a module's file.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from codemods.framework.relative import package_of, written_module
from refactor.analysis.module_graph import ModuleGraph, module_graph
from refactor.analysis.project import Project
from refactor.analysis.site_memo import SiteMemo
from refactor.reading.facts import MODULE_SCOPE, FileFacts, ImportFact

SITE_KINDS = ("import", "from", "relative", "attribute", "lazy", "type_checking", "try_except", "reexport",
              "all", "patch", "import_module", "getattr", "string", "path", "star", "use")


@dataclass(frozen=True)
class Site:
    path: str
    line: int
    kind: str                  # one of SITE_KINDS
    module: str                # the module the site looks in (absolute)
    name: str | None           # the name looked up there; None when the site names the module itself
    scope: str = MODULE_SCOPE  # enclosing function, "" at module level
    text: str = ""             # the site as written, for display
    # where the name really lives when the module it is looked in only imports it (or hands it out through
    # a star import): the "module:name" hops, in order, that resolving it takes after the site's own
    via: tuple[str, ...] = ()

    @property
    def target(self) -> str:
        return self.module if self.name is None else f"{self.module}:{self.name}"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class ImportGraph:
    """The sites of one repository state (from its parsed files) over its `ModuleGraph` (every file)."""

    def __init__(self, sites: Iterable[Site], modules: ModuleGraph) -> None:
        self.sites = tuple(sorted(set(sites), key=lambda s: (s.path, s.line, s.kind, s.module, s.name or "")))
        self.modules = modules


def could_refer(candidates: Iterable[str], imports: dict[str, tuple[str, ...]], module_of: dict[str, str],
                holders: Iterable[str], mentioning: Callable[[list[str], frozenset[str]], set[str]]) -> set[str]:
    """The `candidates` (files whose text names a family member) that can refer to the family at all: a
    file that imports, directly or through other modules, a module holding a family name (its
    definitions, re-exports and their packages), or whose text names a holder's top-level package (a
    string target, a dynamic import). A name that is a common word ("Matrix", "Config") appears in
    many files that never import the family; they need no parse. `imports`: path -> imported modules
    of every file; `mentioning(paths, words)`: those of `paths` whose text holds any of the words."""
    holders = {m for holder in holders for m in _with_packages(holder)}
    candidates = set(candidates)
    tops = frozenset(m.partition(".")[0] for m in holders)
    # cheap first (the usual case), the import closure only for what is left
    kept = {path for path in candidates if holders.intersection(imports.get(path, ()))}
    kept |= mentioning(sorted(candidates - kept), tops)
    if kept == candidates:
        return kept
    importers: dict[str, set[str]] = defaultdict(set)
    for path, imported in imports.items():
        for module in imported:
            importers[module].add(module_of[path])
    reach = set()
    queue = deque(holders)
    while queue:   # every module that imports a holder, directly or through others
        module = queue.popleft()
        if module not in reach:
            reach.add(module)
            queue.extend(importers.get(module, ()))
    return kept | {path for path in candidates - kept if reach.intersection(imports.get(path, ()))}


def _with_packages(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def build_graph(project: Project, paths: Iterable[str]) -> ImportGraph:
    """Sites from the full facts of `paths` (or kept from an earlier run: see `site_memo`), over the module
    graph of every file (built after those are parsed: a parsed file's imports are exact, where the line
    scan can take an example in a docstring)."""
    paths = list(paths)
    memo = SiteMemo(project, project.focus_key())
    kept = memo.recall(paths)
    sites = [Site(*row) for rows in kept.values() for row in rows]
    sites += sites_of(project, [p for p in paths if p not in kept], memo)
    memo.save()
    return ImportGraph(sites, module_graph(project))


def sites_of(project: Project, paths: Iterable[str], memo: SiteMemo | None = None) -> list[Site]:
    """The sites of the files `paths` (those that parse); `memo` keeps each file's for the next run."""
    full = project.parse(list(paths))
    project.parse(_looked_through(project, full.values()))   # in one parallel batch, not one by one below
    sites: list[Site] = []
    for facts in full.values():
        if not facts.error:
            with project.recording() as depends:
                found = _SiteFinder(project, facts).sites()
            sites.extend(found)
            if memo is not None:
                memo.keep(facts, [_row(s) for s in found], depends)
    return sites


def _row(site: Site) -> tuple:
    return (site.path, site.line, site.kind, site.module, site.name, site.scope, site.text, site.via)


def _looked_through(project: Project, parsed: Iterable[FileFacts]) -> list[str]:
    """The files of the modules whose bindings finding the sites of `parsed` will consult: every module
    imported, and every package on the way to one (`from pkg import sub` and `pkg.sub.X` look in `pkg`
    first: a binding there would shadow `sub`)."""
    wanted = set()
    for facts in parsed:
        for imp in facts.imports:
            if not imp.module or not project.is_internal(imp.module):
                continue
            parts = imp.module.split(".") + ([imp.name] if imp.name and imp.name != "*" else [])
            wanted.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return sorted(project.by_module[m].path for m in wanted if m in project.by_module)


class _SiteFinder:
    def __init__(self, project: Project, facts: FileFacts) -> None:
        self.project, self.facts = project, facts
        self.all_names = {n for n, _ in facts.all_names or ()}
        self._by_local: dict[str, list[ImportFact]] = {}
        for imp in facts.imports:
            if imp.asname:
                self._by_local.setdefault(imp.asname, []).append(imp)
        self._module_vars = {(v.base, v.scope): v.value for v in facts.strings if v.kind == "module_var" and v.value}

    def sites(self) -> list[Site]:
        out = []
        for imp in self.facts.imports:
            out.extend(self._import_sites(imp))
        for ref in self.facts.attributes:
            module, name = self._through_module(ref.base, ref.path, ref.scope)
            if module is not None and name is not None:
                out.append(self._site(ref.line, "attribute", module, name, ref.scope, f"{ref.base}.{ref.path}"))
        for ref in self.facts.strings:
            out.extend(self._string_sites(ref))
        stars = [i.module for i in self.facts.imports if i.name == "*" and i.scope == MODULE_SCOPE and i.module]
        bound = {b.name for b in self.facts.bindings}
        for name, line in self.facts.all_names or ():
            imp = self.project.import_for(self.facts, name)
            if imp is not None and imp.module and imp.name not in (None, "*"):
                out.append(self._site(line, "all", self.facts.module, name, MODULE_SCOPE, f'"{name}" in __all__'))
            elif name not in bound and (star := self._star_source(stars, name)) is not None:
                out.append(self._star_site(line, "all", star, name, f'"{name}" in __all__'))
        for name, line in self.facts.star_uses:   # a name read through `from m import *`
            star = self._star_source(stars, name)
            if star is not None:
                out.append(self._star_site(line, "star", star, name, f"{name} (from {star} import *)"))
        return [self._with_via(s) for s in out if self.project.is_internal(s.module)]

    def _with_via(self, site: Site) -> Site:
        """`site` with the hops to where its name really lives, when its module does not define it (it
        imports it, or a star import hands it out): a stage that renames that import changes this site too."""
        if site.name in (None, "*", "?") or not self.project.module_exists(site.module):
            return site
        binding = self.project.binding(site.module, site.name)
        if binding is not None and binding.kind in ("class", "function"):
            return site
        symbol = self.project.resolve(site.module, site.name)
        via = tuple(hop for hop in symbol.via if hop != site.target)
        return dataclasses.replace(site, via=via) if via else site

    def _star_site(self, line: int, kind: str, star: str, name: str, text: str) -> Site:
        return Site(self.facts.path, line, kind, star, name, MODULE_SCOPE, text)

    def _star_source(self, stars: list[str], name: str) -> str | None:
        """The first of the file's star-imported modules that provides `name`."""
        return next((m for m in stars if name in self.project.star_exports(m)), None)

    def _site(self, line: int, kind: str, module: str, name: str | None, scope: str, text: str) -> Site:
        return Site(self.facts.path, line, kind, module, name, scope, text)

    def _kind(self, imp: ImportFact) -> str:
        if imp.try_import or imp.fallback:
            return "try_except"
        if imp.type_checking:
            return "type_checking"
        if imp.scope != MODULE_SCOPE or imp.in_class:
            return "lazy"
        if imp.name and imp.name != "*" and (self.facts.is_package or imp.asname in self.all_names):
            return "reexport"
        if imp.level:
            return "relative"
        return "from" if imp.name else "import"

    def _import_sites(self, imp: ImportFact) -> list[Site]:
        if not imp.module:
            return []
        kind = self._kind(imp)
        dots = "." * imp.level
        if imp.name is None:
            text = f"import {imp.module}" + (f" as {imp.asname}" if imp.asname != imp.module.split(".")[0] else "")
            return [self._site(imp.line, kind, imp.module, None, imp.scope, text)]
        text = f"from {dots}{self._written(imp)} import {imp.name}"
        if imp.asname and imp.asname != imp.name:
            text += f" as {imp.asname}"
        if imp.name != "*" and self._submodule(imp.module, imp.name):
            return [self._site(imp.line, kind, f"{imp.module}.{imp.name}", None, imp.scope, text)]
        return [self._site(imp.line, kind, imp.module, imp.name, imp.scope, text)]

    def _written(self, imp: ImportFact) -> str:
        """The module part of a from-import as the file writes it (relative forms rebuilt)."""
        return written_module(imp.module, imp.level, package_of(self.facts.module, self.facts.is_package))

    def _bound_module(self, local: str, scope: str) -> str | None:
        """The module a local name is bound to by an import in `scope` (or at module level)."""
        if (local, scope) in self._module_vars:
            return self._module_vars[(local, scope)]
        candidates = [i for i in self._by_local.get(local, ()) if i.scope in (scope, MODULE_SCOPE)]
        candidates.sort(key=lambda i: i.scope != scope)
        for imp in candidates:
            if imp.name is None:
                plain = imp.asname == imp.module.split(".")[0]
                return imp.module.split(".")[0] if plain else imp.module
            if imp.name != "*" and self._submodule(imp.module, imp.name):
                return f"{imp.module}.{imp.name}"
            return None
        return None

    def _through_module(self, base: str, path: str, scope: str) -> tuple[str | None, str | None]:
        """`base.path` where base is a module alias: the deepest module and the first name after it."""
        module = self._bound_module(base, scope)
        if module is None:
            return None, None
        parts = path.split(".")
        for part_index, part in enumerate(parts):
            if self._submodule(module, part):
                module = f"{module}.{part}"
                continue
            return module, parts[part_index]
        return None, None

    def _submodule(self, module: str, name: str) -> bool:
        """Whether `module.name` reads submodule `module.name`: nothing in `module` binds `name` otherwise (a
        package's `from . import sub` binds the submodule itself: `pkg.sub.X` still reads it)."""
        if not self.project.module_exists(f"{module}.{name}"):
            return False
        if self.project.binding(module, name) is None:
            return True
        symbol = self.project.resolve(module, name)
        return symbol.kind == "module" and symbol.module == f"{module}.{name}"

    def _split_dotted(self, value: str) -> tuple[str | None, str | None]:
        parts = value.split(".")
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            if self.project.module_exists(module):
                return module, (parts[cut] if cut < len(parts) else None)
        return None, None

    def _string_sites(self, ref) -> list[Site]:
        scope = ref.scope
        if ref.kind in ("patch", "dotted") and ref.value:
            module, name = self._split_dotted(ref.value)
            if module is None:
                return []
            kind = "patch" if ref.kind == "patch" else "string"
            return [self._site(ref.line, kind, module, name, scope, f'"{ref.value}"')]
        if ref.kind in ("patch_object", "getattr", "patch_multiple"):
            module = None
            if ref.kind == "patch_multiple" and ref.value:
                module, _ = self._split_dotted(ref.value)
            elif ref.base:
                first, _, rest = ref.base.partition(".")
                module, name = self._through_module(first, rest, scope) if rest else (
                    self._bound_module(first, scope), None)
                if rest and name is not None:
                    module = None  # patching an attribute of a class, not of a module
            if module is None:
                return []
            kind = "getattr" if ref.kind == "getattr" else "patch"
            names = ref.attrs or ((ref.value,) if ref.kind == "getattr" else ())
            if ref.kind == "getattr" and ref.value is None:
                return [self._site(ref.line, "getattr", module, "?", scope, f"getattr({ref.base}, <dynamic>)")]
            return [self._site(ref.line, kind, module, n, scope, f'{ref.kind}({ref.base}, "{n}")') for n in names]
        if ref.kind == "import_module" and ref.value:
            if self.project.module_exists(ref.value) or self.project.is_internal(ref.value):
                return [self._site(ref.line, "import_module", ref.value, None, scope, f'import_module("{ref.value}")')]
            return []
        if ref.kind == "path" and ref.value:
            module = _module_for_path(self.project, ref.value)
            if module:
                return [self._site(ref.line, "path", module, None, scope, f'"{ref.value}"')]
        return []


def _module_for_path(project: Project, value: str) -> str | None:
    value = value.lstrip("./")
    if "/" not in value:
        return None
    source = project.file_named(value)
    return source.module if source else None


def watched_modules(modules: Iterable[str]) -> set[str]:
    """`modules` and the packages that hold them: where a stage's changes could break an import (the
    same set before and after a stage, so that only what a stage breaks counts as new)."""
    modules = set(modules)
    return modules | {m.rpartition(".")[0] for m in modules if "." in m}


def broken_reference(project: Project, site: Site, watched: set[str]) -> str | None:
    """Why `site` fails in `project` (`path:line: reason`), or None: it looks into a module of a `watched`
    package that does not exist, or into a `watched` module for a name it does not bind (not asked of a
    module whose names are open: see `Project.names_are_open`). Sites of other modules are not judged."""
    if site.kind in ("all", "path", "string", "getattr"):
        return None
    package = site.module.rpartition(".")[0]
    if site.module not in watched and package not in watched:
        return None
    if not project.module_exists(site.module):
        return f"{site.path}:{site.line}: module {site.module} does not exist"
    if site.module in watched and site.name not in (None, "*", "?") \
            and not (site.name.startswith("__") and site.name.endswith("__")) \
            and site.name not in project.exports(site.module) \
            and not project.module_exists(f"{site.module}.{site.name}") \
            and not project.names_are_open(site.module):
        return f"{site.path}:{site.line}: {site.module} does not define {site.name}"
    return None


def undefined_exports(project: Project, module: str) -> list[tuple[str, int, str]]:
    """`__all__` entries of `module` that name nothing it binds (`from module import *` fails on them):
    (name, line, `path:line: reason`)."""
    facts = project.facts_of(module)
    if facts is None or facts.error or not facts.all_names or project.names_are_open(module):
        return []
    exports = project.exports(module)
    return [(name, line, f"{facts.path}:{line}: {module} lists {name} in __all__ but does not define it")
            for name, line in facts.all_names if name not in exports and not project.module_exists(f"{module}.{name}")]


def broken_imports(project: Project, graph: ImportGraph, watched: set[str]) -> list[str]:
    """Every site of `graph` that fails (see `broken_reference`), and the `__all__` entries of watched
    modules that name nothing (see `undefined_exports`). Lines as `path:line: reason`."""
    project.parse(sorted({project.by_module[m].path for m in watched if m in project.by_module}))
    out = [reason for site in graph.sites if (reason := broken_reference(project, site, watched))]
    for module in sorted(watched & project.by_module.keys()):
        out.extend(reason for _, _, reason in undefined_exports(project, module))
    return sorted(set(out))
