"""The benchmark generator's zen profile: a small tree has every property, in proportion, and passes --check."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "generate_repo.py"
MODULES = 200


@pytest.fixture(scope="module")
def zen_tree(tmp_path_factory):
    out = tmp_path_factory.mktemp("zen") / "repo"
    proc = subprocess.run([sys.executable, str(GENERATOR), str(out), "--modules", str(MODULES), "--sites", "20",
                           "--profile", "zen", "--check", "--no-git", "--jobs", "2"],
                          capture_output=True, text=True, check=False)
    manifest = json.loads((out / "bench_manifest.json").read_text())
    return out, proc, manifest


def test_the_tree_passes_its_check(zen_tree):
    _, proc, _ = zen_tree
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 error(s); imported all" in proc.stdout
    assert "shape          profile zen" in proc.stdout


def test_more_than_half_the_files_name_the_family_package(zen_tree):
    out, _, manifest = zen_tree
    files = list(out.rglob("*.py"))
    naming = sum("websocket_core" in p.read_text() for p in files)
    assert naming == manifest["profile"]["package_files"]
    assert naming > len(files) / 2


def test_a_hub_module_has_a_large_fan_in(zen_tree):
    out, _, manifest = zen_tree
    hub = manifest["profile"]["hubs"][0]
    importers = [p for p in (out / "netra").rglob("*.py")
                 if any(isinstance(node, (ast.Import, ast.ImportFrom)) and hub in _imported(node)
                        for node in ast.walk(ast.parse(p.read_text())))]
    assert len(importers) >= MODULES * 0.12
    assert manifest["profile"]["fan_in_max"] >= len(importers)


def _imported(node: ast.Import | ast.ImportFrom) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    return {node.module or ""}


def test_an_init_imports_every_submodule_in_try_except(zen_tree):
    out, _, manifest = zen_tree
    init = out / manifest["profile"]["aggregator_inits"][0]
    guarded = [node for node in ast.parse(init.read_text()).body
               if isinstance(node, ast.Try) and isinstance(node.body[0], ast.ImportFrom)
               and node.handlers[0].type.id == "ImportError"]
    submodules = [p for p in init.parent.glob("*.py") if p.name != "__init__.py"]
    assert len(guarded) == len(submodules) >= 10
    assert sum(len(node.body[0].names) for node in guarded) >= 24


def test_test_doubles_are_named_like_the_family(zen_tree):
    out, _, manifest = zen_tree
    doubles = manifest["profile"]["test_double_classes"]
    assert len(doubles) == manifest["profile"]["test_doubles"] >= 4
    for double in doubles:
        assert f"class {double['name']}:" in (out / double["file"]).read_text()
        assert "WebSocketManager" in double["name"] and not (out / double["file"]).is_relative_to(out / "netra")


def test_family_imports_are_mostly_inside_functions(zen_tree):
    out, _, manifest = zen_tree
    levels: Counter = Counter()
    for path in out.rglob("*.py"):
        text = path.read_text()
        _count_family_imports(text.splitlines(), ast.parse(text), False, levels)
    assert levels[True] > levels[False] > 0
    profile = manifest["profile"]
    assert (profile["family_imports_function_level"], profile["family_imports_module_level"]) == (levels[True], levels[False])


def _count_family_imports(lines: list[str], node: ast.AST, in_function: bool, levels: Counter) -> None:
    """Import statements that name the family's package (`from ..websocket_core import x` included)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)) and "websocket_core" in _source(lines, child):
            levels[in_function] += 1
        inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
        _count_family_imports(lines, child, inner, levels)


def _source(lines: list[str], node: ast.stmt) -> str:
    return "\n".join(lines[node.lineno - 1:node.end_lineno])


def test_a_giant_file_names_the_family_in_a_few_methods_only(zen_tree):
    out, _, manifest = zen_tree
    path = out / manifest["profile"]["giant_files"][0]
    text = path.read_text()
    assert text.count("\n") > 3000
    lines = text.splitlines()
    big = max((node for node in ast.parse(text).body if isinstance(node, ast.ClassDef)), key=lambda c: len(c.body))
    methods = [node for node in big.body if isinstance(node, ast.FunctionDef)]
    naming = [m for m in methods if "websocket_core" in _source(lines, m) or "WebSocketManager" in _source(lines, m)]
    assert len(methods) >= 100 and 1 <= len(naming) <= 3


def test_every_profile_site_is_in_the_manifest_with_its_references(zen_tree):
    out, _, manifest = zen_tree
    zen = [s for s in manifest["site_list"] if s["kind"] in ("fn_import", "fn_chain", "top_import")]
    assert zen and sum(s["refs"] for s in zen) > 3 * len(zen)
    for site in zen[:40]:
        text = (out / site["file"]).read_text()
        assert f"def {site['function']}(" in text
        assert f"{site['module']} import {site['name']}" in text or f"import netra.websocket_core.{site['module']}" in text
