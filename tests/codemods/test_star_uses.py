"""lost_names: a renamed name a file reads through `from m import *` (pyparsing's examples read
`Optional` through `from pyparsing import *`)."""

from __future__ import annotations

import pytest
from codemod_cases import LEGACY, Case, check

from codemods.framework.spec import EditSpec

STAR_BRINGS_NEW = EditSpec(renames=(LEGACY,), exports_after=(("app.legacy", ("Settings", "helper")),))
STAR_LOSES_IT = EditSpec(renames=(LEGACY,), exports_after=(("app.legacy", ("helper",)),))

CASES = [
    pytest.param(
        Case(
            before="""
            from app.legacy import *

            config = AppSettings(helper())
        """,
            after="""
            from app.legacy import *

            config = Settings(helper())
        """,
            spec=STAR_BRINGS_NEW,
        ),
        id="the-star-brings-the-new-name",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import *


            def build():
                return AppSettings(helper())
        """,
            after="""
            from app.legacy import *
            from app.settings import Settings


            def build():
                return Settings(helper())
        """,
            spec=STAR_LOSES_IT,
        ),
        id="the-new-name-is-imported-when-the-star-does-not-bring-it",
    ),
    pytest.param(
        Case(
            before="""
            from .legacy import *

            __all__ = ["AppSettings", "Settings", "helper"]
        """,
            after="""
            from .legacy import *

            __all__ = ["Settings", "helper"]
        """,
            spec=STAR_BRINGS_NEW,
            module="app",
            is_package=True,
        ),
        id="a-package-re-exporting-it-through-the-star-lists-the-new-name",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import *

            AppSettings = object
            config = AppSettings()
        """,
            after=None,
            spec=STAR_BRINGS_NEW,
        ),
        id="a-name-the-file-binds-itself-is-not-the-stars",
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_star_uses(case: Case) -> None:
    check(case)
