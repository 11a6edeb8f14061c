"""`codemods.framework.gates`: a pass is skipped only where its trigger cannot be; where it can, it runs.

(That skipping changes no result is checked by every before/after case, which run through the
gates; these check that the gates do skip, and say yes in the cases that are easy to miss.)
"""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from codemods.framework.context import StageIndex
from codemods.framework.gates import (
    Gates,
    imports_may_go_unused,
    python_check,
    python_parse,
    repeated_operands,
    reports_gone_imports,
)
from codemods.framework.spec import EditSpec, Rename

SPEC = EditSpec(renames=(Rename("app.legacy", "AppSettings", "app.settings", "Settings"),),
                delete_definitions=(("app.legacy", ("AppSettings",)),), removable_modules=("app.legacy",))
STAGE = dataclasses.replace(StageIndex.build(SPEC), gone=frozenset({"app.legacy"}),
                            local_renames={("app.api", "Conf"): "Settings"})


def gates(text: str) -> Gates:
    return Gates(textwrap.dedent(text), STAGE)


@pytest.mark.parametrize("text, expected", [
    ("class A(Base):\n    pass\nx = AppSettings\n", False),
    ("class A(AppSettings):\n    pass\n", True),
    ("from app.legacy import AppSettings as S\nclass A(S):\n    pass\n", True),
    ("import app.legacy as m\nclass A(Generic[T], m.AppSettings):\n    pass\n", True),
    ("class A(\n    Base,\n    AppSettings,\n):\n    pass\n", True),
    ("class A:\n    pass\n", False),
    ("class A(AppSettings) match case\n", True),      # Python cannot read it: the pass decides
])
def test_bases(text, expected):
    assert gates(text).bases() is expected


@pytest.mark.parametrize("text, expected", [
    ('from importlib import import_module\nm = import_module("app.other")\n', False),
    ('from importlib import import_module\nm = import_module("app.legacy")\n', True),
    ("m = importlib.import_module('app.legacy')\n", True),
    ("import app.legacy\nv = getattr(app.legacy, name)\n", True),
    ("from app import legacy as old\nv = getattr(old, name)\n", True),
    ("import app.legacy\nv = getattr(settings, name)\n", False),
    ("v = getattr(settings, name)\n", False),
])
def test_dynamic_imports(text, expected):
    assert gates(text).dynamic_imports() is expected


@pytest.mark.parametrize("text, expected", [
    ("from app.legacy import *\n", True),
    ("from .legacy import \\\n    *\n", True),
    ("from app.other import *\nx = 2 * 3  # legacy\n", True),    # the words are there: the pass decides
    ("from app.other import *\nx = 2 * 3\n", False),
    ("import app.legacy\nx = 2 * 3\n", False),
])
def test_star_imports(text, expected):
    assert gates(text).star_imports() is expected


@pytest.mark.parametrize("text, expected", [
    ('@patch("app.legacy.AppSettings")\ndef test(): pass\n', True),
    ('@patch("app.api.Conf")\ndef test(): pass\n', True),                # a name another file renamed
    ('patch.object(legacy, "AppSettings")\n', True),
    ('patch.multiple("app.legacy", AppSettings=None)\n', True),
    ('@patch("app.other.Thing")\ndef test(): AppSettings\n', False),
    ('@patch("app.other.AppSettingsFactory")\ndef test(): pass\n', False),   # a name only as a whole word
    ('path = Path("app") / "legacy.py"\n', True),
    ('path = "app\\\\legacy.py"\n', True),                               # a Windows path
    ('x = AppSettings\n', False),
])
def test_string_targets(text, expected):
    assert gates(text).string_targets() is expected


def test_python_parse_gives_the_tree_of_a_code_read_lately_again():
    code = "import os\nx = os.sep\n"
    tree = python_parse(code)
    assert python_parse("".join(["import os\n", "x = os.sep\n"])) is tree   # (an equal code, another string)
    assert python_parse("x = 2\n") is not tree


def test_gone_import_reports_follow_the_edited_code():
    assert reports_gone_imports("from app.legacy import X\n", STAGE)
    assert not reports_gone_imports("from app.settings import Settings\n", STAGE)


@pytest.mark.parametrize("original, edited, expected", [
    pytest.param("from a import Old\nx = Old\n", "from b import New\nx = New\n", False, id="renamed-and-used"),
    pytest.param("import os\nclass Old:\n    p = os.sep\n", "import os\n", True, id="a-use-went-with-a-deletion"),
    pytest.param("import app.legacy\nx = app.legacy.Old\n", "import app.legacy\nx = app.settings.New\n", True,
                 id="dotted-import-lost-its-use"),
    pytest.param("from a import Old\n", "from b import New\n", True, id="made-a-binding-nothing-names"),
    pytest.param("from a import (\n", "from b import New\n", True, id="unreadable"),
])
def test_imports_may_go_unused(original, edited, expected):
    assert imports_may_go_unused(original, edited) is expected


@pytest.mark.parametrize("code, expected", [
    ("x = Settings or Settings\n", True),
    ("x = (Settings)\\\n    and (  # the same class\n    Settings)\n", True),
    ("x = Settings or Other\n", False),
    ("x = Settings.load() or Settings\n", False),
    ("x = Settings\ny = a or Settings\n", False),
    ("x = AppSettings or AppSettings\n", False),      # not a name a rename points to
])
def test_repeated_operands(code, expected):
    assert repeated_operands(code, STAGE) is expected


@pytest.mark.parametrize("code, wrong", [
    ("x = 1\n", None),
    ("pattern = '\\d+'\ndef f(a, /, *, b=1):\n    return [y async for y in a] if a else None\n", None),
    ("def broken(:\n", SyntaxError),
    ("if x:\ny = 1\n", IndentationError),
    ("x = 1\0\n", (SyntaxError, ValueError)),
    ("def f(a):\n    global a\n", SyntaxError),   # (the symbol table's: `ast.parse` reads it)
])
def test_python_check_finds_what_the_parser_and_the_symbol_table_find(code, wrong, recwarn):
    if wrong is None:
        python_check(code)
        assert python_parse(code) and not recwarn.list
        return
    with pytest.raises(wrong):
        python_check(code)
