"""package_exports: what still reads a removed module after the rewrites."""

from __future__ import annotations

import pytest
from codemod_cases import LEGACY, Case, check

from codemods import EditSpec

GONE = EditSpec(renames=(LEGACY,), removable_modules=("app.legacy",))

CASES = [
    pytest.param(
        Case(
            before="""
            \"\"\"The app package.\"\"\"
            from .settings import Settings, load_settings
            from .legacy import AppSettings, parse_bool

            __all__ = ["AppSettings", "Settings", "load_settings", "parse_bool"]
        """,
            after="""
            \"\"\"The app package.\"\"\"
            from .settings import Settings, load_settings
            from .legacy import parse_bool

            __all__ = ["Settings", "load_settings", "parse_bool"]
        """,
            spec=GONE,
            module="app",
            is_package=True,
            findings=("re-exports parse_bool from removed module app.legacy",),
        ),
        id="init-re-export-rewritten-other-reported",
    ),
    pytest.param(
        Case(
            before="""
            from .legacy import AppSettings as Config

            __all__ = ["Config"]
        """,
            after="""
            from .settings import Settings

            __all__ = ["Settings"]
        """,
            spec=GONE,
            module="app",
            is_package=True,
        ),
        id="init-aliased-re-export",
    ),
    pytest.param(
        Case(
            before="""
            from app import legacy

            def f():
                from app.legacy import parse_bool
                return legacy.parse_bool, parse_bool
        """,
            after=None,
            spec=GONE,
            findings=(
                "uses removed module app.legacy",
                "imports parse_bool from removed module app.legacy",
            ),
        ),
        id="module-still-used-reported",
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_package_exports(case: Case) -> None:
    check(case)
