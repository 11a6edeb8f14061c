"""What the schedule needs to know about a module, as plain values (so making it stays pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from refactor.analysis.project import Project
from refactor.reading.facts import TopStatement


@dataclass(frozen=True)
class ModuleInfo:
    module: str
    path: str
    is_package: bool
    exports: frozenset[str]                     # names bound at its top level
    toplevel: tuple[TopStatement, ...]
    public: frozenset[str] = frozenset()        # what other modules may import from it: its own definitions,
    #                                             and imports only when it is a package or lists them in __all__
    origins: tuple[tuple[str, str], ...] = ()   # imported or aliased name -> "module:name" where it really lives
    uses: tuple[tuple[str, tuple[int, ...]], ...] = ()  # name -> lines where the name appears as a word
    all_lines: tuple[int, ...] = ()             # lines of its `__all__` entries
    open_names: bool = False                    # it can bind names its source does not show
    holds_modules: bool = False                 # a package with modules of its own under it

    def origin(self, name: str) -> str | None:
        return dict(self.origins).get(name)

    def use_lines(self, name: str) -> tuple[int, ...]:
        return dict(self.uses).get(name, ())

    def uses_besides(self, name: str, first: int, last: int = 0) -> tuple[int, ...]:
        """Lines using `name` outside its definition (lines first..last) and `__all__`: the module still needs it."""
        last = max(first, last)
        return tuple(n for n in self.use_lines(name) if not first <= n <= last and n not in self.all_lines)


def describe_modules(project: Project, modules: Iterable[str], names: Iterable[str] = (),
                     origins_for: Iterable[str] = ()) -> dict[str, ModuleInfo]:
    """ModuleInfo for each existing module; `uses` counts the given names' word occurrences per line;
    `origins` (where imported names really live) only for `origins_for`, the modules that may be deleted."""
    origins_for = set(origins_for)
    names = sorted(set(names))
    word = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b") if names else None
    out = {}
    for module in sorted(set(modules)):
        facts = project.facts_of(module)
        if facts is None or facts.error:
            continue
        origins = []
        aliases = {n for s in facts.toplevel if s.kind == "alias" for n in s.names}
        for binding in facts.bindings if module in origins_for else ():
            if binding.kind == "import" or (binding.kind == "assign" and binding.name in aliases):
                symbol = project.resolve(module, binding.name)
                if symbol.kind not in ("missing", "external") and (binding.kind == "import" or symbol.module != module):
                    origins.append((binding.name, symbol.ref))
        uses: dict[str, list[int]] = {}
        if word is not None:
            text = project.reader.data(facts.path).decode("utf-8", "replace")
            for number, line in enumerate(text.splitlines(), 1):
                for match in word.finditer(line):
                    uses.setdefault(match.group(1), []).append(number)
        in_all = {n for n, _ in facts.all_names or ()}
        exports = frozenset(project.exports(module))
        imported = {b.name for b in facts.bindings if b.kind == "import"}
        public = frozenset(n for n in exports if n not in imported or facts.is_package or n in in_all)
        out[module] = ModuleInfo(
            module=module, path=facts.path, is_package=facts.is_package, exports=exports, public=public,
            toplevel=facts.toplevel, origins=tuple(origins),
            uses=tuple((k, tuple(v)) for k, v in sorted(uses.items())),
            all_lines=tuple(sorted({line for _, line in facts.all_names or ()})),
            open_names=project.names_are_open(module),
            holds_modules=facts.is_package and any(f.module.startswith(module + ".") for f in project.files),
        )
    return out
