"""engine.apply_edits: statuses, safety nets, encodings, idempotence on a whole fixture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from codemod_cases import LEGACY, SPEC, run, src

from codemods.engine import apply_edits
from codemods.framework.spec import EditSpec, FileContext, Rename

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "settings_app" / "src"
CANON = "confapp.config.settings"
PUBLIC = (
    ("confapp.config", ("ConfigBuilder", "Settings", "SettingsError", "load_settings")),
    ("confapp", ("Settings", "SettingsError", "load_settings")),
)
FIXTURE_SPEC = EditSpec(
    renames=tuple(
        Rename(module, name, CANON, "Settings")
        for module, name in [
            ("confapp.config.legacy", "AppSettings"),
            ("confapp.config.legacy", "Config"),
            ("confapp.config", "AppSettings"),
            ("confapp", "AppSettings"),
            ("confapp.config.compat", "LegacySettings"),
            ("confapp.config.compat", "RuntimeSettings"),
            ("confapp.config.typing_compat", "BaseSettings"),
            ("confapp.core.settings", "CoreSettings"),
            ("confapp.core", "CoreSettings"),
        ]
    ),
    delete_definitions=(
        ("confapp.config.legacy", ("AppSettings", "Config")),
        ("confapp.config.compat", ("LegacySettings", "RuntimeSettings")),
        ("confapp.config.typing_compat", ("BaseSettings",)),
        ("confapp.core.settings", ("CoreSettings",)),
    ),
    removable_modules=("confapp.config.compat",),
    exports_after=PUBLIC,
    public_after=PUBLIC,
)


def fixture_files() -> dict[FileContext, str]:
    files = {}
    for path in sorted(FIXTURE.rglob("*.py")):
        relative = path.relative_to(FIXTURE)
        package = path.name == "__init__.py"
        parts = relative.with_suffix("").parts[: -1 if package else None]
        files[FileContext(str(relative), ".".join(parts), package)] = path.read_text()
    return files


def test_parse_failure_is_a_failed_result() -> None:
    result = run("from app.legacy import AppSettings\ndef broken(:\n    pass\n")
    assert result.status == "failed" and result.new_text is None
    assert re.fullmatch(r"app/consumer\.py:\d+: .+", result.error or "")


def test_file_mentioning_nothing_changed_is_not_even_parsed() -> None:
    result = run("def broken(:\n")  # would fail to parse
    assert (result.status, result.new_text) == ("unchanged", "def broken(:\n")


def test_bom_and_crlf_are_kept() -> None:
    text = "\ufeff# -*- coding: utf-8 -*-\r\nfrom app.legacy import AppSettings\r\n\r\nx = AppSettings\r\n"
    result = run(text)
    assert result.new_text == (
        "\ufeff# -*- coding: utf-8 -*-\r\nfrom app.settings import Settings\r\n\r\nx = Settings\r\n"
    )
    assert run(result.new_text).status == "unchanged"


@pytest.mark.parametrize("views", [True, False])
def test_lone_carriage_returns_are_kept_to_the_last_line(views: bool) -> None:
    text = "import os\rfrom app.legacy import AppSettings\rx = AppSettings(os.sep)\r"
    result = run(text, views=views)
    assert result.new_text == "import os\rfrom app.settings import Settings\rx = Settings(os.sep)\r"
    assert run(text, passes_apart=True, views=views) == result
    assert run(result.new_text).status == "unchanged"


def test_bom_file_without_edits_is_byte_identical() -> None:
    text = "\ufeffimport os\r\nAppSettings = os\r\n"
    assert run(text).new_text == text


def test_shadowing_leaves_the_whole_file_unchanged() -> None:
    text = src("""
        from app.legacy import AppSettings
        from app.other import Settings

        x = AppSettings, Settings
    """)
    result = run(text)
    assert (result.status, result.new_text) == ("unchanged", text)
    assert [str(f) for f in result.findings] == ["app/consumer.py:1: would shadow Settings"]


def test_results_are_keyed_by_path_for_every_file() -> None:
    files = {
        FileContext("a.py", "a"): "from app.legacy import AppSettings\n",
        FileContext("b.py", "b"): "x = 1\n",
        FileContext("pkg/__init__.py", "pkg", True): "from .legacy import AppSettings\n",
    }
    results = apply_edits(files, SPEC)
    assert {path: r.status for path, r in results.items()} == {
        "a.py": "changed",
        "b.py": "unchanged",
        "pkg/__init__.py": "unchanged",
    }


def test_removable_module_not_among_files_counts_as_gone() -> None:
    spec = EditSpec(renames=(LEGACY,), removable_modules=("app.legacy",))
    result = run("from app.legacy import AppSettings, parse_bool\nparse_bool(AppSettings)\n", spec)
    assert [f.reason for f in result.findings] == [
        "imports parse_bool from removed module app.legacy"
    ]


@pytest.mark.skipif(not FIXTURE.is_dir(), reason="fixture not present")
def test_fixture_stage_parses_compiles_and_is_idempotent() -> None:
    files = fixture_files()
    results = apply_edits(files, FIXTURE_SPEC)
    assert {r.status for r in results.values()} <= {"changed", "unchanged", "deleted"}
    assert results["confapp/config/compat.py"].status == "deleted"
    outputs = {}
    for ctx in files:
        result = results[ctx.path]
        if result.status == "deleted":
            continue
        compile(result.new_text, ctx.path, "exec")
        outputs[ctx] = result.new_text
    again = apply_edits(outputs, FIXTURE_SPEC)
    assert {path for path, r in again.items() if r.status != "unchanged"} == set()
    old_imports = re.compile(
        r"import .*\b(AppSettings|LegacySettings|RuntimeSettings|CoreSettings)\b"
    )
    for text in outputs.values():
        assert not old_imports.search(text)


@pytest.mark.skipif(not FIXTURE.is_dir(), reason="fixture not present")
def test_fixture_round_trips_byte_for_byte_with_an_empty_stage() -> None:
    files = fixture_files()
    results = apply_edits(files, EditSpec())
    assert all(results[ctx.path].new_text == text for ctx, text in files.items())


def test_a_codemod_crash_is_that_file_failing(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **options: object) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr("codemods.engine.rewrite_imports", boom)
    result = run("from app.legacy import AppSettings\n")
    assert (result.status, result.error) == (
        "failed",
        "app/consumer.py:1: internal error: RuntimeError: boom",
    )


def test_an_edit_that_does_not_parse_is_a_failed_result(monkeypatch: pytest.MonkeyPatch) -> None:
    import libcst

    real = libcst.parse_module
    calls = []

    def parse(text: str) -> libcst.Module:
        calls.append(text)
        if len(calls) == 2:  # the safety net's re-parse of the output
            return real("def broken(:\n")
        return real(text)

    def python_cannot_read(text: str, *args, **kwargs):
        raise SyntaxError("as if the edit did not parse")

    monkeypatch.setattr("codemods.engine.cst.parse_module", parse)
    monkeypatch.setattr("codemods.engine.python_check", python_cannot_read)   # (so LibCST's parser decides)
    result = run("from app.legacy import AppSettings\n")
    assert result.status == "failed" and result.new_text is None
    assert (result.error or "").endswith("edit does not parse")


def test_findings_point_at_lines_of_the_file_as_read() -> None:
    spec = EditSpec(renames=(LEGACY,), removable_modules=("app.legacy",))
    text = src("""
        from app.legacy import AppSettings, parse_bool
        from unittest import mock

        mock.patch("app.legacy.parse_bool")
        parse_bool(AppSettings)
    """)
    result = run(text, spec)
    assert result.new_text.count("\n") == text.count("\n") + 1  # the import was split
    assert sorted(str(f) for f in result.findings) == [
        "app/consumer.py:1: imports parse_bool from removed module app.legacy",
        "app/consumer.py:4: cannot decide where app.legacy.parse_bool lives",
    ]


def test_an_edit_that_changes_nothing_is_not_printed_again() -> None:
    import libcst

    from codemods.engine import _printed

    tree = libcst.parse_module("x = 1\n")
    assert _printed(tree, tree, "x = 1\n# (as printed before)\n") == (tree, "x = 1\n# (as printed before)\n")
    edited = tree.with_changes(body=[*tree.body, *libcst.parse_module("y = 2\n").body])
    assert _printed(tree, edited, "x = 1\n") == (edited, "x = 1\ny = 2\n")
