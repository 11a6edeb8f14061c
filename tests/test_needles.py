"""`refactor.reading.needles`: a needle counts where code could refer to it, not in a comment."""

from __future__ import annotations

import pytest

from refactor.reading.needles import Needles, Query, module_pairs, names_relatively


@pytest.mark.parametrize(("source", "found"), [
    (b"x = Engine()\n", True),
    (b"# Engine\nx = 1\n", False),
    (b"x = 1  # uses Engine\n", False),
    (b"label = '# Engine'\n", True),                       # a quote before the `#`: a string, not a comment
    (b"# first Engine\ny = Engine\n", True),               # the second one is code
    (b"x = 1  # MotorEngine\nEngineRoom = 2\n", True),     # a longer needle's line decides for itself
    (b"", False),
    (b"Engin\n", False),
])
def test_a_needle_in_code_not_in_a_comment(source, found):
    assert Needles([b"Engine", b"MotorEngine"]).in_code(source) is found


def test_a_needle_that_holds_another_adds_nothing():
    assert Needles([b"Engine", b"MotorEngine", b"Engines"]).shortest == [b"Engine"]
    assert not Needles([])


@pytest.mark.parametrize(("source", "found"), [
    (b"from app.core.widgets import Knob\n", True),
    (b"from app.core import widgets\n", True),
    (b"from app.core import (\n    other,\n    widgets,\n)\n", True),
    (b"import app.core as c\nc.widgets.Knob\n", True),                       # the package bound to a name
    (b"def f():\n    from app import core\n    return core.widgets\n", True),
    (b"patch('app.core.widgets.Knob')\n", True),
    (b"path = 'src/app/core/widgets.py'\n", True),
    (b"def f():\n    from app.core.other import x\n    widgets = []\n", False),  # both words, no module
    (b"import app.core.other as o\nwidgets = 1\n", False),
    (b"from . import widgets\n", False),             # outside the package: another package's module
    (b"core = 1  # widgets\n", False),
    (b"# from app.core import widgets\nwidgets = core = 1\n", False),
])
def test_a_module_is_named_where_code_could_refer_to_it(source, found):
    assert Query([], [(b"core", b"widgets")]).matches(source) is found


@pytest.mark.parametrize(("source", "found"), [
    (b"import tools\n", True), (b"x = 'tools.run'\n", True), (b"app.tools.run\n", False), (b"mytools = 1\n", False),
])
def test_a_top_level_module_is_named_by_its_own_name(source, found):
    assert Query([], [(b"tools", b"tools")]).matches(source) is found


def test_a_file_naming_a_module_holds_its_package_or_its_top_level_name():
    assert Query([b"Knob"], [(b"core", b"widgets"), (b"tools", b"tools")]).shortest() == [b"Knob", b"tools", b"core"]


def test_module_pairs_name_the_package_and_the_module():
    assert module_pairs(["app.core.widgets", "top"]) == {("core", "widgets"), ("top", "top")}


@pytest.mark.parametrize(("source", "found"), [
    (b"from .. import widgets\n", True),
    (b"from ..widgets import Knob\n", True),
    (b"from .core.widgets import Knob\n", True),
    (b"from ... import (\n    other,\n    widgets,\n)\n", True),
    (b"from app.core import widgets\n", False),        # absolute: the package's name is written
    (b"from .widgets_old import Knob\nwidgets = 1\n", False),
    (b"# from .. import widgets\n", False),
])
def test_a_relative_import_names_a_module_without_its_package(source, found):
    assert names_relatively(source, [b"widgets"]) is found


_SOURCES = [b"from app.core.widgets import Knob\n", b"widgets.spin()\n", b"import widgets\n", b"x = Engine()\n",
            b"y = AEngine\n", b"from core import widgets as w\n", b"from app.core import gears\n",
            b"# Engine and core.widgets\n", b"path = 'core/widgets.py'\n", b"Motor = 1\n", b""]
_QUERIES = {
    "Engine": ([b"Engine"], []),
    "AEngine": ([b"AEngine"], []),
    "Engine+Motor": ([b"Engine", b"Motor"], []),
    "core.widgets": ([], [(b"core", b"widgets")]),
    "core.widgets+gears": ([b"Engine"], [(b"core", b"widgets"), (b"core", b"gears")]),
    "top widgets": ([], [(b"widgets", b"widgets")]),
    "top and core widgets": ([], [(b"widgets", b"widgets"), (b"core", b"widgets")]),
}


@pytest.mark.parametrize(("wide", "narrow", "covered"), [
    ("Engine", "AEngine", True),                   # where `Engine` is not, `AEngine` is not either
    ("AEngine", "Engine", False),
    ("Engine+Motor", "Engine", True),
    ("Engine", "Engine+Motor", False),
    ("core.widgets+gears", "core.widgets", True),
    ("core.widgets", "core.widgets+gears", False),
    ("core.widgets+gears", "AEngine", True),
    ("top and core widgets", "core.widgets", True),
    # `widgets` alone names the top-level module, not `core.widgets`: the wider query would miss `widgets.spin()`
    ("top and core widgets", "top widgets", False),
])
def test_a_query_covers_another_where_it_matches_every_source_the_other_does(wide, narrow, covered):
    wider, narrower = Query(*_QUERIES[wide]), Query(*_QUERIES[narrow])
    assert wider.covers(narrower) is covered
    if covered:   # (what `covers` promises, on sources of every kind)
        assert all(wider.matches(source) for source in _SOURCES if narrower.matches(source))
    else:
        assert any(narrower.matches(source) and not wider.matches(source) for source in _SOURCES)
