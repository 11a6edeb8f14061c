"""ImportTable: which import a name reads, told from the statements alone, is what LibCST's scopes say."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ScopeProvider

from codemods.framework.import_table import ImportTable
from codemods.framework.names import imported_names
from codemods.framework.spec import FileContext

FILE = FileContext("pkg/sub/mod.py", "pkg.sub.mod", False)

SOURCES = {
    "from-import": """
        from unittest.mock import patch
        from unittest.mock import patch as mock_patch
        import unittest.mock as um
        import importlib
        from . import helpers
        from .. import tools as t
        from .siblings import thing
        from ..up.deep import other as renamed

        def test(mocker, monkeypatch):
            patch("a.B")
            mock_patch.object(helpers, "X")
            um.patch.multiple(t.inner, X=1)
            importlib.import_module("a.b")
            mocker.patch("a.B")
            monkeypatch.setattr(thing, "X", 1)
            getattr(renamed, "X")
            missing.patch("a.B")
        """,
    "doubt": """
        import os.path
        from unittest import mock
        try:
            from mock import patch
        except ImportError:
            from unittest.mock import patch

        def f(mock):
            import json
            os.path.join("a")
            patch("a.B")
            mock.patch("a.B")
            json.loads("1")
        """,
    "shadowed": """
        import importlib
        from unittest.mock import patch, sentinel

        class Holder:
            from unittest import mock

            def go(self):
                mock.patch("a.B")

        def f():
            importlib.import_module("a")
            patch = None
            patch("a.B")
            [sentinel for sentinel in ()]
            (x := sentinel)
            sentinel.value(x)

        def g():
            global importlib
            del importlib
        """,
    "blocks": """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from unittest.mock import patch
        else:
            import importlib as il
        with open("x") as handle:
            from unittest import mock
        match handle:
            case {"k": 1, **rest}:
                pass
            case [first, *others]:
                pass
        patch("a.B"); il.import_module("a"); mock.patch("a"); rest.x(); first.y(); others.z(); handle.read()
        """,
}


def _scoped(module: cst.Module) -> tuple[MetadataWrapper, dict]:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    return wrapper, wrapper.resolve(ScopeProvider)


def _asked(module: cst.Module) -> list[cst.CSTNode]:
    """The nodes a pass asks about: each call's function and its first argument."""
    found = []

    class Calls(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            found.append(node.func)
            if node.args:
                found.append(node.args[0].value)

    module.visit(Calls())
    return found


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_what_the_statements_tell_is_what_the_scopes_say(name: str) -> None:
    code = textwrap.dedent(SOURCES[name]).lstrip("\n")
    module = cst.parse_module(code)
    _, scopes = _scoped(module)
    table = ImportTable(code)
    told = 0
    for node in _asked(module):
        answer = table.imported(node, FILE)
        if answer is None:
            continue
        told += 1
        scope = scopes.get(node)
        expected = imported_names(scope.get_qualified_names_for(node), FILE) if scope is not None else set()
        assert answer == expected, (cst.Module([]).code_for_node(node), answer, expected)
    assert told or name == "doubt", "the table told nothing"


def test_the_table_answers_what_it_can_and_leaves_the_rest():
    code = textwrap.dedent(SOURCES["from-import"]).lstrip("\n")
    module = cst.parse_module(code)
    table = ImportTable(code)
    answers = {cst.Module([]).code_for_node(n): table.imported(n, FILE) for n in _asked(module)}
    assert answers["patch"] == {"unittest.mock.patch"}
    assert answers["mock_patch.object"] == {"unittest.mock.patch.object"}
    assert answers["helpers"] == {"pkg.sub.helpers"}
    assert answers["um.patch.multiple"] == {"unittest.mock.patch.multiple"}
    assert answers["t.inner"] == {"pkg.tools.inner"}
    assert answers["thing"] == {"pkg.sub.siblings.thing"}
    assert answers["renamed"] == {"pkg.up.deep.other"}
    assert answers["mocker.patch"] == answers["getattr"] == answers["missing.patch"] == set()
    doubt = textwrap.dedent(SOURCES["doubt"]).lstrip("\n")
    assert {ImportTable(doubt).imported(n, FILE) is None for n in _asked(cst.parse_module(doubt))} == {True}
    starred = ImportTable("from unittest.mock import patch\nfrom helpers import *\npatch('a.B')\n")
    assert starred.imported(cst.parse_expression("patch"), FILE) is None   # a star import can bind it
    assert ImportTable("def broken(:\n").imported(cst.parse_expression("x"), FILE) is None
