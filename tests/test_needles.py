"""`refactor.reading.needles`: a needle counts where code could refer to it, not in a comment."""

from __future__ import annotations

import pytest

from refactor.reading.needles import Needles, Query, module_pairs


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


def test_a_pair_needs_both_words_outside_comments():
    query = Query([], [(b"core", b"widgets")])
    assert query.matches(b"from app.core import widgets\n")
    assert not query.matches(b"core = 1  # widgets\n")
    assert query.shortest() == [b"core"]


def test_module_pairs_name_the_package_and_the_module():
    assert module_pairs(["app.core.widgets", "top"]) == {("core", "widgets"), ("top", "top")}
