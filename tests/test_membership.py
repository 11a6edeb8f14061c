"""Who is a member of a family: what is tied to the canonical, not what only shares its name pattern.

Each rule on a small package: the canonical `pkg.core:Engine`, family `*Engine*`.
"""

from __future__ import annotations

import pytest

from refactor.analysis.inventory import take_inventory
from refactor.analysis.project import Project
from refactor.planfile import load_plan
from tests.helpers import write_plan, write_tree

CORE = {
    "pkg/__init__.py": "",
    "pkg/core.py": "class Engine:\n    def start(self):\n        return 1\n\n    def stop(self):\n        return 0\n",
}


def split(tmp_path, files: dict[str, str], **plan):
    """(members' refs, {ref: why} of those set apart, warnings)."""
    write_tree(tmp_path, {**CORE, **files})
    settings = {"name": "engine", "root": str(tmp_path), "packages": ["pkg", "tests"], "canonical": "pkg.core:Engine",
                "family": ["*Engine*"], **plan}
    inventory = take_inventory(Project.load(tmp_path, cache=False), load_plan(write_plan(tmp_path / "p.toml", **settings)))
    return ({d.ref for d in inventory.definitions}, {d.ref: why for d, why in inventory.apart},
            inventory.warnings)


TIED = [
    pytest.param("from pkg.core import Engine\n\nclass FastEngine(Engine):\n    def start(self):\n        return 2\n",
                 id="a-subclass"),
    pytest.param("class EngineBase:\n    pass\n", id="a-base-of-the-canonical"),
    pytest.param("from typing import Protocol\n\nclass EngineLike(Protocol):\n    def start(self): ...\n",
                 id="a-protocol-whose-methods-the-canonical-has"),
    pytest.param("from pkg.core import Engine\n\nclass EngineMaker:\n    def make(self) -> Engine:\n        e = Engine()\n"
                 "        return e\n", id="a-factory-by-its-return-annotation"),
    pytest.param("from pkg.core import Engine\n\nclass EngineHolder:\n    def __init__(self):\n"
                 "        self.inner = Engine()\n    def run(self):\n        return self.inner.start()\n",
                 id="an-adapter-holding-one"),
    pytest.param("from pkg.core import Engine\n\nCopyEngine = type('CopyEngine', (Engine,), {})\n", id="a-type-copy"),
    pytest.param("from pkg.core import Engine\n\nclass NewEngine:\n    def __new__(cls):\n        return Engine()\n",
                 id="a-new-redirect"),
]


@pytest.mark.parametrize("source", TIED)
def test_what_is_tied_to_the_canonical_is_a_member(tmp_path, source):
    if "EngineBase" in source:   # the canonical derives from it
        CORE_WITH_BASE = {"pkg/core.py": "from pkg.base import EngineBase\n\nclass Engine(EngineBase):\n"
                                         "    def start(self):\n        return 1\n", "pkg/base.py": source}
        members, apart, _ = split(tmp_path, CORE_WITH_BASE)
        assert "pkg.base:EngineBase" in members and not apart
        return
    members, apart, _ = split(tmp_path, {"pkg/other.py": source})
    assert any(ref.startswith("pkg.other:") for ref in members), (members, apart)
    assert not apart


APART = [
    pytest.param({"pkg/other.py": "class OtherEngine:\n    def start(self):\n        return 3\n"},
                 "pkg.other:OtherEngine", "name match only", id="a-parallel-class-with-no-tie"),
    pytest.param({"pkg/modes.py": "from enum import Enum\n\nclass EngineMode(Enum):\n    FAST = 1\n"},
                 "pkg.modes:EngineMode", "an enum", id="an-enum"),
    pytest.param({"pkg/errors.py": "from pkg.core import Engine\n\nclass EngineError(Exception):\n    pass\n"},
                 "pkg.errors:EngineError", "an exception", id="an-exception"),
    pytest.param({"tests/__init__.py": "", "tests/doubles.py": "from pkg.core import Engine\n\n"
                  "class RecordingEngine(Engine):\n    calls = []\n"},
                 "tests.doubles:RecordingEngine", "test code", id="a-test-double-in-test-code"),
    pytest.param({"pkg/checks.py": "import unittest\nfrom pkg.core import Engine\n\n"
                  "class EngineTests(unittest.TestCase):\n    def test_it(self):\n        Engine()\n"},
                 "pkg.checks:EngineTests", "a test case", id="a-test-case"),
    pytest.param({"pkg/mocks.py": "from pkg.core import Engine\n\nclass MockEngine(Engine):\n    pass\n"},
                 "pkg.mocks:MockEngine", "a test double", id="a-test-double-by-its-name"),
]


@pytest.mark.parametrize(("files", "ref", "why"), APART)
def test_what_is_not_tied_is_set_apart_and_not_counted(tmp_path, files, ref, why):
    members, apart, _ = split(tmp_path, files)
    assert ref not in members
    assert apart[ref].startswith(why), apart


def test_a_name_the_plan_gives_exactly_is_a_member_whatever_ties_it(tmp_path):
    files = {"pkg/other.py": "class OtherEngine:\n    def start(self):\n        return 3\n"}
    members, apart, _ = split(tmp_path, files, family=["*Engine*", "OtherEngine"])
    assert "pkg.other:OtherEngine" in members and not apart


def test_test_members_counts_test_code_in(tmp_path):
    files = {"tests/__init__.py": "", "tests/doubles.py": "from pkg.core import Engine\n\n"
             "class RecordingEngine(Engine):\n    calls = []\n"}
    members, apart, _ = split(tmp_path, files, test_members=True)
    assert "tests.doubles:RecordingEngine" in members and not apart


def test_warnings_name_the_plan_lines_that_settle_them(tmp_path):
    files = {"pkg/other.py": "class OtherEngine:\n    pass\n"}
    _, _, warnings = split(tmp_path, files, family=["*Engine*", "Motor*"])
    assert any("plan.family pattern 'Motor*' matches no definition" in w for w in warnings)
    assert any('matching plan.family by name alone: 1 class (OtherEngine); `exclude = ["OtherEngine"]`' in w
               for w in warnings)
    _, _, warnings = split(tmp_path, {}, family=["Motor*"], canonical="pkg.core:Engine")
    assert any("plan.canonical pkg.core:Engine does not match plan.family" in w for w in warnings)
