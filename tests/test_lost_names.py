"""The lost-name gate: a use of a removed name that reached a definition before a stage must reach one
after it, whatever the site search found."""

from __future__ import annotations

import pytest

from refactor.analysis import graph
from refactor.analysis.project import Project
from refactor.planfile import load_plan
from refactor.planning.workspace import Workspace
from refactor.staging.contract import removal_needles, verify_stage
from refactor.staging import lost_names
from refactor.staging.edits import compute_edits, write_edits
from refactor.staging.lost_names import lost_uses
from tests.helpers import write_plan, write_tree

FILES = {
    "pkg/__init__.py": "from .core import *\nfrom . import core\n",
    "pkg/core.py": "class Opt:\n    pass\n\n\nOptional = Opt\n__all__ = ['Opt', 'Optional']\n",
    "pkg/attrs.py": "import pkg.core\n\n\ndef make():\n    return pkg.core.Optional()\n",
    "examples/star.py": "from pkg import *\n\nGRAMMAR = Optional()\n",
    "examples/chain.py": "import pkg\n\nGRAMMAR = pkg.core.Optional()\n",
    "examples/text.py": 'TARGET = "pkg.core.Optional"\n',
    "examples/frommod.py": "from pkg import core\n\nGRAMMAR = core.Optional()\n",
}


def apply_stage(tmp_path, more: dict[str, str] | None = None):
    write_tree(tmp_path, {**FILES, **(more or {})})
    plan = load_plan(write_plan(tmp_path / "plan.toml", name="opt", root=str(tmp_path), packages=["pkg"],
                                canonical="pkg.core:Opt", family=["Optional"]))
    workspace = Workspace.for_plan(plan, cache=False)
    (stage,) = workspace.schedule.stages
    edits = compute_edits(workspace, stage)
    before = workspace.hold([r.path for r in edits.changed])
    touched = write_edits(plan.root, edits)
    after = Workspace.for_plan(plan, cache=False, extra_needles=removal_needles(stage))
    return verify_stage(stage, after, touched, before)


def lost(verification) -> tuple[str, ...]:
    return next(c.detail for c in verification.checks if c.name.startswith("no use of a removed name"))


def test_attribute_chains_the_site_search_does_not_see_are_still_caught(tmp_path, monkeypatch):
    """The site search blinded on purpose (no attribute chain through a module is a site): the plan then
    leaves `pkg.core.Optional()` alone, and the gate refuses the stage."""
    monkeypatch.setattr(graph._SiteFinder, "_through_module", lambda self, base, path, scope: (None, None))
    verification = apply_stage(tmp_path)
    assert not verification.ok
    found = lost(verification)
    assert "examples/chain.py:3: pkg.core.Optional reached Optional before this stage and reaches nothing now " \
           "(pkg.core does not bind it)" in found, found


def test_the_gate_reads_many_files_in_worker_processes_and_misses_none(tmp_path, monkeypatch):
    """Forty files reach the name through an attribute chain the blinded site search does not see: the
    gate reads them apart (in worker processes, where there are many) and names every one."""
    monkeypatch.setattr(graph._SiteFinder, "_through_module", lambda self, base, path, scope: (None, None))
    more = {f"examples/many/chain{i:02d}.py": "import pkg\n\nGRAMMAR = pkg.core.Optional()\n" for i in range(40)}
    found = lost(apply_stage(tmp_path, more))
    assert {line.split(":")[0] for line in found} >= set(more), found


def test_a_name_read_through_a_star_import_the_site_search_does_not_see_is_caught(tmp_path, monkeypatch):
    monkeypatch.setattr(graph._SiteFinder, "_star_source", lambda self, stars, name: None)
    found = lost(apply_stage(tmp_path))
    assert any(line.startswith("examples/star.py:3: Optional reached Optional before this stage") and
               "through `from pkg import *`" in line for line in found), found


def test_with_every_site_found_nothing_is_lost(tmp_path):
    """pyparsing's `from pyparsing import *` users and marshmallow's `pkg.mod.Name` through a package
    that imports `mod`: found, rewritten, and nothing lost."""
    verification = apply_stage(tmp_path)
    assert verification.ok, [(c.name, c.detail) for c in verification.failures()]
    assert (tmp_path / "examples/star.py").read_text() == "from pkg import *\n\nGRAMMAR = Opt()\n"
    assert (tmp_path / "examples/chain.py").read_text() == "import pkg\n\nGRAMMAR = pkg.core.Opt()\n"
    assert (tmp_path / "examples/text.py").read_text() == 'TARGET = "pkg.core.Opt"\n'
    assert (tmp_path / "examples/frommod.py").read_text() == "from pkg import core\n\nGRAMMAR = core.Opt()\n"


@pytest.mark.parametrize("use", ["GRAMMAR = Opt()\n", "Optional = 1\nGRAMMAR = Optional\n", "print(len([]))\n"])
def test_what_still_resolves_or_never_did_is_not_lost(tmp_path, use):
    write_tree(tmp_path, {"examples/other.py": "from pkg import *\n" + use})
    found = lost(apply_stage(tmp_path))
    assert not any(line.startswith("examples/other.py") for line in found), found


