"""`check --runtime`: import the plan's packages in a fresh interpreter and count the family's class objects.

The child process gets the repository root on `sys.path`, imports every module of the packages
(a module that fails to import is reported, not fatal), and reports every class object bound to a
family name; aliases of one object count once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from refactor.errors import RefactorError
from refactor.planfile import Plan
from refactor.reading.files import import_roots

_CHILD = r"""
import fnmatch, importlib, inspect, json, pkgutil, sys, warnings, logging
args = json.loads(sys.argv[1])
for entry in reversed(args["paths"]):
    sys.path.insert(0, entry)
logging.disable(logging.CRITICAL)
warnings.simplefilter("ignore")
def member(name):
    return any(fnmatch.fnmatchcase(name, p) for p in args["family"]) and not any(
        fnmatch.fnmatchcase(name, p) for p in args["exclude"])
failed, modules = {}, []
for package in args["packages"]:
    try:
        root = importlib.import_module(package)
    except BaseException as exc:
        failed[package] = f"{type(exc).__name__}: {exc}"
        continue
    modules.append(root)
    for info in pkgutil.walk_packages(getattr(root, "__path__", []), prefix=package + "."):
        if info.name.rpartition(".")[2] == "__main__":
            continue
        try:
            modules.append(importlib.import_module(info.name))
        except BaseException as exc:
            failed[info.name] = f"{type(exc).__name__}: {exc}"
objects = {}
for module in modules:
    for name, value in list(vars(module).items()):
        if inspect.isclass(value) and member(name):
            objects.setdefault(id(value), (value, set()))
for module in modules:
    for name, value in list(vars(module).items()):
        if id(value) in objects:
            objects[id(value)][1].add(f"{module.__name__}:{name}")
classes = sorted(
    ({"defined": f"{v.__module__}:{v.__qualname__}", "bound_as": sorted(b)} for v, b in objects.values()),
    key=lambda c: c["defined"])
print(json.dumps({"classes": classes, "failed": failed}))
"""


@dataclass(frozen=True)
class RuntimeCount:
    classes: tuple[tuple[str, tuple[str, ...]], ...]   # (where defined, names bound to it)
    failed: tuple[tuple[str, str], ...]                 # (module, error) for imports that failed

    @property
    def distinct(self) -> int:
        return len(self.classes)


def count_runtime(plan: Plan, *, python: str | None = None, timeout: float = 300) -> RuntimeCount:
    roots = [str(plan.root / r) for r in import_roots(plan.root, plan.source_roots)]
    args = {"paths": roots, "packages": list(plan.packages), "family": list(plan.family),
            "exclude": list(plan.exclude)}
    command = [python or sys.executable, "-c", _CHILD, json.dumps(args)]
    try:
        done = subprocess.run(command, cwd=plan.root, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RefactorError(f"{plan.path}: --runtime: could not run the import check ({exc})") from None
    try:
        data = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RefactorError(f"{plan.path}: --runtime: the import check failed: {tail}") from None
    return RuntimeCount(
        classes=tuple((c["defined"], tuple(c["bound_as"])) for c in data["classes"]),
        failed=tuple(sorted(data["failed"].items())),
    )


def default_python(root: Path) -> str:
    """The repository's own virtual environment interpreter when it has one, else ours."""
    for candidate in (".venv/bin/python", "venv/bin/python"):
        if (root / candidate).exists():
            return str(root / candidate)
    return sys.executable
