"""NodeLines: every node's line is the start line LibCST's PositionProvider gives it, and the code it printed
is the module's `code`."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from codemods.framework.lazy_metadata import LazyMetadata
from codemods.framework.lines import NodeLines

# what moves a node's syntactic start away from where its printing starts, and what spans lines
TRICKY = '''"""Module docstring
over two lines."""
# a comment before the first statement

import os, sys ; from a.b import (
    c,  # trailing
    d as e,
)


@decorator(
    1,
)
@other
class K(Base, metaclass=M):
    """Doc."""

    x: int = 1

    async def m(self, /, a, *args, b=(1,
                                     2), **kw) -> "K":
        y = f"""{a!r:>{b}}
        {kw}"""
        return [i for i in \\
                args if i] or {k: v for k, v in kw.items()}


if (x :=
        os.sep):
    pass
elif x:
    pass
else:
    pass

try:
    import z
except (ImportError,
        OSError) as error:
    z = None
finally:
    pass

match sys.argv:
    case [first, *rest] if first:
        pass
    case {"k": value, **others}:
        pass
    case _:
        pass

lam = lambda q, *, r=2: (q,
                         r)
with open("f") as h, \\
        open("g") as g:
    del h, g
'''


def _compare(source: str) -> int:
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    lines = NodeLines(module)
    wrong = [(type(node).__name__, where.start.line, lines[node])
             for node, where in expected.items() if lines[node] != where.start.line]
    assert wrong == []
    assert lines.code == module.code   # (LibCST does not always print back its source: a lone \r at the end)
    return len(expected)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_node_starts_on_the_line_the_position_provider_gives(newline: str) -> None:
    assert _compare(TRICKY.replace("\n", newline)) > 300


def test_the_project_s_own_sources_agree_with_the_position_provider() -> None:
    root = Path(__file__).resolve().parents[2]
    sources = sorted((root / "codemods").rglob("*.py"))[:12] + sorted((root / "refactor").rglob("*.py"))[:12]
    assert sum(_compare(path.read_text()) for path in sources) > 10_000


def test_the_code_printed_is_the_code_of_a_module_a_transform_built() -> None:
    # (the printer's defaults, not the source, decide here: a tab indent and \r\n line ends)
    body = cst.parse_module("if a:\n    b = 1\n").body
    module = cst.Module(body=[*body, cst.SimpleStatementLine([cst.Expr(cst.Name("c"))])],
                        default_indent="\t", default_newline="\r\n")
    module = module.visit(_Renaming())
    assert NodeLines(module).code == module.code == "if a:\r\n\td = 1\r\nc\r\n"


class _Renaming(cst.CSTTransformer):
    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node.with_changes(value="d") if updated_node.value == "b" else updated_node


def test_a_node_outside_the_module_has_no_line() -> None:
    lines = NodeLines(cst.parse_module("x = 1\n"))
    assert lines.get(cst.Name("x"), 1) == 1
    with pytest.raises(KeyError):
        lines[cst.Name("x")]


class _Asking(LazyMetadata, cst.CSTVisitor):
    def __init__(self, ask: bool) -> None:
        super().__init__()
        self.ask, self.lines = ask, {}

    def visit_Name(self, node: cst.Name) -> None:
        if self.ask:
            self.lines[node.value] = self.line(node)


def test_a_lazy_pass_works_the_lines_out_only_when_it_asks() -> None:
    code = "import os\n\n\ndef f(x):\n    return os.path.join(x, 'y')\n"
    quiet, asking = _Asking(ask=False), _Asking(ask=True)
    MetadataWrapper(cst.parse_module(code), unsafe_skip_copy=True).visit(quiet)
    MetadataWrapper(cst.parse_module(code), unsafe_skip_copy=True).visit(asking)
    assert quiet._tables == {}
    assert asking.lines == {"os": 5, "f": 4, "x": 5, "path": 5, "join": 5}
    assert list(asking._tables) == [NodeLines]
