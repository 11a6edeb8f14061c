"""module_moves: a deleted module's import still used once every name moved goes to where its uses go."""

from __future__ import annotations

import pytest
from codemod_cases import LEGACY, Case, check

from codemods.framework.spec import EditSpec

MOVES = EditSpec(renames=(LEGACY,), removable_modules=("app.legacy",), module_moves=(("app.legacy", "app.settings"),))

CASES = [
    pytest.param(
        Case(
            before="""
            def test_names():
                import app.legacy as legacy_module
                return legacy_module.__all__, getattr(legacy_module, NAME)
        """,
            after="""
            def test_names():
                import app.settings as legacy_module
                return legacy_module.__all__, getattr(legacy_module, NAME)
        """,
            spec=MOVES,
            findings=("getattr on removed module app.legacy",),   # (which name it reads is not known)
        ),
        id="module-alias-read-for-its-own-attributes",
    ),
    pytest.param(
        Case(
            before="""
            import inspect
            import app.legacy


            def source():
                return inspect.getsource(app.legacy)
        """,
            after="""
            import inspect
            import app.settings


            def source():
                return inspect.getsource(app.settings)
        """,
            spec=MOVES,
        ),
        id="plain-import-read-as-a-dotted-chain",
    ),
    pytest.param(
        Case(
            before="""
            from app import legacy
            from . import legacy as relative_one
            MODULES = [legacy, relative_one]
        """,
            after="""
            from app import settings as legacy
            from . import settings as relative_one
            MODULES = [legacy, relative_one]
        """,
            spec=MOVES,
            module="app.consumer",
        ),
        id="from-package-import-module",
    ),
    pytest.param(
        Case(
            before="""
            from app import legacy as compat, other
            MODULES = [compat, other]
        """,
            after="""
            from app import settings as compat, other
            MODULES = [compat, other]
        """,
            spec=EditSpec(renames=(LEGACY,), removable_modules=("app.legacy",),
                          module_moves=(("app.legacy", "app.settings"),)),
        ),
        id="beside-other-modules-of-the-same-package-renamed-in-place",
    ),
    pytest.param(
        Case(
            before="""
            import app.legacy as legacy_module
            from app.legacy import AppSettings
            X = AppSettings
        """,
            after="""
            from app.settings import Settings
            X = Settings
        """,
            spec=MOVES,
        ),
        id="an-import-nothing-uses-once-names-moved-goes-not-moves",
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_module_moves(case: Case) -> None:
    check(case)
