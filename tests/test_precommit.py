"""The pre-commit hook this repository offers: its definition, and its entry run as pre-commit would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, copy_fixture

HOOKS = REPO / ".pre-commit-hooks.yaml"


def parse_hooks(text: str) -> list[dict[str, object]]:
    """The small YAML subset the file uses: a list of flat mappings with plain scalars and booleans."""
    hooks: list[dict[str, object]] = []
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if line.startswith("- "):
            hooks.append({})
            line = "  " + line[2:]
        assert line.startswith("  ") and hooks, f"unexpected line: {raw!r}"
        key, sep, value = line.strip().partition(": ")
        assert sep, f"not a `key: value` line: {raw!r}"
        hooks[-1][key] = {"true": True, "false": False}.get(value, value)
    return hooks


@pytest.fixture(scope="module")
def hook() -> dict[str, object]:
    hooks = parse_hooks(HOOKS.read_text(encoding="utf-8"))
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is optional
        pass
    else:
        assert yaml.safe_load(HOOKS.read_text(encoding="utf-8")) == hooks
    assert [h["id"] for h in hooks] == ["refactor-check"]
    return hooks[0]


def test_hook_definition(hook):
    assert hook["entry"] == "refactor check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["always_run"] is True
    assert hook["name"] and len(str(hook["description"])) > 20


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("precommit")
    copy_fixture("settings_app", root)
    return root


def run_entry(hook, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """The hook's entry as pre-commit runs it (console script `refactor` = `python -m refactor`), plus args."""
    program, *words = str(hook["entry"]).split()
    assert program == "refactor"
    return subprocess.run([sys.executable, "-m", "refactor", *words, *args], check=False, cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize(("args", "code", "verdict"), [
    ([], 1, "FAIL settings: 5 distinct definitions (static); allowed 1"),
    (["--max", "5"], 0, "OK settings: 5 distinct definitions (static); allowed 5"),
], ids=["fails-above-one", "passes-at-the-allowance"])
def test_hook_entry_on_the_settings_fixture(hook, settings, args, code, verdict):
    done = run_entry(hook, [str(settings / "plans" / "settings.toml"), *args], settings)
    assert done.returncode == code, done.stdout + done.stderr
    assert done.stdout.startswith(verdict)


def test_hook_entry_without_args_uses_the_configured_plan(hook, settings):
    """The hook as most repositories will use it: no args, the plan named in [tool.refactor]."""
    (settings / "pyproject.toml").write_text('[tool.refactor]\nplans = ["plans/settings.toml"]\n')
    try:
        done = run_entry(hook, [], settings)
        assert done.returncode == 1, done.stdout + done.stderr
        assert done.stdout.startswith("FAIL settings:")
        assert run_entry(hook, ["--max", "5"], settings).returncode == 0
    finally:
        (settings / "pyproject.toml").unlink()
