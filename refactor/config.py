"""`[tool.refactor]` in the repository's pyproject.toml: where its plan files are."""

from __future__ import annotations

import sys
from pathlib import Path

from refactor.errors import RefactorError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def configured_plans(start: Path | None = None) -> list[Path]:
    """Plan files named by `[tool.refactor] plans = [...]` in the nearest pyproject.toml above `start`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise RefactorError(f"{pyproject}: cannot read [tool.refactor] ({exc})") from None
            table = data.get("tool", {}).get("refactor")
            if table is None:
                continue
            plans = table.get("plans", table.get("plan", []))
            if isinstance(plans, str):
                plans = [plans]
            if not isinstance(plans, list) or not all(isinstance(p, str) for p in plans):
                raise RefactorError(f"{pyproject}: tool.refactor.plans: expected a list of paths")
            return [folder / p for p in plans]
    return []


def default_plan(start: Path | None = None) -> Path:
    plans = configured_plans(start)
    if not plans:
        raise RefactorError("no plan file given and no [tool.refactor] plans in a pyproject.toml here or above")
    if len(plans) > 1:
        names = ", ".join(str(p) for p in plans)
        raise RefactorError(f"several plans configured ({names}): name one")
    return plans[0]
