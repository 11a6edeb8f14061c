"""`refactor.planfile`: a valid plan loads into values; every bad input is one PlanError naming file, key, problem."""

from __future__ import annotations

import subprocess
import sys

import pytest

from refactor.errors import PlanError
from refactor.planfile import DEFAULT_TEST_COMMAND, Ref, load_plan, parse_ref
from tests.helpers import REPO, run_cli, toml_value, write_plan

VALID = {
    "name": "engine",
    "root": ".",
    "packages": ["pkg"],
    "canonical": "pkg.core:Engine",
    "family": ["*Engine*", "Motor"],
}


def plan_text(**overrides: object) -> str:
    """The TOML of a valid plan with some `[plan]` lines replaced (None drops the key)."""
    values = {**VALID, **overrides}
    return "[plan]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in values.items() if v is not None)


def test_valid_plan_loads_every_field(tmp_path):
    (tmp_path / "repo").mkdir()
    path = write_plan(
        tmp_path / "plans" / "engine.toml",
        name="engine", root="../repo", packages=["pkg", "other.sub"], canonical="pkg.core:Engine",
        family=["*Engine*", "Motor"], exclude=["EngineMode"], keep=["pkg.keep:KeptEngine"],
        test_command=["pytest", "-x"], branch_prefix="refactor/engine-v2", source_roots=["src"],
        keep_local_names=True,
        mapping={"pkg.factory:EngineFactory": "pkg.core:build_engine"},
    )
    plan = load_plan(path)
    assert plan.path == path.resolve()
    assert plan.name == "engine"
    assert plan.root == (tmp_path / "repo").resolve()
    assert plan.packages == ("pkg", "other.sub")
    assert plan.canonical == Ref("pkg.core", "Engine")
    assert str(plan.canonical) == "pkg.core:Engine"
    assert plan.family == ("*Engine*", "Motor")
    assert plan.exclude == ("EngineMode",)
    assert plan.keep == (Ref("pkg.keep", "KeptEngine"),)
    assert plan.mapping == ((Ref("pkg.factory", "EngineFactory"), Ref("pkg.core", "build_engine")),)
    assert plan.test_command == ("pytest", "-x")
    assert plan.branch(3) == "refactor/engine-v2/stage-03"
    assert plan.source_roots == ("src",)
    assert plan.keep_local_names is True
    assert len(plan.digest) == 64


