"""`refactor plan PLAN --graph mermaid|dot [-o FILE]` on the bundled WebSocket fixture.

The Mermaid text must pass a small syntax check written here (the subset `render_graph` emits: a
`flowchart LR` header, `id["label"]` nodes, `a --> b` edges, `classDef` and `class` lines); the DOT
text must pass a structural check here and, where Graphviz is installed, `dot -Tsvg`. Both must name
every redundant module with the number of the stage that removes it.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from rich.console import Console

from refactor.cli import main
from refactor.planning.workspace import Workspace
from tests.helpers import PLANS

PLAN = PLANS / "websocket_manager.toml"
IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
# words Mermaid's flowchart grammar reads as keywords; an id spelled like one breaks the diagram
MERMAID_KEYWORDS = {"end", "graph", "flowchart", "subgraph", "style", "class", "classDef", "click",
                    "linkStyle", "direction", "default"}


def run_plan(*extra: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["plan", str(PLAN), "--no-cache", *extra], console=Console(file=out, width=100))
    return code, out.getvalue()


@pytest.fixture(scope="module")
def stage_of() -> dict[str, int]:
    plan = Workspace.open(PLAN, cache=False).schedule
    return {m: s.number for s in plan.stages for m in s.modules}


@pytest.fixture(scope="module")
def mermaid_text() -> str:
    code, text = run_plan("--graph", "mermaid")
    assert code == 0, text
    return text


@pytest.fixture(scope="module")
def dot_text() -> str:
    code, text = run_plan("--graph", "dot")
    assert code == 0, text
    return text


# -- Mermaid ---------------------------------------------------------------------------------------------


def parse_mermaid(text: str) -> tuple[dict[str, str], list[tuple[str, str]], dict[str, list[str]]]:
    """(id -> label, edges, class name -> ids); AssertionError on any line outside the grammar."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str]] = []
    class_defs: set[str] = set()
    classes: dict[str, list[str]] = {}
    for number, line in enumerate(lines[1:], 2):
        if node := re.fullmatch(rf'    ({IDENTIFIER})\["([^"\n]*)"\]', line):
            assert node[1] not in nodes, f"line {number}: node {node[1]} declared twice"
            nodes[node[1]] = node[2]
        elif edge := re.fullmatch(rf"    ({IDENTIFIER}) --> ({IDENTIFIER})", line):
            edges.append((edge[1], edge[2]))
        elif class_def := re.fullmatch(rf"    classDef ({IDENTIFIER}) ([\w-]+:[#\w.-]+(?:,[\w-]+:[#\w.-]+)*)", line):
            class_defs.add(class_def[1])
        elif assign := re.fullmatch(rf"    class ({IDENTIFIER}(?:,{IDENTIFIER})*) ({IDENTIFIER})", line):
            classes.setdefault(assign[2], []).extend(assign[1].split(","))
        else:
            raise AssertionError(f"line {number} is not Mermaid this check knows: {line!r}")
    for a, b in edges:
        assert a in nodes and b in nodes, f"edge {a} --> {b} names an undeclared node"
    for name, ids in classes.items():
        assert name in class_defs, f"class {name} is used but not defined"
        assert set(ids) <= set(nodes), f"class {name} names undeclared nodes {set(ids) - set(nodes)}"
    assert not set(nodes) & MERMAID_KEYWORDS
    return nodes, edges, classes


def test_mermaid_passes_the_syntax_check(mermaid_text, stage_of):
    nodes, edges, classes = parse_mermaid(mermaid_text)
    assert edges, "the family's modules are imported from somewhere: there must be edges"
    assert len({label.split("<br/>")[0] for label in nodes.values()}) == len(nodes)   # one node per module
    by_module = {label.split("<br/>")[0]: node for node, label in nodes.items()}
    assert sorted(classes["redundant"]) == sorted(by_module[m] for m in stage_of)
    assert classes["canonical"] == [by_module["app.websocket_core.unified_manager"]]


