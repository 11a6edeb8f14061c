"""`Old or New` that the rename turns into `New or New` collapses; everything else is left alone."""

from __future__ import annotations

import textwrap

import pytest

from codemods.engine import apply_edits
from codemods.framework.spec import EditSpec, FileContext, Rename

SPEC = EditSpec(renames=(Rename("app.compat", "Legacy", "app.core", "Engine"),))


def run(source: str) -> str:
    text = textwrap.dedent(source).lstrip()
    result = apply_edits({FileContext("app/use.py", "app.use", False): text}, SPEC)["app/use.py"]
    assert result.error is None
    return result.new_text


@pytest.mark.parametrize("before, after", [
    pytest.param("""
        from app.compat import Legacy
        from app.core import Engine

        def pick():
            return Legacy or Engine
    """, """
        from app.core import Engine

        def pick():
            return Engine
    """, id="or-collapses"),
    pytest.param("""
        from app.compat import Legacy
        from app.core import Engine

        ready = (Engine and Legacy)
    """, """
        from app.core import Engine

        ready = (Engine)
    """, id="and-collapses-keeping-parentheses"),
])
def test_collapses_what_the_rename_made_redundant(before, after):
    assert run(before) == textwrap.dedent(after).lstrip()


def test_noop_other_boolean_operations_are_untouched():
    source = textwrap.dedent("""
        from app.core import Engine

        def pick(other):
            return other or other, Engine or other, Engine.x or Engine.x
    """).lstrip()
    result = apply_edits({FileContext("app/use.py", "app.use", False): source}, SPEC)["app/use.py"]
    assert result.status == "unchanged" and result.new_text == source
