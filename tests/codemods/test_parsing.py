"""parse_module: LibCST's parse without checking each parsed node again where Python reads the code: the same
trees, the same errors; the checks kept for code Python does not read, and for every node an edit makes."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from codemod_cases import SPEC
from libcst._nodes.base import CSTNode

from codemods.engine import apply_edits
from codemods.framework.parsing import parse_module
from codemods.framework.spec import FileContext

SOURCES = sorted(Path(__file__).resolve().parents[2].glob("codemods/**/*.py"))
ODD = [
    "x = (1 ,)\nif(x):pass\nelif  x :\n  pass\n",
    "async def f():\n    return [i async for i in g() if(i)]\n",
    "def f(a, /, b=1, *, c, **k) -> 'T': ...\nlambda: (yield)\n",
    "x = f'{a!r:>{w}}' u'é'\ny = rb'\\x00' br'\\x01'\nprint(*a, **b)\n",
    "match p:\n    case [1, *rest] | {'k': _} if rest:\n        pass\n",
    "with (open(a) as f, open(b)):\n    del x[1:2, ::3]\n",
    "class C(B, metaclass=M):\n    @d\n    def m(self): global g; g = 1\n",
    "x = 1\r\ny = 2\r\n",
]
BYTES_AND_STRING = "x = 'a' b'b'\n"   # LibCST's parser takes it; its node checks (and Python) do not


@pytest.mark.parametrize("code", [*ODD, *(p.read_text(encoding="utf-8") for p in SOURCES)])
def test_the_trees_are_libcsts(code: str) -> None:
    quick, checked = parse_module(code, python_reads_it=True), cst.parse_module(code)
    assert quick.deep_equals(checked) and quick.code == checked.code == code


@pytest.mark.parametrize("code", ["def f(:\n", "x = = 1\n", "if x:\ny = 1\n", "print 'x'\n"])
def test_code_that_does_not_parse_raises_as_libcsts_parse_does(code: str) -> None:
    for python_reads_it in (True, False):
        with pytest.raises(cst.ParserSyntaxError):
            parse_module(code, python_reads_it=python_reads_it)


def test_code_python_does_not_read_is_checked(monkeypatch) -> None:
    with pytest.raises(SyntaxError):
        compile(BYTES_AND_STRING, "<code>", "exec")
    with pytest.raises(cst.CSTValidationError):
        parse_module(BYTES_AND_STRING, python_reads_it=False)
    checked = []
    real = cst.Name._validate
    monkeypatch.setattr(cst.Name, "_validate", lambda node: checked.append(node.value) or real(node))
    parse_module("x = y\n", python_reads_it=True)
    assert checked == []
    parse_module("x = y\n", python_reads_it=False)
    assert checked == ["x", "y"]


def test_nodes_made_after_a_parse_are_checked() -> None:
    tree = parse_module("x = y\n", python_reads_it=True)
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")
    with pytest.raises(cst.CSTValidationError):
        tree.body[0].body[0].targets[0].with_changes(target=cst.Integer("x"))


def test_a_file_only_libcsts_parser_takes_is_a_failed_result_not_an_exception() -> None:
    text = "from app.legacy import AppSettings\n" + BYTES_AND_STRING
    result = apply_edits({FileContext("app/c.py", "app.c"): text}, SPEC)["app/c.py"]
    assert result.status == "failed" and result.error == "app/c.py:1: Cannot concatenate string and bytes."