def test_mermaid_names_every_redundant_module_with_its_stage(mermaid_text, stage_of):
    nodes, edges, _ = parse_mermaid(mermaid_text)
    labels = set(nodes.values())
    assert len(stage_of) == 10
    for module, number in stage_of.items():
        assert f"{module}<br/>stage {number}" in labels
    assert "app.websocket_core.unified_manager<br/>canonical" in labels
    # the cycle shares its stage: migration_adapter and ssot_validation_enhancer both say the same number
    assert stage_of["app.websocket_core.migration_adapter"] == stage_of["app.websocket_core.ssot_validation_enhancer"]
    # an edge the fixture certainly has: app/api/admin.py imports websocket_manager as wsm
    ids = {label.split("<br/>")[0]: node for node, label in nodes.items()}
    assert (ids["app.api.admin"], ids["app.websocket_core.websocket_manager"]) in edges


@pytest.mark.parametrize("line", [
    pytest.param("    a-b[\"x\"]", id="id-not-an-identifier"),
    pytest.param("    a --> zz", id="edge-to-undeclared-node"),
    pytest.param("    class a missing", id="class-without-classDef"),
    pytest.param("    end[\"x\"]", id="keyword-id"),
    pytest.param("    a[\"say \"hi\"\"]", id="quote-in-label"),
])
def test_the_mermaid_check_rejects_broken_text(line):
    with pytest.raises(AssertionError):
        parse_mermaid(f'flowchart LR\n    a["a"]\n{line}\n')


# -- DOT -------------------------------------------------------------------------------------------------


def parse_dot(text: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(node -> label, edges) of the subset `render_graph.dot` writes; AssertionError otherwise."""
    lines = text.splitlines()
    assert lines[0] == "digraph family {" and lines[-1] == "}"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str]] = []
    for line in lines[1:-1]:
        if re.fullmatch(r"    (rankdir=LR|node \[[^\]]*\]);", line):
            continue
        if node := re.fullmatch(r'    "([\w.]+)" \[label="([^"]*)"(?:, [a-z]+=(?:"[^"]*"|\w+))*\];', line):
            nodes[node[1]] = node[2]
        elif edge := re.fullmatch(r'    "([\w.]+)" -> "([\w.]+)";', line):
            edges.append((edge[1], edge[2]))
        else:
            raise AssertionError(f"not DOT this check knows: {line!r}")
    assert all(a in nodes and b in nodes for a, b in edges)
    return nodes, edges


def test_dot_names_every_redundant_module_with_its_stage(dot_text, stage_of):
    nodes, edges = parse_dot(dot_text)
    assert edges
    for module, number in stage_of.items():
        assert nodes[module] == f"{module}\\nstage {number}"
    assert nodes["app.websocket_core.unified_manager"] == "app.websocket_core.unified_manager\\ncanonical"


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_graphviz_parses_the_dot_text(dot_text, stage_of):
    done = subprocess.run(["dot", "-Tsvg"], input=dot_text, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.lstrip().startswith(("<?xml", "<svg", "<!DOCTYPE"))
    titles = set(re.findall(r"<title>([^<]*)</title>", done.stdout))
    assert set(stage_of) <= titles                       # every redundant module is a node
    for number in set(stage_of.values()):
        assert f">stage {number}</text>" in done.stdout   # and its stage number is drawn


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_graphviz_rejects_broken_dot():
    """The control: `dot` does fail on a syntax error, so the test above can fail."""
    done = subprocess.run(["dot", "-Tsvg"], input='digraph family {\n  "a" -> ;\n}\n', capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode != 0


# -- -o FILE ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_output_option_writes_the_file(tmp_path, fmt, mermaid_text, dot_text):
    target = tmp_path / "out" / f"family.{fmt}"
    target.parent.mkdir()
    code, printed = run_plan("--graph", fmt, "-o", str(target))
    assert code == 0
    assert target.read_text(encoding="utf-8") == (mermaid_text if fmt == "mermaid" else dot_text)
    assert "wrote" in printed and "flowchart" not in printed and "digraph" not in printed
