"""The family's definitions: every class, alias, wrapper, stand-in, factory and protocol, and what each is.

`take_inventory(project, plan)` reads only what it needs: the plan's packages are searched for the
family's names (a byte search), matching files are parsed, and the search repeats with the names
found (aliases that do not match the patterns) until nothing new turns up.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from refactor.analysis import status
from refactor.analysis.module_graph import is_test_file
from refactor.analysis.project import Project, Symbol
from refactor.errors import PlanError
from refactor.output import counted
from refactor.planfile import Plan, Ref
from refactor.reading.facts import ClassFact, FileFacts
from refactor.reading.needles import module_pairs

CLASS_KINDS = ("class", "wrapper", "protocol", "factory", "dynamic")
_ENUM_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"}
_DOUBLE_PREFIXES = ("Mock", "Fake", "Stub", "Dummy", "Spy")
_TEST_CASE_BASES = {"TestCase", "IsolatedAsyncioTestCase", "SSotBaseTestCase", "SSotAsyncTestCase"}
_PROTOCOL_BASES = {"Protocol", "ABC", "Generic"}
_FACTORY_SUFFIXES = ("Factory", "Builder", "Provider", "Registry", "Creator")


@dataclass(frozen=True)
class Definition:
    module: str
    name: str
    kind: str                  # class | alias | wrapper | dynamic | factory | protocol
    line: int
    path: str
    resolves_to: str           # "module:Name" of the class object it is; "?" when it cannot be resolved
    detail: str                # one human sentence: "alias of X", "subclass of X, adds: a, b"
    class_object: bool         # a separate class object (counts in `distinct`)
    status: str                # one of `status.ALL`
    replacement: str | None    # "module:Name" that replaces it, None when it needs a decision
    reexport: bool = False     # a same-name re-export (package `__init__` or `__all__`): an import site, not deleted
    chain: tuple[str, ...] = ()
    end_line: int = 0          # last line of the definition (0: same as `line`)

    @property
    def ref(self) -> str:
        return f"{self.module}:{self.name}"

    @property
    def removable(self) -> bool:
        """A definition the plan deletes from its module."""
        return self.status in status.REMOVED and not self.reexport


@dataclass(frozen=True)
class Inventory:
    plan_name: str
    canonical: str
    definitions: tuple[Definition, ...]
    errors: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    # definitions that match the family's patterns but are not members, each with why: a test double or test
    # case in test code, an enum, an exception, or a class tied to the canonical by nothing but its name
    apart: tuple[tuple[Definition, str], ...] = ()

    @property
    def distinct(self) -> int:
        return sum(1 for d in self.definitions if d.class_object and d.status != status.KEPT)

    @property
    def names(self) -> int:
        return len(self.definitions)

    def get(self, module: str, name: str) -> Definition | None:
        return next((d for d in self.definitions if d.module == module and d.name == name), None)

    def modules(self) -> list[str]:
        return sorted({d.module for d in self.definitions})

    def redundant_modules(self) -> list[str]:
        return sorted({d.module for d in self.definitions if d.removable})

    def to_json(self) -> dict:
        return {
            "plan": self.plan_name,
            "canonical": self.canonical,
            "distinct": self.distinct,
            "names": self.names,
            "family": [
                {"module": d.module, "name": d.name, "kind": d.kind, "line": d.line, "path": d.path,
                 "resolves_to": d.resolves_to, "detail": d.detail, "status": d.status,
                 "replacement": d.replacement, "class_object": d.class_object, "reexport": d.reexport,
                 "chain": list(d.chain)}
                for d in self.definitions
            ],
            "redundant_modules": self.redundant_modules(),
            "apart": [{"module": d.module, "name": d.name, "kind": d.kind, "line": d.line, "path": d.path,
                       "why": why} for d, why in self.apart],
            "errors": list(self.errors),
            "warnings": list(self.warnings),
        }


def _next_hop(chain: tuple[str, ...], final: str) -> str:
    """The first hop of an alias chain that names another module's binding (skipping same-module steps)."""
    first_module = chain[0].partition(":")[0] if chain else ""
    for hop in chain[1:]:
        if hop.partition(":")[0] != first_module:
            return hop
    return final


