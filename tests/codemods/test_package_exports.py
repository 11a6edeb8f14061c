"""package_exports: what still reads a removed module after the rewrites."""

from __future__ import annotations

import pytest
from codemod_cases import LEGACY, Case, check

from codemods.framework.spec import EditSpec

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


# -- a star import from a module the stage deletes ---------------------------------------------------

def _star_spec():
    from codemods.framework.spec import EditSpec, Rename
    return EditSpec(
        renames=(Rename("pkg.aliases", "OldA", "pkg.core", "Engine"), Rename("pkg.aliases", "OldB", "pkg.core", "Engine")),
        delete_definitions=(("pkg.aliases", ("OldA", "OldB")),),
        removable_modules=("pkg.aliases",),
    )


def test_star_import_of_a_deleted_module_becomes_the_replacement_import():
    from codemods.engine import apply_edits
    from codemods.framework.spec import FileContext
    files = {
        FileContext("pkg/__init__.py", "pkg", True): "from .other import thing\nfrom .aliases import *\n\n__all__ = ['thing']\n",
        FileContext("pkg/aliases.py", "pkg.aliases", False): "from .core import Engine\n\nOldA = Engine\nOldB = Engine\n",
    }
    results = apply_edits(files, _star_spec())
    assert results["pkg/aliases.py"].status == "deleted"
    assert results["pkg/__init__.py"].new_text == "from .other import thing\nfrom pkg.core import Engine\n\n__all__ = ['thing']\n"


def test_star_import_is_dropped_when_the_replacement_is_already_imported():
    from codemods.engine import apply_edits
    from codemods.framework.spec import FileContext
    files = {
        FileContext("pkg/__init__.py", "pkg", True): "from .core import Engine\nfrom .aliases import *  # compat\n",
        FileContext("pkg/aliases.py", "pkg.aliases", False): "from .core import Engine\n\nOldA = Engine\nOldB = Engine\n",
    }
    results = apply_edits(files, _star_spec())
    assert results["pkg/__init__.py"].new_text == "from .core import Engine\n"


def test_dunder_all_entries_for_what_a_deleted_star_provided_name_the_replacement():
    """`__all__` listing "OldA"/"OldB", which only the star bound: once the star goes they name the
    replacement, listed once (left alone, `from pkg import *` would fail on them)."""
    from codemods.engine import apply_edits
    from codemods.framework.spec import FileContext
    files = {
        FileContext("pkg/__init__.py", "pkg", True):
            "from .aliases import *\nfrom .other import thing\n\n__all__ = [\n    'OldA',\n    'thing',\n    'OldB',\n]\n",
        FileContext("pkg/aliases.py", "pkg.aliases", False): "from .core import Engine\n\nOldA = Engine\nOldB = Engine\n",
    }
    results = apply_edits(files, _star_spec())
    assert results["pkg/__init__.py"].new_text == (
        "from pkg.core import Engine\nfrom .other import thing\n\n__all__ = [\n    'Engine',\n    'thing',\n]\n")


def test_star_import_of_a_module_that_stays_is_untouched():
    from codemods.engine import apply_edits
    from codemods.framework.spec import FileContext
    source = "from .aliases import *\n"
    files = {
        FileContext("pkg/__init__.py", "pkg", True): source,
        FileContext("pkg/aliases.py", "pkg.aliases", False): "from .core import Engine\n\nOldA = Engine\nOldB = Engine\n\ndef keep():\n    return 1\n",
    }
    results = apply_edits(files, _star_spec())
    assert results["pkg/__init__.py"].status == "unchanged"
    assert results["pkg/__init__.py"].new_text == source
