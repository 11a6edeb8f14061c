"""Shared helpers for the foundation tests: real files in a temporary directory, real git, the real CLI.

Kept out of conftest.py on purpose so nothing here leaks into other test folders (tests/codemods).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

from rich.console import Console

from refactor.cli import main

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
PLANS = REPO / "plans"


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write `{relative path: source}` under `root`; text is dedented, bytes are written as they are."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(value)


def write_plan(path: Path, *, mapping: Mapping[str, str] | None = None, **plan: object) -> Path:
    """A plan file at `path` with `[plan]` keys from keyword arguments and an optional `[map]`."""
    lines = ["[plan]"] + [f"{key} = {toml_value(value)}" for key, value in plan.items()]
    if mapping:
        lines += ["", "[map]"] + [f"{toml_value(k)} = {toml_value(v)}" for k, v in mapping.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


IDENTITY = ["-c", "user.name=Test User", "-c", "user.email=test@example.invalid"]


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run git in `cwd` with a test identity; its output without the trailing newline. A failure raises
    AssertionError with git's message unless `check` is false."""
    done = subprocess.run(["git", *IDENTITY, *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout.rstrip("\n")


def git_init(root: Path) -> Path:
    git(root, "init", "-q")
    return root


def copy_fixture(name: str, dest: Path) -> Path:
    """Copy `fixtures/<name>` and `plans/` side by side under `dest`, so the plans' relative roots still hold.

    Returns `dest`; the plans are at `dest/plans/*.toml`. Tests never write into the bundled fixtures.
    """
    shutil.copytree(FIXTURES / name, dest / "fixtures" / name,
                    ignore=shutil.ignore_patterns("__pycache__", ".refactor_cache"))
    if not (dest / "plans").exists():
        shutil.copytree(PLANS, dest / "plans")
    return dest


def run_cli(argv: Sequence[str], *, width: int = 100) -> tuple[int, str]:
    """Run the real CLI in-process; returns (exit code, everything printed)."""
    out = io.StringIO()
    code = main(list(argv), console=Console(file=out, width=width))
    return code, out.getvalue()
