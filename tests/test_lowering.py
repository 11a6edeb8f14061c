"""`refactor.reading.lowering`: newer syntax rewritten for an older `ast`, every line number kept."""

from __future__ import annotations

import ast
import textwrap

import libcst
import pytest

from refactor.reading.lowering import lower


def names_by_line(text: str) -> dict[str, int]:
    """Line of each name (read or bound, def and class names too) in the lowered code's ast."""
    out = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Name):
            out.setdefault(node.id, node.lineno)
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            out.setdefault(node.name, node.lineno)
    return out


def expected_lines(text: str, names: list[str]) -> dict[str, int]:
    lines = text.splitlines()
    return {name: next(i for i, line in enumerate(lines, 1) if name in line) for name in names}


# Each source marks the names whose line must survive; every name appears on exactly one line.
NEWER = [
    pytest.param('''
        first = 1
        x = f"""
        header {alpha}
          {beta.attr}   {gamma(
              delta)}
        footer"""
        after_it = 2
        ''', ["first", "alpha", "beta", "gamma", "delta", "after_it"], id="triple-quoted-f-string"),
    pytest.param('''
        result = f"{
            alpha
        } and {beta
        }"
        after_it = 1
        ''', ["result", "alpha", "beta", "after_it"], id="pep701-newlines-in-replacement-field"),
    pytest.param('''
        outer = f"""{alpha} {f"""
        {beta}
        """}"""
        after_it = 1
        ''', ["outer", "alpha", "beta", "after_it"], id="nested-multiline-f-strings"),
    pytest.param('''
        d = f"{alpha["key"]}"
        e = f"{beta!r:>{gamma}}"
        after_it = 1
        ''', ["alpha", "beta", "after_it"], id="pep701-same-quotes"),
    pytest.param('''
        type Alias = alpha[int]
        class Box[T]:
            def method[U](self) -> beta:
                return gamma
        after_it = 1
        ''', ["Alias", "alpha", "Box", "beta", "gamma", "after_it"], id="pep695-type-parameters"),
    pytest.param('''
        try:
            alpha()
        except* ValueError as beta:
            gamma(beta)
        after_it = 1
        ''', ["alpha", "ValueError", "gamma", "after_it"], id="except-star"),
    pytest.param(r'''
        first = f"{alpha.get('code', 'print(\"x\")')}" "plain"
        second = ("head"
                  f"{beta}"
                  "middle" f"{gamma}")
        after_it = 1
        ''', ["first", "alpha", "second", "beta", "gamma", "after_it"],
        id="pep701-f-strings-in-implicit-concatenation"),
]


@pytest.mark.parametrize(("source", "names"), NEWER)
def test_lowering_keeps_every_line(source, names):
    text = textwrap.dedent(source).lstrip("\n")
    lowered = lower(text)
    assert lowered.count("\n") == text.count("\n")
    found = names_by_line(lowered)
    assert {n: found.get(n) for n in names} == expected_lines(text, names)


def test_lowered_f_string_keeps_only_its_expressions():
    lowered = lower('x = f"a {b} c {d.e!r} f"\ny = f"plain"\n')
    tree = ast.parse(lowered)
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)]
    assert {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} == {"x", "y", "b", "d"}


def test_type_statement_becomes_an_assignment():
    tree = ast.parse(lower("type Alias = list[int]\n"))
    assign = tree.body[0]
    assert isinstance(assign, ast.Assign) and assign.targets[0].id == "Alias" and assign.lineno == 1


PLAIN = [
    pytest.param("import os\nfrom . import x as y\n", id="imports"),
    pytest.param('"""Doc."""\n\n\nclass A(B, metaclass=M):\n    """x"""\n\n    def f(self, *a, **k):  # c\n'
                 '        return [i for i in a if i]\n', id="class"),
    pytest.param("x = 'not an f-string {a}'\ny = b'bytes'\nz = r'\\d'  # keep\n", id="strings"),
    pytest.param("try:\n    import a\nexcept ImportError:\n    a = None\n", id="try-import"),
    pytest.param("async def g():\n    async with a as b:\n        await b\n", id="async"),
    pytest.param("x = (\n    1,\n\n    2,\n)\n", id="blank-lines-in-brackets"),
    pytest.param("", id="empty"),
    pytest.param('x = ("a"\n     "b") + c("d" "e")\n', id="concatenated-plain-strings"),
]


@pytest.mark.parametrize("text", PLAIN)
def test_lowering_plain_code_changes_nothing(text):
    assert lower(text) == text


@pytest.mark.parametrize(("source", "names"), NEWER)
def test_lowering_is_idempotent(source, names):
    once = lower(textwrap.dedent(source))
    assert lower(once) == once


def test_lowering_unparseable_code_raises_libcst_error():
    with pytest.raises(libcst.ParserSyntaxError):
        lower("def broken(:\n")