def literal_fragments(pattern: str) -> list[str]:
    """The longest literal piece of a glob pattern: any name matching it contains that piece."""
    pieces = [p for p in re.split(r"[*?]|\[[^\]]*\]", pattern) if p]
    return [max(pieces, key=len)] if pieces else []


class _Matcher:
    def __init__(self, plan: Plan) -> None:
        self.family, self.exclude = plan.family, plan.exclude
        self._members: dict[str, bool] = {}   # name -> member_name(name): asked many times per name

    def member_name(self, name: str) -> bool:
        found = self._members.get(name)
        if found is None:
            found = self._members[name] = \
                any(fnmatch.fnmatchcase(name, p) for p in self.family) and not self.excluded(name)
        return found

    def excluded(self, name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, p) for p in self.exclude)


def take_inventory(project: Project, plan: Plan, *, require_canonical: bool = True,
                   sites_next: bool = True) -> Inventory:
    """The family's rows. `require_canonical=False` (for `refactor init`, before a canonical is chosen)
    accepts a plan whose canonical names nothing: every class then needs a decision. `sites_next`: the
    caller searches for the family's sites next (git is then asked for that search's words too)."""
    return _Inventory(project, plan, require_canonical=require_canonical, sites_next=sites_next).build()


def tie_counts(project: Project, plan: Plan, survey: Inventory, refs: Iterable[str]) -> dict[str, int]:
    """For each of `refs`, how many other classes of `survey` (an inventory taken before a canonical is
    chosen) would be tied to it were it the canonical. A class nothing is tied to, and that is tied to
    nothing, shares only its name with the family."""
    inventory = _Inventory(project, plan, require_canonical=False)
    classes = {d.ref for d in survey.definitions if d.class_object or d.kind == "factory"}
    return {ref: len(inventory._tied(classes | {ref}, ref, set()) - {ref}) for ref in refs}


