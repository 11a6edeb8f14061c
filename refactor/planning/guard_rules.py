"""What keeps removed modules and names from coming back: Ruff `banned-api` entries, edited into the
repository's own Ruff configuration with tomlkit so its comments and layout survive.

Pure apart from reading: schedule in, bans out; config text in, new config text out. The command
(`refactor.commands.guard`) decides where the removed things come from and writes the file.

import-linter is not configured: a `forbidden` contract naming an internal module that does not exist
is refused ("Module 'x' does not exist.", import-linter 2.x), and every deleted module is missing once
its stage is merged. Ruff's banned-api matches import statements by name, so it holds without the module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Table

from refactor.errors import RefactorError
from refactor.planning.schedule import Schedule

RULE = "TID251"
_COVERS_RULE = {"ALL", "TID", "TID2", "TID25", "TID251"}   # selectors that turn TID251 on
RUFF_FILES = (".ruff.toml", "ruff.toml", "pyproject.toml")  # Ruff's own precedence in one folder
IMPORTLINTER_NOTE = ("import-linter refuses a forbidden module that does not exist (\"Module 'x' does not exist.\"), "
                     "which every deleted module is once its stage is merged")


@dataclass(frozen=True)
class Ban:
    target: str   # dotted: "package.module.Name" for a name, "package.module" for a module
    msg: str


@dataclass(frozen=True)
class RuffEdit:
    """One Ruff configuration file before and after."""

    path: Path
    before: str
    after: str
    added: tuple[str, ...]       # banned-api entries new in this run
    updated: tuple[str, ...]     # entries of this plan whose message changed
    left: tuple[str, ...]        # entries someone else wrote for the same target: not touched
    selected: bool               # TID251 added to extend-select

    @property
    def changed(self) -> bool:
        return self.before != self.after


def owner_prefix(plan_name: str) -> str:
    return f"removed by refactor plan {plan_name}"


def bans_for(plan_name: str, schedule: Schedule) -> tuple[Ban, ...]:
    """Every stage's deleted definitions and modules, each with what to use instead."""
    prefix = owner_prefix(plan_name)
    bans: dict[str, Ban] = {}
    for stage in schedule.stages:
        for definition in stage.definitions:
            if definition.replacement is None:
                continue   # undecided: nothing to point at, and its stage is blocked anyway
            use = definition.replacement.replace(":", ".")
            target = f"{definition.module}.{definition.name}"
            bans[target] = Ban(target, f"{prefix}: use {use}")
        for module in stage.delete_modules:
            instead = sorted({d.replacement.partition(":")[0] for d in stage.definitions
                              if d.module == module and d.replacement})
            where = f"import from {' or '.join(instead)} instead" if instead else "the module was deleted"
            bans[module] = Ban(module, f"{prefix}: {where}")
    return tuple(sorted(bans.values(), key=lambda b: b.target))


def undecided(schedule: Schedule) -> tuple[str, ...]:
    return tuple(sorted(d.ref for s in schedule.stages for d in s.definitions if d.replacement is None))


def ruff_config(root: Path, top: Path | None = None) -> tuple[Path, bool]:
    """The file Ruff reads for code in `root` (and whether it is a pyproject.toml).

    Like Ruff, the nearest folder with `.ruff.toml`, `ruff.toml` or a pyproject.toml holding `[tool.ruff]`,
    looking from `root` up to `top` (the repository's top folder) and never above it. With none, the
    root's pyproject.toml, else a new ruff.toml in the root.
    """
    root = root.resolve()
    top = (top or root).resolve()
    folders = [root, *(p for p in root.parents if p.is_relative_to(top))] if root.is_relative_to(top) else [root]
    for folder in folders:
        for name in RUFF_FILES:
            path = folder / name
            if path.is_file() and (name != "pyproject.toml" or _has_ruff_table(path)):
                return path, name == "pyproject.toml"
    if (root / "pyproject.toml").is_file():
        return root / "pyproject.toml", True
    return root / "ruff.toml", False


