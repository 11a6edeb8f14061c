"""A repository as facts: which files exist, what each says, and what a name really refers to.

`Project` parses lazily: light facts (imported modules, by a line scan) for every file, full facts
only for files the caller asks about, and for the modules a resolution walks through.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from codemods.framework.relative import package_of
from refactor.reading.extract import literal_keys
from refactor.reading.facts import MODULE_SCOPE, Binding, FileFacts, ImportFact
from refactor.reading.files import SourceFile, discover
from refactor.reading.parsed import ParsedFacts
from refactor.reading.reader import Reader

# what a result was worked out from (see `Project.recording`): a file's path, or a question about the layout
Read = str | tuple[str, str]


@dataclass(frozen=True)
class Symbol:
    """What `module.name` really is, after following imports and plain assignments."""

    module: str
    name: str
    kind: str            # class | dynamic | function | value | module | external | missing
    via: tuple[str, ...] = ()   # the hops taken, as "module:name"

    @property
    def ref(self) -> str:
        return self.module if self.kind == "module" else f"{self.module}:{self.name}"


class Project:
    def __init__(self, root: Path, files: list[SourceFile], reader: Reader) -> None:
        self.root = root
        self.reader = reader
        self.by_module: dict[str, SourceFile] = {}
        for f in files:
            # a module that exists both as `m.py` and `m/__init__.py`: the package wins, as in Python
            if f.module not in self.by_module or (f.is_package and not self.by_module[f.module].is_package):
                self.by_module[f.module] = f
        # the same module in two source roots (a monorepo's services): the first wins, as on sys.path;
        # the others cannot be imported that way and are left out (see `shadowed_files`)
        self.files = [f for f in files if self.by_module[f.module] is f]
        self.shadowed = [(f, self.by_module[f.module]) for f in files if self.by_module[f.module] is not f]
        self.by_path = {f.path: f for f in self.files}
        self.packages: set[str] = set()   # every package on the way to a module (a namespace one too)
        for f in files:
            package = package_of(f.module, f.is_package)
            while package and package not in self.packages:
                self.packages.add(package)
                package = package.rpartition(".")[0]
        self._parsed = ParsedFacts(reader)
        self._light: dict[str, FileFacts] = {}
        self._resolving: set[tuple[str, str]] = set()
        self._indexes: dict[str, tuple] = {}
        self._stars_of: dict[str, tuple[frozenset[str], frozenset[Read]]] = {}   # module -> (names, what was read)
        self._dynamic_of: dict[str, tuple[FileFacts, frozenset[str]]] = {}
        self._tails: dict[str, SourceFile | None] | None = None   # see `file_ending_in`
        # what is being worked out has read these files and asked these questions (innermost last)
        self._recording: list[set[Read]] = []

    @classmethod
    def load(cls, root: Path, *, source_roots: Iterable[str] = (), cache: bool = True,
             jobs: int | None = None, cache_dir: Path | None = None, remember_stats: bool = True) -> Project:
        stats: dict[str, os.stat_result] = {}
        files = discover(root, source_roots, stats)
        roots = [r.rstrip("/") + "/" for r in source_roots if r not in ("", ".")]

        def rank(source: SourceFile) -> int:   # the position of the (deepest) source root it is under
            under = [(len(r), -i) for i, r in enumerate(roots) if source.path.startswith(r)]
            return -max(under)[1] if under else len(roots)

        # files of an earlier source root first (stable otherwise): it is the one imported, as on sys.path
        files.sort(key=rank)
        return cls(root, files, Reader(root, files, cache=cache, jobs=jobs, cache_dir=cache_dir,
                                       remember_stats=remember_stats, stats=stats))

    def file_named(self, path: str) -> SourceFile | None:
        """The file a path literal names: the file at `path` (relative to the root), else the one file whose
        path ends in `/path`."""
        self._asked("file", path)
        return self.by_path.get(path) or self.file_ending_in(path)

    def file_ending_in(self, tail: str) -> SourceFile | None:
        """The one file whose path ends in `/tail` (`tail`: a relative path), or None (none, or several)."""
        if self._tails is None:
            tails: dict[str, SourceFile | None] = {}
            for path, source in self.by_path.items():
                at = path.find("/")
                while at >= 0:
                    tail_here = path[at + 1:]
                    tails[tail_here] = None if tail_here in tails else source
                    at = path.find("/", at + 1)
            self._tails = tails
        return self._tails.get(tail)

    def shadowed_files(self) -> list[str]:
        """One line per file left out because another file is the same module."""
        return [f"{f.path}: not read: module {f.module} is {winner.path} (the first on the import path wins)"
                for f, winner in self.shadowed]

    # -- facts ------------------------------------------------------------------------------------
    def widen_focus(self, words: Iterable[str], modules: Iterable[tuple[str, str]] = ()) -> None:
        """From now on, parse for these words and (package, module) pairs too (see `ParsedFacts.widen`)."""
        self._parsed.widen(words, modules)

    def focus_key(self) -> tuple | None:
        """What files are parsed for now (see `widen_focus`): None while they are parsed whole."""
        return self._parsed.focus.key() if self._parsed.focus is not None else None

    def parse(self, paths: Iterable[str]) -> dict[str, FileFacts]:
        return self._parsed.parse(paths)

    def complete(self, paths: Iterable[str]) -> None:
        """Parse whole the files of `paths` whose facts left some defs or classes out: what a search did
        not need can still hold a syntax error (and a file that does not parse cannot be edited)."""
        self._parsed.complete(paths)

    def light(self) -> dict[str, FileFacts]:
        missing = [f.path for f in self.files if f.path not in self._light and f.path not in self._parsed.by_path]
        if missing:
            self._light.update(self.reader.facts(missing, full=False))
        return {f.path: self._parsed.by_path.get(f.path) or self._light[f.path] for f in self.files}

    def know_imports(self, path: str, modules: tuple[str, ...]) -> None:
        """What a parse of `path` found it imports, known without parsing it now (see `analysis.site_memo`): the
        module graph takes it instead of the line scan's guess, as it would take the parsed facts."""
        source = self.by_path[path]
        self._light[path] = FileFacts(path=path, module=source.module, is_package=source.is_package, full=False,
                                      imported_modules=modules)

    @contextmanager
    def recording(self) -> Iterator[set[Read]]:
        """What the work done inside depends on: the path of every file whose facts (or text) it is given,
        and every question it asks about which files are which modules, as `(kind, key)` (`answer` gives
        what the layout answers now: a file added, deleted or moved changes the answers it changes)."""
        paths: set[Read] = set()
        self._recording.append(paths)
        try:
            yield paths
        finally:
            self._recording.pop()
            if self._recording:
                self._recording[-1] |= paths

    def _read_from(self, path: str) -> None:
        if self._recording:
            self._recording[-1].add(path)

    def _asked(self, kind: str, key: str) -> None:
        if self._recording:
            self._recording[-1].add((kind, key))

    def answer(self, question: tuple[str, str]) -> str | None:
        """What the layout answers a question `recording` recorded, now: for ("module", name) the module's
        path ("" for a package with no file of its own), for ("file", path) the module of the file a path
        literal names; None for nothing."""
        kind, key = question
        if kind == "module":
            source = self.by_module.get(key)
            return source.path if source is not None else ("" if key in self.packages else None)
        source = self.by_path.get(key) or self.file_ending_in(key)
        return source.module if source is not None else None

    def facts_of(self, module: str) -> FileFacts | None:
        self._asked("module", module)
        source = self.by_module.get(module)
        if source is None:
            return None
        self._read_from(source.path)
        facts = self._parsed.checked(source.path)
        if facts is not None:
            return facts
        return self.parse([source.path])[source.path]

    @property
    def parsed(self) -> dict[str, FileFacts]:
        """Every file parsed so far (facts for an earlier, narrower focus may lack what `parse` would add)."""
        return dict(self._parsed.by_path)

    def errors(self) -> list[str]:
        return sorted(f.error for f in self._parsed.by_path.values() if f.error)

    def module_exists(self, module: str) -> bool:
        self._asked("module", module)
        return module in self.by_module or module in self.packages

    def is_internal(self, module: str) -> bool:
        top = module.split(".")[0]
        self._asked("module", top)
        return top in self.packages or top in self.by_module

    def in_packages(self, module: str, packages: Iterable[str]) -> bool:
        return any(module == p or module.startswith(p + ".") for p in packages)

    # -- resolution -------------------------------------------------------------------------------
    def binding(self, module: str, name: str) -> Binding | None:
        """The binding of `name` at the top of `module` that Python uses at runtime."""
        facts = self.facts_of(module)
        if facts is None:
            return None
        candidates = self._index(facts)[0].get(name, ())
        if len(candidates) == 1:
            return candidates[0]
        for prefer in (lambda b: not b.fallback and not b.type_checking, lambda b: not b.type_checking,
                       lambda b: True):
            chosen = [b for b in candidates if prefer(b)]
            if chosen:
                return chosen[0]
        return None

    def import_for(self, facts: FileFacts, name: str) -> ImportFact | None:
        matches = self._index(facts)[1].get(name)
        return matches[0] if matches else None

    def _index(self, facts: FileFacts) -> tuple[dict[str, list[Binding]], dict[str, list[ImportFact]]]:
        """Per file: bindings by name, and module-level imports by the local name they bind (preferred first)."""
        found = self._indexes.get(facts.path)
        if found is None or found[0] is not facts:
            bindings: dict[str, list[Binding]] = {}
            for binding in facts.bindings:
                bindings.setdefault(binding.name, []).append(binding)
            imports: dict[str, list[ImportFact]] = {}
            for imp in facts.imports:
                if imp.scope == MODULE_SCOPE and not imp.in_class and imp.asname:
                    imports.setdefault(imp.asname, []).append(imp)
            for group in imports.values():
                group.sort(key=lambda i: (i.fallback, i.type_checking))
            found = self._indexes[facts.path] = (facts, bindings, imports)
        return found[1], found[2]

    def resolve(self, module: str, name: str) -> Symbol:
        key = (module, name)
        if key in self._resolving:
            return Symbol(module, name, "missing", (f"{module}:{name} (import cycle)",))
        self._resolving.add(key)
        try:
            return self._resolve(module, name)
        finally:
            self._resolving.discard(key)

    def _resolve(self, module: str, name: str) -> Symbol:
        here = f"{module}:{name}"
        if not self.module_exists(module):
            if self.is_internal(module):
                return Symbol(module, name, "missing", (here,))
            return Symbol(module, name, "external", (here,))
        binding = self.binding(module, name)
        facts = self.facts_of(module)
        if binding is None or facts is None:
            if self.module_exists(f"{module}.{name}"):
                return Symbol(f"{module}.{name}", "", "module", (here,))
            for star in (facts.imports if facts else ()):
                if star.name == "*" and star.scope == MODULE_SCOPE and star.module:
                    exported = self._star_exports(star.module)
                    if name in exported:
                        found = self.resolve(star.module, name)
                        return Symbol(found.module, found.name, found.kind, (here, *found.via))
            return Symbol(module, name, "missing", (here,))
        if binding.kind in ("class", "function"):
            return Symbol(module, name, binding.kind, (here,))
        if binding.kind == "import":
            found = self._follow_import(facts, name)
            return Symbol(found.module, found.name, found.kind, (here, *found.via))
        assign = facts.assign_named(name)
        if assign is None:
            return Symbol(module, name, "value", (here,))
        if assign.value == "type_call":
            return Symbol(module, name, "dynamic", (here,))
        if assign.value == "ref" and assign.target:
            found = self.resolve_expression(module, assign.target)
            return Symbol(found.module, found.name, found.kind, (here, *found.via))
        return Symbol(module, name, "value", (here,))

    def _follow_import(self, facts: FileFacts, name: str) -> Symbol:
        imp = self.import_for(facts, name)
        if imp is None or not imp.module:
            return Symbol(facts.module, name, "missing", ())
        if imp.name and imp.module == facts.module and self.module_exists(f"{imp.module}.{imp.name}"):
            # a package's own `from . import sub`: the submodule (Python imports it and binds it here)
            return Symbol(f"{imp.module}.{imp.name}", "", "module", ())
        if imp.name is None:
            # `import a.b.c` binds `a`; `import a.b.c as x` binds `x` to `a.b.c`
            plain = imp.asname == imp.module.split(".")[0]
            target = imp.module.split(".")[0] if plain else imp.module
            return Symbol(target, "", "module" if self.module_exists(target) else "external", ())
        return self.resolve(imp.module, imp.name)

    def resolve_expression(self, module: str, expression: str) -> Symbol:
        """Resolve a dotted expression (`a.b.C`) as written at the top of `module`."""
        first, *rest = expression.split(".")
        symbol = self.resolve(module, first)
        for part in rest:
            if symbol.kind != "module":
                return Symbol(symbol.module, f"{symbol.name}.{part}", "value" if symbol.kind != "missing" else "missing",
                              symbol.via)
            found = self.resolve(symbol.module, part)
            symbol = Symbol(found.module, found.name, found.kind, (*symbol.via, *found.via))
        return symbol

    def star_provider(self, module: str, name: str, seen: frozenset[str] = frozenset()) -> str | None:
        """The module whose own binding `from module import *` hands out as `name` (through the chain of
        star imports), or None."""
        facts = self.facts_of(module)
        if facts is None or module in seen or name not in self.star_exports(module):
            return None
        if any(b.name == name for b in facts.bindings):
            return module
        for star in self._stars(facts):
            found = self.star_provider(star, name, seen | {module})
            if found is not None:
                return found
        return None

    def star_exports(self, module: str) -> set[str]:
        """What `from module import *` binds (see `_star_exports`), remembered per module."""
        found = self._stars_of.get(module)
        if found is None:
            with self.recording() as paths:
                names = frozenset(self._star_exports(module))
            found = self._stars_of[module] = (names, frozenset(paths))
        else:
            for path in found[1]:
                self._read_from(path)
        return set(found[0])

    def _star_exports(self, module: str, seen: frozenset[str] = frozenset()) -> set[str]:
        """What `from module import *` binds: its `__all__`, else its public names (its own star
        imports' included)."""
        facts = self.facts_of(module)
        if facts is None or module in seen:
            return set()
        if facts.all_names is not None:
            return {n for n, _ in facts.all_names}
        names = {b.name for b in facts.bindings if not b.name.startswith("_")}
        for star in self._stars(facts):
            names |= self._star_exports(star, seen | {module})
        return names

    @staticmethod
    def _stars(facts: FileFacts) -> list[str]:
        return [i.module for i in facts.imports if i.name == "*" and i.scope == MODULE_SCOPE and i.module]

    def exports(self, module: str) -> set[str]:
        """Every name `module` binds at its top level (what `from module import X` can take), and the names
        its `__getattr__` hook hands out from literal tests and tables (see `dynamic_names`)."""
        facts = self.facts_of(module)
        if facts is None:
            return set()
        names = {b.name for b in facts.bindings} | self.dynamic_names(module)
        for star in self._stars(facts):
            names |= self._star_exports(star, frozenset({module}))
        return names

    def dynamic_names(self, module: str) -> set[str]:
        """The names `module`'s `__getattr__` hook is seen to hand out: those it tests for, and the keys of
        the literal tables it reads, its own or another module's (Pygments' `LEXERS`)."""
        facts = self.facts_of(module)
        if facts is None or not facts.dynamic_hook:
            return set()
        for source, _ in facts.dynamic_tables:
            self._asked("module", source)
        tables = [(self.by_module[source], table) for source, table in facts.dynamic_tables if source in self.by_module]
        for found, _ in tables:
            self._read_from(found.path)
        known = self._dynamic_of.get(module)
        if known is None or known[0] is not facts:
            names = {n for n, _ in facts.dynamic_names}
            for found, table in tables:
                names.update(literal_keys(self.reader.data(found.path).decode("utf-8", "replace"), table))
            known = self._dynamic_of[module] = (facts, frozenset(names))
        return set(known[1])

    def names_are_open(self, module: str, seen: frozenset[str] = frozenset()) -> bool:
        """Whether `module` can bind names its source does not show: a module `__getattr__`, a star import
        from a module outside the project (a C extension, another distribution), or a file that does not
        parse. Saying such a module lacks a name would be a guess."""
        facts = self.facts_of(module)
        if facts is None or facts.error or module in seen:
            return facts is None or bool(facts.error)
        if facts.dynamic_hook or any(b.name == "__getattr__" for b in facts.bindings):
            return True
        return any(not self.module_exists(star) or self.names_are_open(star, seen | {module})
                   for star in self._stars(facts))