def test_defaults_for_optional_keys(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(plan_text(), encoding="utf-8")
    plan = load_plan(path)
    assert plan.root == tmp_path.resolve()
    assert plan.exclude == () and plan.keep == () and plan.mapping == ()
    assert plan.test_command == DEFAULT_TEST_COMMAND
    assert plan.branch_prefix == "refactor/engine"
    assert plan.keep_local_names is False


def test_digest_follows_the_file_bytes(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(plan_text(), encoding="utf-8")
    first = load_plan(path).digest
    path.write_text(plan_text() + "# a comment changes the bytes\n", encoding="utf-8")
    assert load_plan(path).digest != first


def test_string_family_is_a_one_item_list(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(plan_text(family="*Engine*"), encoding="utf-8")
    assert load_plan(path).family == ("*Engine*",)


# (text of the plan file, the key the error must name, a piece of the problem it must state)
BAD_PLANS = [
    pytest.param("name = 'x'\n", "plan", "missing [plan]", id="missing-plan-table"),
    pytest.param("plan = 3\n", "plan", "missing [plan]", id="plan-not-a-table"),
    pytest.param(plan_text(canonical=None), "plan.canonical", "missing required key", id="missing-canonical"),
    pytest.param(plan_text(packages=None), "plan.packages", "missing required key", id="missing-packages"),
    pytest.param(plan_text(family=None), "plan.family", "missing required key", id="missing-family"),
    pytest.param(plan_text(name=None), "plan.name", "not a simple name", id="missing-name"),
    pytest.param(plan_text(canonical="pkg.core.Engine"), "plan.canonical", "expected 'module:Name'",
                 id="canonical-without-colon"),
    pytest.param(plan_text(canonical="pkg.core:Eng:ine"), "plan.canonical", "expected 'module:Name'",
                 id="canonical-two-colons"),
    pytest.param(plan_text(canonical="pkg.core:1Engine"), "plan.canonical", "identifier",
                 id="canonical-bad-identifier"),
    pytest.param(plan_text(canonical="pkg..core:Engine"), "plan.canonical", "dotted module",
                 id="canonical-bad-module"),
    pytest.param(plan_text(family=["Web Socket"]), "plan.family", "bad name pattern 'Web Socket'",
                 id="pattern-with-space"),
    pytest.param(plan_text(family=["[abc"]), "plan.family", "bad name pattern '[abc'", id="pattern-open-bracket"),
    pytest.param(plan_text(family=["*"]), "plan.family", "bad name pattern '*'", id="pattern-matches-all"),
    pytest.param(plan_text(family=["Engine", ""]), "plan.family", "non-empty strings", id="pattern-empty"),
    pytest.param(plan_text(exclude=["a-b"]), "plan.exclude", "bad name pattern 'a-b'", id="exclude-bad-pattern"),
    pytest.param(plan_text(packages=["pkg/sub"]), "plan.packages", "not a dotted package name",
                 id="package-not-dotted"),
    pytest.param(plan_text(packages=[1]), "plan.packages", "list of non-empty strings", id="package-not-string"),
    pytest.param(plan_text(root="no/such/dir"), "plan.root", "is not a directory", id="root-missing"),
    pytest.param(plan_text(root="plan.toml"), "plan.root", "is not a directory", id="root-is-a-file"),
    pytest.param(plan_text(canonicl="pkg.core:Engine"), "plan.canonicl", "unknown key (did you mean canonical?)",
                 id="unknown-key"),
    pytest.param(plan_text(zzz=1), "plan.zzz", "unknown key; the keys are branch_prefix, canonical,",
                 id="unknown-key-like-none"),
    pytest.param(plan_text(test_command="python -m pytest -x"), "plan.test_command",
                 'a list of arguments (never a shell string), such as ["python", "-m", "pytest", "-x"]',
                 id="test-command-as-one-string"),
    pytest.param(plan_text() + "[extra]\nx = 1\n", "extra", "unknown table", id="unknown-table"),
    pytest.param(plan_text(branch_prefix="refactor/../x"), "plan.branch_prefix", "not a valid branch prefix",
                 id="branch-prefix-dotdot"),
    pytest.param(plan_text(branch_prefix="refactor/"), "plan.branch_prefix", "not a valid branch prefix",
                 id="branch-prefix-trailing-slash"),
    pytest.param(plan_text(branch_prefix="has space"), "plan.branch_prefix", "not a valid branch prefix",
                 id="branch-prefix-space"),
    pytest.param(plan_text(branch_prefix="x.lock"), "plan.branch_prefix", "not a valid branch prefix",
                 id="branch-prefix-lock"),
    pytest.param(plan_text(keep=["pkg.core.Kept"]), "plan.keep", "expected 'module:Name'", id="keep-malformed"),
    pytest.param(plan_text(source_roots=["../outside"]), "plan.source_roots", "inside the root",
                 id="source-root-escapes"),
    pytest.param(plan_text(keep_local_names="yes"), "plan.keep_local_names", "true or false",
                 id="keep-local-names-not-bool"),
    pytest.param(plan_text() + '[map]\n"pkg.a:Old" = "pkg.core"\n', "map.pkg.a:Old", "expected 'module:Name'",
                 id="map-value-without-colon"),
    pytest.param(plan_text() + '[map]\n"pkg.a:Old" = "pkg.core:9x"\n', "map.pkg.a:Old", "identifier",
                 id="map-value-bad-identifier"),
    pytest.param(plan_text() + '[map]\n"pkg.a:Old" = 3\n', "map.pkg.a:Old", "expected 'module:Name'",
                 id="map-value-not-string"),
    pytest.param(plan_text() + '[map]\n"Old" = "pkg.core:Engine"\n', "map.Old", "expected 'module:Name'",
                 id="map-key-malformed"),
    pytest.param("map = 3\n" + plan_text(), "map", "expected a table", id="map-not-a-table"),
]


@pytest.mark.parametrize(("text", "key", "problem"), BAD_PLANS)
def test_bad_plan_names_file_key_and_problem(tmp_path, text, key, problem):
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    error = caught.value
    assert error.key == key
    assert problem in error.problem
    assert str(error) == f"{path}: {key}: {error.problem}"
    assert "\n" not in str(error)


@pytest.mark.parametrize(("content", "problem"), [
    pytest.param(b"[plan\nname = 'x'\n", "invalid TOML", id="invalid-toml"),
    pytest.param(b"[plan]\nname = '\xff\xfe'\n", "not UTF-8", id="not-utf8"),
    pytest.param(None, "cannot read plan file", id="missing-file"),
])
def test_unreadable_plan_names_file_and_problem(tmp_path, content, problem):
    path = tmp_path / "plan.toml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert problem in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("a:B", Ref("a", "B"), id="short"),
    pytest.param("a.b_c.d:_Name9", Ref("a.b_c.d", "_Name9"), id="dotted"),
])
def test_parse_ref_accepts(tmp_path, text, expected):
    assert parse_ref(text, path=tmp_path, key="k") == expected


@pytest.mark.parametrize(("command", "text", "message"), [
    pytest.param("audit", plan_text(family=["Web Socket"]),
                 "plan.family: bad name pattern 'Web Socket' (use identifiers with * ? [] wildcards)", id="pattern"),
    pytest.param("audit", plan_text(family=["[abc"]), "plan.family: bad name pattern '[abc'", id="bracket-pattern"),
    pytest.param("check", "x = 1\n", "plan: missing [plan] table", id="missing-plan-table"),
    pytest.param("check", plan_text(root="nowhere"), "plan.root: ", id="root"),
])
def test_cli_bad_plan_is_one_line_exit_2(tmp_path, command, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    code, out = run_cli([command, str(path)])
    assert code == 2
    lines = out.splitlines()
    assert len(lines) == 1, out
    assert lines[0].startswith(f"error: {path}: {message}")


def test_cli_bad_plan_subprocess(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[plan\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "refactor", "audit", str(path)], cwd=REPO,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stdout.count("\n") == 1 and str(path) in done.stdout and "invalid TOML" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
