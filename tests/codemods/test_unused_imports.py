"""unused_imports: only imports that our edits left unused go."""

from __future__ import annotations

import pytest
from codemod_cases import LEGACY, Case, check

from codemods.framework.spec import EditSpec

DELETE_ALIAS = EditSpec(renames=(LEGACY,), delete_definitions=(("app.legacy", ("AppSettings",)),))
GONE = EditSpec(renames=(LEGACY,), removable_modules=("app.legacy",))

CASES = [
    pytest.param(
        Case(
            before="""
            from __future__ import annotations

            import os
            import sys  # unused before: stays
            from .settings import Settings
            from . import plugins  # imported for its side effects: stays

            AppSettings = Settings
            HOME = os.environ
        """,
            after="""
            from __future__ import annotations

            import os
            import sys  # unused before: stays
            from . import plugins  # imported for its side effects: stays

            HOME = os.environ
        """,
            spec=DELETE_ALIAS,
            module="app.legacy",
            noop="""
            from __future__ import annotations

            import sys
            from .settings import Settings

            Alias = Settings
        """,
        ),
        id="used-only-by-deleted-code",
    ),
    pytest.param(
        Case(
            before="""
            import app.legacy
            import app.legacy as again
            import json

            def f():
                return app.legacy.AppSettings(), again.AppSettings, json
        """,
            after="""
            import app.settings
            from app import settings
            import json

            def f():
                return app.settings.Settings(), settings.Settings, json
        """,
        ),
        id="module-import-no-longer-used",
    ),
    pytest.param(
        Case(
            before="""
            from .settings import Settings

            AppSettings = Settings

            __all__ = ["Settings"]
        """,
            after="""
            from .settings import Settings

            __all__ = ["Settings"]
        """,
            spec=DELETE_ALIAS,
            module="app.legacy",
        ),
        id="listed-in-dunder-all-stays",
    ),
    pytest.param(
        Case(
            before="""
            from .settings import Settings

            AppSettings = Settings
        """,
            after="""
            from .settings import Settings
        """,
            spec=EditSpec(
                renames=(LEGACY,),
                delete_definitions=(("app.legacy", ("AppSettings",)),),
                exports_after=(("app.legacy", ("Settings",)),),
            ),
            module="app.legacy",
        ),
        id="exported-after-stage-stays",
    ),
    pytest.param(
        Case(
            before="""
            from .settings import Settings
            from .legacy import AppSettings
        """,
            after="""
            from .settings import Settings
        """,
            module="app",
            is_package=True,
        ),
        id="package-init-re-exports-stay",
    ),
    pytest.param(
        Case(
            before="""
            import app.legacy  # registers plugins
            from app.legacy import AppSettings
            x = AppSettings
        """,
            after="""
            from app.settings import Settings
            x = Settings
        """,
            spec=GONE,
            noop="""
            import app.other  # registers plugins
        """,
        ),
        id="side-effect-import-of-removed-module-goes",
    ),
    pytest.param(
        Case(
            before="""
            def test():
                from app.legacy import _never_defined_there
                return 1
        """,
            after=None,
            spec=GONE,
            findings=("imports _never_defined_there from removed module app.legacy",),
        ),
        id="a-name-no-rename-covers-from-a-removed-module-stays-as-written",
    ),
    pytest.param(
        Case(
            before="""
            def f():
                from typing import cast
                from app.legacy import AppSettings
                return cast(AppSettings, None)

            def g():
                from typing import cast
                return 1
        """,
            after="""
            def f():
                from typing import cast
                from app.settings import Settings
                return cast(Settings, None)

            def g():
                from typing import cast
                return 1
        """,
        ),
        id="per-scope-usage",
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_unused_imports(case: Case) -> None:
    check(case)


def test_the_first_pass_says_how_the_original_used_its_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run apart (as in worker processes), the second pass neither parses the original again nor works
    out its scopes: the first pass, which worked them out to find the sites, says how its imports were
    used. A file the first pass changed before finding sites (a definition deleted) is read again."""
    from codemod_cases import run, src

    import codemods.passes.unused_imports as unused

    case = CASES[1].values[0]
    expected = run(src(case.before), case.spec)
    assert expected.status == "changed" and "json" in expected.new_text
    monkeypatch.setattr(unused, "import_usage", lambda *args: pytest.fail("the original's scopes worked out again"))
    assert run(src(case.before), case.spec, passes_apart=True) == expected
    deleting = CASES[0].values[0]
    with pytest.raises(pytest.fail.Exception):
        run(src(deleting.before), deleting.spec, deleting.module, passes_apart=True)
