"""Load and validate a plan file (TOML). Every problem is one `PlanError` naming file, key and cause."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from refactor.errors import PlanError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULT_TEST_COMMAND = ("python", "-m", "pytest", "-q")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PATTERN = re.compile(r"^[A-Za-z0-9_*?\[\]!]+$")
_KNOWN_PLAN_KEYS = {
    "name", "root", "packages", "canonical", "family", "exclude", "keep",
    "test_command", "branch_prefix", "source_roots", "keep_local_names", "test_members",
}


@dataclass(frozen=True)
class Ref:
    """A `module:Name` reference."""

    module: str
    name: str

    def __str__(self) -> str:
        return f"{self.module}:{self.name}"


@dataclass(frozen=True)
class Plan:
    path: Path
    name: str
    root: Path
    packages: tuple[str, ...]
    canonical: Ref
    family: tuple[str, ...]
    exclude: tuple[str, ...]
    keep: tuple[Ref, ...]
    mapping: tuple[tuple[Ref, Ref], ...]
    test_command: tuple[str, ...]
    branch_prefix: str
    source_roots: tuple[str, ...]
    keep_local_names: bool
    digest: str
    test_members: bool = False   # classes in test code count as members (by default they are set apart)  # sha256 of the plan file's bytes: recorded in every stage commit

    def branch(self, number: int) -> str:
        return f"{self.branch_prefix}/stage-{number:02d}"


def parse_ref(text: object, *, path: Path, key: str) -> Ref:
    if not isinstance(text, str) or text.count(":") != 1:
        raise PlanError(path, key, f"expected 'module:Name', got {text!r}")
    module, name = text.split(":")
    if not _DOTTED.match(module) or not _IDENT.match(name):
        raise PlanError(path, key, f"expected 'module:Name' with a dotted module and an identifier, got {text!r}")
    return Ref(module, name)


def _str_list(table: dict, key: str, *, path: Path, required: bool, default: tuple = ()) -> tuple[str, ...]:
    if key not in table:
        if required:
            raise PlanError(path, f"plan.{key}", "missing required key")
        return default
    value = table[key]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise PlanError(path, f"plan.{key}", f"expected a list of non-empty strings, got {value!r}")
    return tuple(value)


def _check_pattern(pattern: str, *, path: Path, key: str) -> None:
    if not _PATTERN.match(pattern) or pattern.count("[") != pattern.count("]") or pattern.strip("*?") == "":
        raise PlanError(path, key, f"bad name pattern {pattern!r} (use identifiers with * ? [] wildcards)")


def load_plan(path: str | Path) -> Plan:
    """Read and validate `path`. Raises PlanError on any problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanError(path, "", f"cannot read plan file ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PlanError(path, "", "plan file is not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(path, "", f"invalid TOML ({exc})") from None
    table = data.get("plan")
    if not isinstance(table, dict):
        raise PlanError(path, "plan", "missing [plan] table")
    unknown = sorted(set(table) - _KNOWN_PLAN_KEYS)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(_KNOWN_PLAN_KEYS), n=1)
        raise PlanError(path, f"plan.{unknown[0]}", "unknown key" + (f" (did you mean {close[0]}?)" if close else
                                                                   f"; the keys are {', '.join(sorted(_KNOWN_PLAN_KEYS))}"))
    name = table.get("name")
    if not isinstance(name, str) or not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", name or ""):
        raise PlanError(path, "plan.name", "missing or not a simple name (letters, digits, . _ -)")
    root = _resolve_root(table.get("root", "."), path=path)
    packages = _str_list(table, "packages", path=path, required=True)
    for package in packages:
        if not _DOTTED.match(package):
            raise PlanError(path, "plan.packages", f"{package!r} is not a dotted package name")
    if "canonical" not in table:
        raise PlanError(path, "plan.canonical", "missing required key")
    canonical = parse_ref(table["canonical"], path=path, key="plan.canonical")
    family = _str_list(table, "family", path=path, required=True)
    if not family:
        raise PlanError(path, "plan.family", "is empty: name at least one pattern or class name")
    exclude = _str_list(table, "exclude", path=path, required=False)
    for pattern in family + exclude:
        _check_pattern(pattern, path=path, key="plan.family" if pattern in family else "plan.exclude")
    keep = tuple(parse_ref(r, path=path, key="plan.keep") for r in _str_list(table, "keep", path=path, required=False))
    if isinstance(table.get("test_command"), str):
        words = table["test_command"].split()
        raise PlanError(path, "plan.test_command", f"expected a list of arguments (never a shell string), such as "
                                                   f"{json.dumps(words)}, got {table['test_command']!r}")
    test_command = _str_list(table, "test_command", path=path, required=False, default=DEFAULT_TEST_COMMAND)
    branch_prefix = table.get("branch_prefix", f"refactor/{name}")
    if not isinstance(branch_prefix, str) or not re.match(r"^[A-Za-z0-9][A-Za-z0-9_./-]*$", branch_prefix) \
            or ".." in branch_prefix or branch_prefix.endswith(("/", ".lock")):
        raise PlanError(path, "plan.branch_prefix", f"{branch_prefix!r} is not a valid branch prefix")
    source_roots = _str_list(table, "source_roots", path=path, required=False)
    for source_root in source_roots:
        if Path(source_root).is_absolute() or ".." in Path(source_root).parts:
            raise PlanError(path, "plan.source_roots", f"{source_root!r} must be a path inside the root")
    keep_local_names = table.get("keep_local_names", False)
    if not isinstance(keep_local_names, bool):
        raise PlanError(path, "plan.keep_local_names", "expected true or false")
    test_members = table.get("test_members", False)
    if not isinstance(test_members, bool):
        raise PlanError(path, "plan.test_members", "expected true or false")
    mapping_table = data.get("map", {})
    if not isinstance(mapping_table, dict):
        raise PlanError(path, "map", "expected a table of \"module:Name\" = \"module:Name\"")
    mapping = tuple(
        (parse_ref(k, path=path, key=f"map.{k}"), parse_ref(v, path=path, key=f"map.{k}"))
        for k, v in mapping_table.items()
    )
    unknown_tables = sorted(set(data) - {"plan", "map"})
    if unknown_tables:
        raise PlanError(path, unknown_tables[0], "unknown table (expected [plan] and [map])")
    return Plan(
        path=path.resolve(),
        name=name,
        root=root,
        packages=packages,
        canonical=canonical,
        family=family,
        exclude=exclude,
        keep=keep,
        mapping=mapping,
        test_command=test_command,
        branch_prefix=branch_prefix,
        source_roots=source_roots,
        keep_local_names=keep_local_names,
        digest=hashlib.sha256(raw).hexdigest(),
        test_members=test_members,
    )


def _resolve_root(value: object, *, path: Path) -> Path:
    if not isinstance(value, str) or not value:
        raise PlanError(path, "plan.root", f"expected a path, got {value!r}")
    root = Path(value).expanduser()
    if not root.is_absolute():
        root = path.resolve().parent / root
    root = root.resolve()
    if not root.is_dir():
        raise PlanError(path, "plan.root", f"{root} is not a directory")
    return root
