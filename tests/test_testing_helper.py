"""`refactor.testing.assert_single_source`: the honest replacement for "alias is compliant" tests."""

from __future__ import annotations

import pytest

from refactor.testing import assert_single_source
from tests.helpers import write_plan, write_tree

PACKAGE = {
    "pkg/__init__.py": "",
    "pkg/core.py": "class Engine:\n    def run(self):\n        return 1\n",
    "pkg/compat.py": "from pkg.core import Engine\n\nLegacyEngine = Engine\n",
}


def plan_for(tmp_path, files):
    write_tree(tmp_path, files)
    return write_plan(tmp_path / "plans" / "engine.toml", name="engine", root="..", packages=["pkg"],
                      canonical="pkg.core:Engine", family=["*Engine*"])


def test_an_alias_is_not_a_second_definition_but_is_no_excuse_either(tmp_path):
    # the seed's mission-critical test passes here: `LegacyEngine is Engine`; the audit agrees there is
    # one class body, so the helper passes too
    inventory = assert_single_source(plan_for(tmp_path, PACKAGE))
    assert inventory.distinct == 1 and inventory.names == 2


def test_a_thin_subclass_fails_with_the_extra_definition_named(tmp_path):
    files = {**PACKAGE, "pkg/wrapper.py": "from pkg.core import Engine\n\nclass EngineWrapper(Engine):\n    pass\n"}
    with pytest.raises(AssertionError) as caught:
        assert_single_source(plan_for(tmp_path, files))
    message = str(caught.value)
    assert "2 distinct definitions, 1 allowed" in message
    assert "pkg/wrapper.py:3: EngineWrapper (wrapper: subclass of Engine, adds nothing)" in message
    assert_single_source(plan_for(tmp_path, files), allowed=2)


def test_runtime_counts_class_objects_static_analysis_cannot_see(tmp_path):
    files = {**PACKAGE, "pkg/hidden.py": "from pkg.core import Engine\n\n"
                                         "globals()['HiddenEngine'] = type('HiddenEngine', (Engine,), {})\n"}
    plan = plan_for(tmp_path, files)
    assert assert_single_source(plan).distinct == 1          # invisible to the source audit
    with pytest.raises(AssertionError) as caught:
        assert_single_source(plan, runtime=True)
    assert "2 family class objects loaded at runtime" in str(caught.value)
    assert "pkg.hidden:HiddenEngine" in str(caught.value)