def test_a_name_looked_up_where_it_is_only_imported_is_rewritten_with_that_import(tmp_path):
    """The seed's `from ...factories.websocket_bridge_factory import WebSocketManager`: that module only
    imports the alias for its own use; once the stage renames its import, it binds the name no more, so the
    sites that read the name there go to the replacement too (an import and a patch string)."""
    files = {
        "pkg/__init__.py": "",
        "pkg/core.py": "class Opt:\n    pass\n\n\nOptional = Opt\n",
        "pkg/consumer.py": "from pkg.core import Optional\n\n\ndef make():\n    return Optional()\n",
        "tests/test_it.py": "from unittest import mock\n\nfrom pkg.consumer import Optional\n\n\n"
                            "def test_it():\n    with mock.patch(\"pkg.consumer.Optional\"):\n        assert Optional\n",
    }
    write_tree(tmp_path, files)
    plan = load_plan(write_plan(tmp_path / "plan.toml", name="opt", root=str(tmp_path), packages=["pkg"],
                                canonical="pkg.core:Opt", family=["Optional"]))
    workspace = Workspace.for_plan(plan, cache=False)
    (stage,) = workspace.schedule.stages
    assert "tests/test_it.py" in stage.files
    edits = compute_edits(workspace, stage)
    before = workspace.hold([r.path for r in edits.changed])
    touched = write_edits(plan.root, edits)
    after = Workspace.for_plan(plan, cache=False, extra_needles=removal_needles(stage))
    verification = verify_stage(stage, after, touched, before)
    assert verification.ok, [(c.name, c.detail) for c in verification.failures()]
    text = (tmp_path / "tests/test_it.py").read_text()
    assert "import Optional" not in text and '"pkg.consumer.Optional"' not in text, text


# -- what a run read is kept by content --------------------------------------------------------------------
KEPT = {
    "pkg/__init__.py": "",
    "pkg/core.py": "class Opt:\n    pass\n\n\nOptional = Opt\n",
    "examples/chain.py": "import pkg.core\n\nGRAMMAR = pkg.core.Optional()\n",
    "examples/frommod.py": "from pkg import core\n\nGRAMMAR = core.Optional()\n",
    "examples/other.py": "from pkg.core import Opt\n\nGRAMMAR = Opt()\n",
}


def gate(before_root, after_root, cache, names, among=()):
    """The gate run as `apply` runs it, with projects loaded afresh (as a later stage or run does)."""
    before = Project.load(before_root, cache_dir=cache)
    after = Project.load(after_root, cache_dir=cache)
    return lost_uses(before, after, names, among=among)


def counting_reads(monkeypatch) -> list[str]:
    read: list[str] = []
    real = lost_names.file_uses

    def counted(path, *args):
        read.append(path)
        return real(path, *args)

    monkeypatch.setattr(lost_names, "file_uses", counted)
    return read


def test_uses_read_once_are_kept_until_the_file_changes(tmp_path, monkeypatch):
    before, after, cache = tmp_path / "before", tmp_path / "after", tmp_path / "cache"
    write_tree(before, KEPT)
    write_tree(after, {**KEPT, "pkg/core.py": "class Opt:\n    pass\n"})
    read = counting_reads(monkeypatch)
    first = gate(before, after, cache, ["Optional"])
    assert [line.split(":")[0] for line in first] == ["examples/chain.py", "examples/frommod.py"]
    assert sorted(read) == ["examples/chain.py", "examples/frommod.py"]
    read.clear()
    assert gate(before, after, cache, ["Optional"]) == first
    assert read == []
    (after / "examples/chain.py").write_text('import pkg.core\n\nGRAMMAR = pkg.core.Opt()\nLABEL = "Optional"\n')
    assert [line.split(":")[0] for line in gate(before, after, cache, ["Optional"])] == ["examples/frommod.py"]
    assert read == ["examples/chain.py"]


def test_uses_read_for_every_stages_names_serve_each_stage(tmp_path, monkeypatch):
    """A stage removing `Optional` reads its files for `Opt` as well (a later stage removes it): that stage
    then reads only the files that do not name `Optional`, and still finds its own lost uses only."""
    before, after, cache = tmp_path / "before", tmp_path / "after", tmp_path / "cache"
    write_tree(before, KEPT)
    write_tree(after, {**KEPT, "pkg/core.py": "class Opt2:\n    pass\n"})
    read = counting_reads(monkeypatch)
    among = ["Optional", "Opt"]
    optional = gate(before, after, cache, ["Optional"], among)
    assert all("reached Optional" in line for line in optional) and len(optional) == 2
    read.clear()
    opt = gate(before, after, cache, ["Opt"], among)
    assert sorted(read) == ["examples/other.py", "pkg/core.py"]
    assert opt == ["examples/other.py:1: from pkg.core import Opt reached Opt before this stage and reaches "
                   "nothing now (pkg.core does not bind it)"]


@pytest.mark.parametrize(("source", "uses"), [
    ("from app.legacy import Name\nx = Name\n", [("from", "Name")]),
    ("import app.legacy\nx = app.legacy.Name\n", [("attribute", "Name")]),
    ("patch('app.legacy.Name')\n", [("string", "Name")]),
    # written only inside longer names (what a stage's renames leave): not parsed, no use
    ("from app.core import UnifiedName, NameFactory\nx = UnifiedName\n", []),
    ("import app.legacy\nx = app.legacy.Names_\n", []),
])
def test_a_file_that_writes_no_name_as_a_word_is_not_parsed(source, uses, monkeypatch):
    parsed = []
    real = lost_names.ast.parse
    monkeypatch.setattr(lost_names.ast, "parse", lambda text, **options: parsed.append(text) or real(text, **options))
    found = lost_names.file_uses("m.py", "m", False, source.encode(), frozenset({"Name", "Other"}))
    assert [(use.how, use.name) for use in found] == uses
    assert len(parsed) == (1 if uses else 0)
