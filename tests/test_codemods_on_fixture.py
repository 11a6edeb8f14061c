"""Issue 4's end-to-end check, without git: every stage's edits applied in turn to a copy of the fixture."""

from __future__ import annotations

import shutil

import pytest

from refactor.planfile import load_plan
from refactor.planning.workspace import Workspace
from refactor.staging.contract import removal_needles, verify_stage
from refactor.staging.edits import compute_edits, write_edits
from tests.helpers import REPO
from tests.stagehelp import run_pytest

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("fixture, plan_name", [
    pytest.param("websocket_app", "websocket_manager.toml", id="websocket"),
    pytest.param("settings_app", "settings.toml", id="settings"),
])
def test_all_stages_leave_one_definition_no_reference_and_green_tests(tmp_path, fixture, plan_name):
    shutil.copytree(REPO / "fixtures" / fixture, tmp_path / fixture,
                    ignore=shutil.ignore_patterns("__pycache__", ".refactor_cache", ".pytest_cache"))
    plan_path = tmp_path / plan_name
    plan_path.write_text((REPO / "plans" / plan_name).read_text()
                         .replace(f'root = "../fixtures/{fixture}"', f'root = "{fixture}"'))
    plan = load_plan(plan_path)
    planned = Workspace.for_plan(plan, cache=False).schedule
    removed_modules, removed_refs = set(), set()
    for wanted in planned.stages:
        workspace = Workspace.for_plan(plan, cache=False)
        stage = next(s for s in workspace.schedule.stages if set(s.modules) == set(wanted.modules))
        edits = compute_edits(workspace, stage)
        assert edits.failures == []
        before = workspace.hold([r.path for r in edits.changed])
        touched = write_edits(plan.root, edits)
        after = Workspace.for_plan(plan, cache=False, extra_needles=removal_needles(stage))
        verification = verify_stage(stage, after, touched, before)
        assert verification.ok, [c for c in verification.failures()]
        removed_modules |= set(stage.delete_modules)
        removed_refs |= {d.ref for d in stage.definitions}
    final = Workspace.for_plan(plan, cache=False, extra_needles=frozenset(removed_modules))
    assert final.inventory.distinct == 1
    assert final.schedule.stages == ()
    leftovers = [str(s) for s in final.graph.sites
                 if s.module in removed_modules or f"{s.module}:{s.name}" in removed_refs]
    assert leftovers == []
    final.project.parse([f.path for f in final.project.files])   # every file of the final tree parses
    assert final.project.errors() == []
    result = run_pytest(plan.root)
    assert result.returncode == 0, result.stdout[-2000:]