class _Inventory:
    def __init__(self, project: Project, plan: Plan, *, require_canonical: bool = True,
                 sites_next: bool = True) -> None:
        self.project, self.plan, self.match = project, plan, _Matcher(plan)
        self.require_canonical, self.sites_next = require_canonical, sites_next
        self.package_paths = [f.path for f in project.files if project.in_packages(f.module, plan.packages)]
        self.members: dict[tuple[str, str], ClassFact | None] = {}   # class objects: (module, name) -> fact
        self.warnings: list[str] = project.shadowed_files()
        self._sources_by_path: dict[str, tuple[FileFacts, dict[str, tuple[str | None, bool]]]] = {}
        # family names so far (before `init` chooses, the plan's canonical is a placeholder that names nothing)
        self.known: set[str] = {k.name for k, _ in plan.mapping} | ({plan.canonical.name} if require_canonical else set())

    # -- finding the files -------------------------------------------------------------------
    def _load(self) -> dict[str, FileFacts]:
        needles = {f for p in self.plan.family for f in literal_fragments(p)} | self.known
        parsed: dict[str, FileFacts] = {}
        searched: set[str] = set()
        holders: set[str] = set()   # modules that define or alias a family name, as far as parsed
        while True:
            # a file that holds a name holding a needle searched before holds that needle: it is parsed
            # already (every file a search finds is), so only names holding none are searched for
            wanted = {n for n in needles - searched if not any(old in n for old in searched)}
            fresh, searched = needles - searched, searched | needles
            self.project.widen_focus(fresh)   # a def or class that names none of these need not be parsed
            unparsed = [p for p in self.package_paths if p not in parsed]
            # (the names and modules found so far are what the site search will look for: git is asked
            # for them now too, once for both searches; with no site search next, only for these names,
            # as a module's own name, such as `db`, is in nearly every file)
            ahead = (self.known, module_pairs(holders)) if self.sites_next else ((), ())
            todo = self.project.reader.search(wanted, unparsed, ahead=ahead) if wanted else []
            canonical = self.project.by_module.get(self.plan.canonical.module)
            if canonical and canonical.path not in parsed and canonical.path not in todo:
                todo.append(canonical.path)
            # files parsed for fewer names are parsed again where a new name is in what they left out
            before = dict(parsed)
            parsed.update(self.project.parse([*parsed, *todo]))
            if not todo and all(parsed[p] is before[p] for p in before):
                return parsed
            self._find_members(parsed)
            self.known |= {name for _, name in self.members}
            holders |= {module for module, _ in self.members}
            while True:   # aliases of aliases, within what is parsed, until nothing new turns up
                found = set()
                for facts in parsed.values():
                    names = self._aliases_in(facts)
                    found |= names
                    if any(b.kind == "assign" and b.name in names for b in facts.bindings):
                        holders.add(facts.module)
                if not found:
                    break
                self.known |= found
            needles |= self.known

    def _aliases_in(self, facts: FileFacts) -> set[str]:
        """Names a file binds, not known yet, that are (chains of) aliases of family members."""
        names = set()
        for name in self._sources(facts):
            if name not in self.known and self._may_alias(facts, name):
                symbol = self.project.resolve(facts.module, name)
                if (symbol.module, symbol.name) in self.members:
                    names.add(name)
        return names

    def _may_alias(self, facts: FileFacts, name: str) -> bool:
        """Whether a binding's source names a known family name (so resolving it is worth the parsing)."""
        if name in self.known or self.match.member_name(name):
            return True
        source, always = self._sources(facts).get(name, (None, False))
        return always or source in self.known

    def _sources(self, facts: FileFacts) -> dict[str, tuple[str | None, bool]]:
        """Each name a file binds by assignment or import: the name its value comes from (an assignment's
        `x = a.Name`, an import's `from m import Name as x`), and whether it may be a family member
        whatever the names known (`import m as x`: a module). Kept while the file's facts are the same."""
        held = self._sources_by_path.get(facts.path)
        if held is None or held[0] is not facts:
            assigns = {a.name: a for a in reversed(facts.assigns)}   # (the first of each name)
            sources: dict[str, tuple[str | None, bool]] = {}
            for name in dict.fromkeys(b.name for b in facts.bindings if b.kind in ("assign", "import")):
                assign = assigns.get(name)
                if assign is not None:
                    sources[name] = ((assign.target or "").rpartition(".")[2] if assign.value == "ref" else None, False)
                    continue
                imp = self.project.import_for(facts, name)
                sources[name] = (None, False) if imp is None else (imp.name, imp.name is None and imp.asname == name)
            held = self._sources_by_path[facts.path] = (facts, sources)
        return held[1]

    def _find_members(self, parsed: dict[str, FileFacts]) -> None:
        for facts in parsed.values():
            for cls in facts.classes:
                if self.match.member_name(cls.name) and self.project.binding(facts.module, cls.name):
                    self.members.setdefault((facts.module, cls.name), cls)
            for assign in facts.assigns:
                if assign.value == "type_call" and self.match.member_name(assign.name):
                    self.members.setdefault((facts.module, assign.name), None)
        canonical = (self.plan.canonical.module, self.plan.canonical.name)
        facts = self.project.facts_of(self.plan.canonical.module)
        if facts is not None and facts.class_named(self.plan.canonical.name):
            self.members.setdefault(canonical, facts.class_named(self.plan.canonical.name))
        changed = True
        while changed:  # stand-ins with other names: thin subclasses, redirects, type() copies
            changed = False
            for facts in parsed.values():
                for cls in facts.classes:
                    key = (facts.module, cls.name)
                    if key not in self.members and not self.match.excluded(cls.name) and self._stands_in(facts, cls):
                        self.members[key] = cls
                        changed = True
                for assign in facts.assigns:
                    key = (facts.module, assign.name)
                    if assign.value == "type_call" and key not in self.members and assign.type_namespace_empty \
                            and not self.match.excluded(assign.name) \
                            and any(self._member_symbol(facts.module, b) for b in assign.type_bases):
                        self.members[key] = None
                        changed = True

    def _stands_in(self, facts: FileFacts, cls: ClassFact) -> bool:
        if cls.substance or cls.new_raises:
            return False
        if cls.new_returns and self._member_symbol(facts.module, cls.new_returns):
            return True
        return any(self._member_symbol(facts.module, b) for b in cls.bases)

    def _member_symbol(self, module: str, expression: str) -> Symbol | None:
        if expression == "<expr>":
            return None
        symbol = self.project.resolve_expression(module, expression)
        return symbol if (symbol.module, symbol.name) in self.members else None

    # -- building the rows -------------------------------------------------------------------
    def build(self) -> Inventory:
        parsed = self._load()
        self._complete_wrappers(parsed)
        canonical_key = (self.plan.canonical.module, self.plan.canonical.name)
        if canonical_key not in self.members and self.require_canonical:
            self._missing_canonical()
        rows: list[Definition] = []
        for path in sorted(parsed):
            facts = parsed[path]
            if facts.error:
                continue
            for name in dict.fromkeys(b.name for b in facts.bindings):
                binding = self.project.binding(facts.module, name)
                if binding.kind in ("assign", "import") and not self._may_alias(facts, name):
                    continue
                row = self._row(facts, name)
                if row is not None:
                    rows.append(row)
            rows.extend(self._star_rows(facts))
            handed_out = [(n, line) for n, line in facts.dynamic_names if self.match.member_name(n)]
            if handed_out:   # a module `__getattr__` (PEP 562): no binding shows these, no stage removes them
                self.warnings.append(
                    f"{facts.path}:{handed_out[0][1]}: the module __getattr__ of {facts.module} hands out "
                    f"{', '.join(n for n, _ in handed_out)} at run time, which no stage audits or rewrites: "
                    f"review those branches and their uses by hand")
        rows = [replace(r, end_line=self._end_line(r)) for r in rows]
        apart = self._apart(rows)
        set_apart = tuple((r, apart[r.ref]) for r in rows if r.ref in apart)
        self.warnings.extend(self._family_warnings(rows, set_apart))
        rows = self._decide([r for r in rows if r.ref not in apart])
        self._validate_plan_refs(rows)
        errors = tuple(sorted(f.error for f in parsed.values() if f.error))
        return Inventory(self.plan.name, str(self.plan.canonical), tuple(rows), errors, tuple(self.warnings),
                         set_apart)

    # -- who is a member: tied to the canonical, not test code, not an enum or exception ------------
    def _apart(self, rows: list[Definition]) -> dict[str, str]:
        """ref -> why, for the rows that match the family's patterns but are not members. A plan's exact
        names (no wildcard) are always members; so is the canonical."""
        named = {p for p in self.plan.family if not any(c in p for c in "*?[")}
        canonical = str(self.plan.canonical)
        decided = {str(k) for k, _ in self.plan.mapping} | {str(k) for k in self.plan.keep}
        why: dict[str, str] = {}
        classes = {r.ref: r for r in rows if r.class_object or r.kind == "factory"}
        for ref, row in classes.items():
            if ref == canonical or row.name in named or ref in decided:
                continue
            if is_test_file(row.path) and not self.plan.test_members:
                why[ref] = "test code (a test double or test case)"
                continue
            kind = self._kind_apart(row)
            if kind:
                why[ref] = kind
        if canonical in classes:
            tied = self._tied({ref for ref in classes if ref not in why}, canonical, named | decided)
            for ref, row in classes.items():
                if ref not in tied and ref not in why:
                    why[ref] = "name match only (nothing ties it to the canonical)"
        for row in rows:   # an alias goes with what it resolves to
            if row.ref not in classes and row.resolves_to in why:
                why[row.ref] = why[row.resolves_to]
        return why

    def _family_warnings(self, rows: list[Definition], apart: tuple[tuple[Definition, str], ...]) -> list[str]:
        out = []
        canonical = self.plan.canonical
        if self.require_canonical and not self.match.member_name(canonical.name) \
                and canonical.name not in self.plan.family:
            out.append(f"{self.plan.path}: plan.canonical {canonical} does not match plan.family "
                       f"{list(self.plan.family)}: add {canonical.name!r} to plan.family")
        names = [r.name for r in rows]
        for pattern in self.plan.family:
            if pattern != canonical.name and not any(fnmatch.fnmatchcase(n, pattern) for n in names):
                out.append(f"{self.plan.path}: plan.family pattern {pattern!r} matches no definition")
        only_names = sorted({d.name for d, why in apart if why.startswith("name match only")})
        if only_names:
            shown = ", ".join(only_names[:8]) + (f" and {len(only_names) - 8} more" if len(only_names) > 8 else "")
            out.append(f"not counted, matching plan.family by name alone: {counted(len(only_names), 'class', 'classes')} "
                       f"({shown}); "
                       f"`exclude = {json.dumps(only_names)}` says so in the plan; naming one in plan.family "
                       f"counts it in")
        return out

    def _kind_apart(self, row: Definition) -> str:
        if row.name.startswith(_DOUBLE_PREFIXES):
            return "a test double (by its name)"
        facts = self.project.facts_of(row.module)
        cls = facts.class_named(row.name) if facts and row.kind != "factory" else None
        if cls is None:
            return ""
        ancestry = {b.rpartition(".")[2] for b in cls.bases} | {self.project.resolve_expression(row.module, b).name
                                                               for b in cls.bases if b != "<expr>"}
        if ancestry & _ENUM_BASES:
            return "an enum"
        if ancestry & _TEST_CASE_BASES:
            return "a test case"
        if any(b.endswith(("Error", "Exception", "Warning")) for b in ancestry) or ancestry & {"BaseException"}:
            return "an exception"
        return ""

    def _tied(self, candidates: set[str], canonical: str, named: set[str]) -> set[str]:
        """The candidates tied to the canonical, directly or through each other: a subclass of a tied class
        or a base of one (a protocol or ABC it implements), a `type()` copy of one, a `__new__` returning
        one, an adapter holding one, a factory building one. (Aliases are tied through what they resolve to.)"""
        tied = {canonical} | {r for r in candidates if r.partition(":")[2] in named or r in named}
        links: dict[str, set[str]] = {}
        for ref in candidates:
            module, _, name = ref.partition(":")
            facts = self.project.facts_of(module)
            found: set[str] = set()
            if facts is None:
                links[ref] = found
                continue
            cls = facts.class_named(name)
            assign = facts.assign_named(name)
            function = facts.function_named(name)
            exprs: list[str] = []
            if cls is not None:
                exprs = [*cls.bases, *filter(None, [cls.new_returns]), *cls.composes, *cls.returns]
                if self._implemented_by_canonical(cls, canonical):
                    found.add(canonical)   # a protocol or ABC whose every method the canonical has
                # a subclass of a family-named class that no longer resolves (an import broken at the base)
                found |= {canonical for b in cls.bases if b != "<expr>" and self.match.member_name(b.rpartition(".")[2])
                          and self.project.resolve_expression(module, b).kind == "missing"}
            elif assign is not None and assign.value == "type_call":
                exprs = list(assign.type_bases)
            elif function is not None:
                exprs = list(function.returns)
            for expr in exprs:
                if expr != "<expr>":
                    symbol = self.project.resolve_expression(module, expr)
                    found.add(f"{symbol.module}:{symbol.name}")
            links[ref] = found
        links.setdefault(canonical, self._bases_of(canonical))
        changed = True
        while changed:
            changed = False
            for ref in candidates - tied:
                # it points at a tied class, or a tied class points at it (a base the canonical implements)
                if links[ref] & tied or any(ref in links.get(t, ()) for t in tied):
                    tied.add(ref)
                    changed = True
        return tied

    def _implemented_by_canonical(self, cls: ClassFact, canonical: str) -> bool:
        """Whether `cls` is a protocol or abstract base whose methods the canonical all has (it describes the
        canonical even where the canonical does not name it as a base)."""
        bases = {b.rpartition(".")[2] for b in cls.bases}
        if not (bases & _PROTOCOL_BASES or cls.abstract or (cls.metaclass or "").endswith("ABCMeta")) \
                or not cls.methods:
            return False
        module, _, name = canonical.partition(":")
        facts = self.project.facts_of(module)
        own = facts.class_named(name) if facts else None
        return own is not None and set(cls.methods) <= set(own.methods)

    def _bases_of(self, ref: str) -> set[str]:
        module, _, name = ref.partition(":")
        facts = self.project.facts_of(module)
        cls = facts.class_named(name) if facts else None
        if cls is None:
            return set()
        out = set()
        for base in cls.bases:
            if base != "<expr>":
                symbol = self.project.resolve_expression(module, base)
                out.add(f"{symbol.module}:{symbol.name}")
        return out

    def _complete_wrappers(self, parsed: dict[str, FileFacts]) -> None:
        """Modules holding a subclass of a member with something of its own, parsed whole: whether what it
        adds only logs (through a function of its module that a partial parse left out) decides whether it
        is a thin wrapper."""
        partial = sorted({self.project.by_module[m].path for (m, _), cls in self.members.items()
                          if cls is not None and cls.substance and cls.bases and m in self.project.by_module
                          and (facts := parsed.get(self.project.by_module[m].path)) is not None and facts.skipped})
        if not partial:
            return
        self.project.complete(partial)
        for path in partial:
            facts = parsed[path] = self.project.facts_of(self.project.by_path[path].module)
            for (module, name), cls in list(self.members.items()):
                if module == facts.module and cls is not None:
                    self.members[(module, name)] = facts.class_named(name) or cls

    def _missing_canonical(self) -> None:
        module, name = self.plan.canonical.module, self.plan.canonical.name
        source = self.project.by_module.get(module)
        if source is None:
            raise PlanError(self.plan.path, "plan.canonical", f"module {module} not found under {self.project.root}")
        facts = self.project.facts_of(module)
        if facts is not None and facts.error:
            raise PlanError(self.plan.path, "plan.canonical", f"cannot read {facts.error}")
        raise PlanError(self.plan.path, "plan.canonical", f"no class {name} defined in {source.path}")

    def _end_line(self, row: Definition) -> int:
        facts = self.project.facts_of(row.module)
        if facts is None or row.reexport:
            return row.line
        found = facts.class_named(row.name) or facts.assign_named(row.name) or facts.function_named(row.name)
        return found.end_line if found is not None and found.line == row.line else row.line

    def _star_rows(self, facts: FileFacts) -> list[Definition]:
        """Family names a package re-exports through `from .m import *`: re-exports like any other."""
        if not facts.is_package:
            return []
        bound = {b.name for b in facts.bindings}
        rows = []
        for star in facts.imports:
            if star.name != "*" or star.scope or not star.module:
                continue
            for name in sorted(self.project.exports(star.module) - bound):
                symbol = self.project.resolve(facts.module, name)
                if (symbol.module, symbol.name) in self.members:
                    final = f"{symbol.module}:{symbol.name}"
                    hop = _next_hop(symbol.via, final)
                    detail = f"star re-export of {hop}" + (f", which is {final}" if hop != final else "")
                    rows.append(Definition(facts.module, name, "alias", star.line, facts.path, final, detail,
                                           False, "", None, reexport=True, chain=symbol.via))
        return rows

    def _row(self, facts: FileFacts, name: str) -> Definition | None:
        binding = self.project.binding(facts.module, name)
        key = (facts.module, name)
        path, line = facts.path, binding.line
        if key in self.members and binding.kind in ("class", "assign"):
            cls = self.members[key]
            if cls is None:
                assign = facts.assign_named(name)
                bases = ", ".join(assign.type_bases) if assign else ""
                detail = f"type() copy of {bases}" + ("" if assign and assign.type_namespace_empty else ", with its own namespace")
                return Definition(facts.module, name, "dynamic", line, path, f"{facts.module}:{name}", detail,
                                  True, "", None)
            kind, detail = self._classify(facts, cls)
            return Definition(facts.module, name, kind, line, path, f"{facts.module}:{name}", detail, True, "", None)
        symbol = self.project.resolve(facts.module, name)
        target = (symbol.module, symbol.name)
        if target in self.members:
            if binding.kind == "import":
                imp = self.project.import_for(facts, name)
                same_name = imp is not None and imp.name == name
                in_all = facts.all_names is not None and name in {n for n, _ in facts.all_names}
                if not facts.is_package and not in_all:
                    return None  # a consumer's own import (renamed or not) is an import site, not a definition
                reexport = same_name
                how = "re-export of" if same_name else "renaming import of"
            else:
                reexport, how = False, "alias of"
            chain = symbol.via
            final = f"{symbol.module}:{symbol.name}"
            next_hop = _next_hop(tuple(h for h in chain if not self._submodule_hop(h)), final)
            detail = f"{how} {next_hop}" + (f", which is {final}" if next_hop != final else "")
            if binding.type_checking:
                detail += " (only under TYPE_CHECKING)"
            return Definition(facts.module, name, "alias", line, path, f"{symbol.module}:{symbol.name}", detail,
                              False, "", None, reexport=reexport, chain=chain)
        if binding.kind == "function" and self.match.member_name(name):
            fn = facts.function_named(name)
            builds = [r for r in (fn.returns if fn else ()) if self._member_symbol(facts.module, r)]
            detail = "factory function" + (f" building {', '.join(builds)}" if builds else "")
            return Definition(facts.module, name, "factory", line, path, f"{facts.module}:{name}", detail,
                              False, "", None)
        exported = binding.kind == "assign" or facts.is_package or name in {n for n, _ in facts.all_names or ()}
        if exported and self.match.member_name(name) and symbol.kind == "missing":
            return Definition(facts.module, name, "alias", line, path, "?", f"alias of unresolvable {symbol.ref}",
                              False, "", None, chain=symbol.via)
        return None

    def _submodule_hop(self, hop: str) -> bool:
        """`pkg:sub` in a chain that is the lookup of submodule `pkg.sub` (`sub.Name` through `from pkg import sub`)."""
        module, _, name = hop.partition(":")
        return self.project.binding(module, name) is None and self.project.module_exists(f"{module}.{name}")

    def _classify(self, facts: FileFacts, cls: ClassFact) -> tuple[str, str]:
        bases = [b for b in cls.bases if b != "<expr>"]
        base_names = {b.rpartition(".")[2] for b in bases}
        member_bases = [b for b in bases if self._member_symbol(facts.module, b)]
        adds = f"adds: {', '.join(cls.substance)}" if cls.substance else "adds nothing"
        if base_names & _PROTOCOL_BASES or (cls.metaclass or "").endswith("ABCMeta") or cls.abstract:
            return "protocol", "typing.Protocol" if "Protocol" in base_names else "abstract base class"
        if cls.new_returns and self._member_symbol(facts.module, cls.new_returns):
            return "wrapper", f"__new__ returns {cls.new_returns}" + (f"; {adds}" if cls.substance else "")
        if cls.new_raises:
            return "class", "__new__ raises: forbids direct construction"
        if member_bases:
            # mixins and a metaclass bring behaviour a replacement lacks
            others = [b for b in bases if b not in member_bases]
            brings = ([f"mixing in {', '.join(others)}"] if others else []) + (
                [f"with metaclass {cls.metaclass}"] if cls.metaclass else [])
            if brings:
                return "wrapper", f"subclass of {', '.join(member_bases)} {' and '.join(brings)}; " \
                                  f"{adds if cls.substance else 'adds nothing of its own'}"
            return "wrapper", f"subclass of {', '.join(member_bases)}, {adds}"
        composed = [c for c in cls.composes if self._member_symbol(facts.module, c)]
        if composed:
            return "wrapper", f"wraps {', '.join(composed)} by composition (adapter)"
        # a class that makes its own instances is no factory: a factory builds another member
        builds = [r for r in cls.returns if (found := self._member_symbol(facts.module, r))
                  and (found.module, found.name) != (facts.module, cls.name)]
        if cls.name.endswith(_FACTORY_SUFFIXES) or builds:
            return "factory", "factory class" + (f" building {', '.join(builds)}" if builds else "")
        if missing := [b for b in bases if self.project.resolve_expression(facts.module, b).kind == "missing"]:
            return "class", f"subclass of unresolvable {', '.join(missing)}"
        return "class", "implementation" if cls.substance else "empty class"

    # -- decisions: what replaces each definition --------------------------------------------
    def _decide(self, rows: list[Definition]) -> list[Definition]:
        by_ref = {r.ref: r for r in rows}
        canonical = str(self.plan.canonical)
        mapped = {str(k): str(v) for k, v in self.plan.mapping}
        kept = {str(k) for k in self.plan.keep}
        memo: dict[str, tuple[str | None, str]] = {}

        def decide(ref: str, depth: int = 0) -> tuple[str | None, str]:
            if ref in memo:
                return memo[ref]
            row = by_ref.get(ref)
            if ref == canonical:
                result = (canonical, status.CANONICAL)
            elif ref in kept:
                result = (None, status.KEPT)
            elif ref in mapped:
                result = (mapped[ref], status.MAPPED)
            elif row is None or depth > 50:
                result = (None, status.NEEDS_DECISION)
            elif row.kind == "alias":
                target, found = decide(row.resolves_to, depth + 1) if row.resolves_to != "?" else (None, "")
                if target == canonical and row.resolves_to == canonical and row.reexport \
                        and row.name == self.plan.canonical.name:
                    result = (canonical, status.CANONICAL_REEXPORT)
                elif target is not None:
                    result = (target, status.MAPPED if found == status.MAPPED else status.REPLACE)
                else:
                    result = (None, status.KEPT if found == status.KEPT else status.NEEDS_DECISION)
            else:
                stand_in = self._stand_in_for(row)
                if stand_in is not None:
                    target, _ = decide(stand_in, depth + 1)
                    result = (target, status.REPLACE if target else status.NEEDS_DECISION)
                else:
                    result = (None, status.NEEDS_DECISION)
            memo[ref] = result
            return result

        return [replace(r, replacement=decide(r.ref)[0], status=decide(r.ref)[1]) for r in rows]

    def _stand_in_for(self, row: Definition) -> str | None:
        """For a thin wrapper, redirect or empty type() copy: the member it stands in for."""
        facts = self.project.facts_of(row.module)
        if facts is None:
            return None
        if row.kind == "dynamic":
            assign = facts.assign_named(row.name)
            if assign and assign.type_namespace_empty and len(assign.type_bases) == 1:
                symbol = self._member_symbol(row.module, assign.type_bases[0])
                return f"{symbol.module}:{symbol.name}" if symbol else None
            return None
        cls = facts.class_named(row.name)
        if cls is None or cls.substance or cls.new_raises:
            return None
        if cls.new_returns:
            symbol = self._member_symbol(row.module, cls.new_returns)
            return f"{symbol.module}:{symbol.name}" if symbol else None
        members = [s for s in (self._member_symbol(row.module, b) for b in cls.bases) if s]
        thin = len(members) == 1 and len(cls.bases) == 1 and cls.metaclass is None
        return f"{members[0].module}:{members[0].name}" if thin else None

    def _validate_plan_refs(self, rows: list[Definition]) -> None:
        refs = {r.ref for r in rows}
        for key, target in self.plan.mapping:
            if str(key) not in refs:
                if self.project.module_exists(key.module) and self.project.binding(key.module, key.name):
                    raise PlanError(self.plan.path, f"map.{key}", "not a definition of the family "
                                    "(see `refactor audit`)")
                self.warnings.append(f"{self.plan.path}: map.{key}: matches nothing (already removed?)")
                continue
            self._check_exists(target, f"map.{key}")
        for ref in self.plan.keep:
            if str(ref) not in refs:
                if self.project.module_exists(ref.module) and self.project.binding(ref.module, ref.name):
                    raise PlanError(self.plan.path, "plan.keep", f"{ref} is not a definition of the family")
                self.warnings.append(f"{self.plan.path}: plan.keep: {ref} matches nothing (already removed?)")

    def _check_exists(self, ref: Ref, key: str) -> None:
        if self.project.by_module.get(ref.module) is None:
            raise PlanError(self.plan.path, key, f"target module {ref.module} not found")
        symbol = self.project.resolve(ref.module, ref.name)
        if symbol.kind in ("missing", "external"):
            raise PlanError(self.plan.path, key, f"{ref.module} does not define {ref.name}")