def _has_ruff_table(pyproject: Path) -> bool:
    return "ruff" in _parse(pyproject, pyproject.read_text(encoding="utf-8")).get("tool", {})


def edit_ruff(path: Path, text: str, bans: tuple[Ban, ...], *, pyproject: bool, plan_name: str) -> RuffEdit:
    """Add (or refresh) this plan's banned-api entries and make sure TID251 is selected.

    Entries another plan or a person wrote for the same target are left alone. Nothing is ever
    removed, so running after the stages are merged (when the plan has nothing left) keeps the bans.
    `pyproject`: the keys live under `[tool.ruff]`; in ruff.toml / .ruff.toml they have no prefix.
    """
    doc = _parse(path, text)
    if not bans:
        return RuffEdit(path, text, text, (), (), (), False)
    created: list[Table] = []
    base = _table(_table(doc, "tool", super_table=True), "ruff", super_table=True) if pyproject else doc
    # an old-style configuration (`[tool.ruff] select`, `[tool.ruff.flake8-tidy-imports]`) is extended in place
    legacy = "lint" not in base and any(k in base for k in ("flake8-tidy-imports", "select", "extend-select"))
    lint = base if legacy else _table(base, "lint", created=created)
    banned = _table(_table(lint, "flake8-tidy-imports", super_table=True), "banned-api", created=created)
    prefix = owner_prefix(plan_name)
    added, updated, left = [], [], []
    for ban in bans:
        current = banned.get(ban.target)
        if current is None:
            banned[ban.target] = _entry(ban.msg)
            added.append(ban.target)
        elif not isinstance(current, dict) or not str(current.get("msg", "")).startswith(f"{prefix}:"):
            left.append(ban.target)
        elif current.get("msg") != ban.msg:
            banned[ban.target] = _entry(ban.msg)
            updated.append(ban.target)
    selected = not _rule_selected(base)
    if selected:
        if "extend-select" in lint:
            lint["extend-select"].append(RULE)
        else:
            lint["extend-select"] = [RULE]
    for table in created:   # a new table in the middle of a file keeps a blank line before the next header
        table.add(tomlkit.nl())
    after = tomlkit.dumps(doc)
    if after.endswith("\n\n") and not text.endswith("\n\n"):
        after = after.rstrip("\n") + "\n"
    return RuffEdit(path, text, after, tuple(added), tuple(updated), tuple(left), selected)


def importlinter_config(root: Path) -> str | None:
    """Where the repository configures import-linter, if it does."""
    if (root / ".importlinter").is_file():
        return ".importlinter"
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        doc = _parse(pyproject, pyproject.read_text(encoding="utf-8"))
        if "importlinter" in doc.get("tool", {}):
            return "pyproject.toml [tool.importlinter]"
    return None


def _rule_selected(base) -> bool:
    tables = [base, base.get("lint") or {}]
    selectors = {str(s) for t in tables for key in ("select", "extend-select") for s in (t.get(key) or ())}
    return bool(selectors & _COVERS_RULE)


def _table(parent, key: str, *, super_table: bool = False, created: list | None = None) -> Table:
    """`parent[key]`, created when missing (as a header-less super table when it only holds tables)."""
    if key not in parent:
        table = tomlkit.table(is_super_table=super_table)
        parent.add(key, table)
        if created is not None and not super_table:
            created.append(table)
    found = parent[key]
    if not isinstance(found, Table):
        raise RefactorError(f"{key}: expected a table in the Ruff configuration, found {type(found).__name__}")
    return found


def _entry(msg: str):
    return tomlkit.parse(f"x = {{ msg = {tomlkit.string(msg).as_string()} }}\n")["x"]


def _parse(path: Path, text: str) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(text)
    except TOMLKitError as exc:
        raise RefactorError(f"{path}: cannot parse TOML ({exc})") from None
