"""string_targets and dynamic_imports: names written as strings."""

from __future__ import annotations

import pytest
from codemod_cases import LEGACY, Case, check, run, src

from codemods.framework.spec import EditSpec, Rename

GONE = EditSpec(renames=(LEGACY,), removable_modules=("app.legacy",))
EXPORTED = EditSpec(renames=(LEGACY,), exports_after=(("app.legacy", ("Settings",)),))

TOP = EditSpec(renames=(Rename("legacy", "AppSettings", "settings", "Settings"),))

PATCHES = [
    pytest.param(
        Case(
            before="""
            def test():
                try:
                    from unittest.mock import patch as replace
                except ImportError:
                    replace = None
                with replace("legacy.AppSettings"):
                    pass
        """,
            after="""
            def test():
                try:
                    from unittest.mock import patch as replace
                except ImportError:
                    replace = None
                with replace("settings.Settings"):
                    pass
        """,
            spec=TOP,
        ),
        id="patch-under-an-alias-imported-in-a-block",
    ),
    pytest.param(
        Case(
            before="""
            from unittest import mock

            @mock.patch("app.legacy.AppSettings")
            def test(m): ...
        """,
            after="""
            from unittest import mock

            @mock.patch("app.settings.Settings")
            def test(m): ...
        """,
        ),
        id="mock-patch-decorator",
    ),
    pytest.param(
        Case(
            before="""
            from unittest.mock import patch

            with patch(target='app.legacy.AppSettings.from_env') as m:
                pass
        """,
            after="""
            from unittest.mock import patch

            with patch(target='app.settings.Settings.from_env') as m:
                pass
        """,
        ),
        id="patch-target-keyword-single-quotes-attribute-path",
    ),
    pytest.param(
        Case(
            before="""
            import unittest.mock

            unittest.mock.patch("app.legacy.AppSettings")
        """,
            after="""
            import unittest.mock

            unittest.mock.patch("app.legacy.Settings")
        """,
            spec=EXPORTED,
        ),
        id="module-still-binds-new-name-is-patched-there",
    ),
    pytest.param(
        Case(
            before="""
            def test(mocker, monkeypatch):
                mocker.patch("app.legacy.AppSettings")
                monkeypatch.setattr("app.legacy.AppSettings", None)
                monkeypatch.delattr("app.legacy.AppSettings")
        """,
            after="""
            def test(mocker, monkeypatch):
                mocker.patch("app.settings.Settings")
                monkeypatch.setattr("app.settings.Settings", None)
                monkeypatch.delattr("app.settings.Settings")
        """,
        ),
        id="pytest-mock-and-monkeypatch",
    ),
    pytest.param(
        Case(
            before="""
            from unittest import mock
            from app import legacy

            mock.patch.object(legacy, "AppSettings", autospec=True)
        """,
            after="""
            from unittest import mock

            mock.patch("app.settings.Settings", autospec=True)
        """,
        ),
        id="patch-object-of-module-becomes-dotted",
    ),
    pytest.param(
        Case(
            before="""
            from app import legacy

            def test(mocker, monkeypatch):
                mocker.patch.object(legacy, "AppSettings")
                monkeypatch.setattr(legacy, "AppSettings", None)
        """,
            after="""
            from app import legacy

            def test(mocker, monkeypatch):
                mocker.patch.object(legacy, "Settings")
                monkeypatch.setattr(legacy, "Settings", None)
        """,
            spec=EXPORTED,
        ),
        id="patch-object-renames-attribute-when-still-bound",
    ),
    pytest.param(
        Case(
            before="""
            from unittest import mock
            from app import legacy

            def test(monkeypatch):
                mock.patch.object(target=legacy, attribute="AppSettings", autospec=True)
                mock.patch.object(legacy, attribute="AppSettings")
                monkeypatch.setattr(legacy, name="AppSettings", value=None, raising=False)
                monkeypatch.setattr(target=legacy, name="AppSettings", value=None)
        """,
            after="""
            from unittest import mock

            def test(monkeypatch):
                mock.patch("app.settings.Settings", autospec=True)
                mock.patch("app.settings.Settings")
                monkeypatch.setattr("app.settings.Settings", None, raising=False)
                monkeypatch.setattr("app.settings.Settings", None)
        """,
        ),
        id="patch-object-with-keywords-becomes-dotted",
    ),
    pytest.param(
        Case(
            before="""
            from app import legacy

            def test(mocker, monkeypatch):
                mocker.patch.object(target=legacy, attribute="AppSettings", new=None)
                monkeypatch.setattr(legacy, name="AppSettings", value=None)
        """,
            after="""
            from app import legacy

            def test(mocker, monkeypatch):
                mocker.patch.object(target=legacy, attribute="Settings", new=None)
                monkeypatch.setattr(legacy, name="Settings", value=None)
        """,
            spec=EXPORTED,
        ),
        id="patch-object-with-keywords-renames-attribute-when-still-bound",
    ),
    pytest.param(
        Case(
            before="""
            from unittest import mock

            mock.patch.multiple("app.legacy", AppSettings=None, other=1)
        """,
            after="""
            from unittest import mock

            mock.patch.multiple("app.legacy", Settings=None, other=1)
        """,
            spec=EXPORTED,
        ),
        id="patch-multiple",
    ),
    pytest.param(
        Case(
            before="""
            from unittest import mock

            mock.patch("app.legacy.parse_bool")
            mock.patch("app.legacy")
        """,
            after=None,
            spec=GONE,
            findings=(
                "cannot decide where app.legacy.parse_bool lives",
                "cannot decide where app.legacy lives",
            ),
        ),
        id="patch-of-removed-module-other-name",
    ),
    pytest.param(
        Case(
            before="""
            from unittest import mock

            mock.patch("app.api.AppSettings")
        """,
            after="""
            from unittest import mock

            mock.patch("app.api.Settings")
        """,
            others={"app.api": "from app.legacy import AppSettings\n"},
            noop="""
            from unittest import mock

            mock.patch("app.other.AppSettings")
        """,
        ),
        id="patch-where-looked-up-follows-that-files-rename",
    ),
    pytest.param(
        Case(
            before="""
            ENGINE = Environment(extensions=["app.legacy.AppSettings", 'other.ext.Thing'])
            DEFAULT = "app.legacy.AppSettings.from_env"
        """,
            after="""
            ENGINE = Environment(extensions=["app.settings.Settings", 'other.ext.Thing'])
            DEFAULT = "app.settings.Settings.from_env"
        """,
        ),
        id="a-dotted-path-in-any-string-jinja2-extension-list",
    ),
    pytest.param(
        Case(
            before="""
            NOTE = "see app.legacy.AppSettings"
            SHORT = "legacy.AppSettings"
        """,
            after=None,
        ),
        id="a-string-that-only-contains-or-half-spells-the-path-stays",
    ),
]

DYNAMIC = [
    pytest.param(
        Case(
            before="""
            import importlib

            def load():
                legacy = importlib.import_module("app.legacy")
                return legacy.AppSettings, getattr(legacy, "AppSettings")
        """,
            after="""
            import importlib

            def load():
                legacy = importlib.import_module("app.settings")
                return legacy.Settings, getattr(legacy, "Settings")
        """,
            spec=GONE,
        ),
        id="import-module-switches-module",
    ),
    pytest.param(
        Case(
            before="""
            from importlib import import_module

            cls = import_module("app.legacy").AppSettings
        """,
            after="""
            from importlib import import_module

            cls = import_module("app.settings").Settings
        """,
            spec=GONE,
        ),
        id="import-module-inline",
    ),
    pytest.param(
        Case(
            before="""
            import importlib

            legacy = importlib.import_module("app.legacy")
            x = legacy.AppSettings, legacy.parse_bool
        """,
            after=None,
            spec=GONE,
            findings=("cannot switch import_module('app.legacy'): reads parse_bool",),
        ),
        id="import-module-other-names-reported",
    ),
    pytest.param(
        Case(
            before="""
            import importlib

            legacy = importlib.import_module("app.legacy")
            register(legacy)
        """,
            after=None,
            spec=GONE,
            findings=("imports removed module app.legacy by name",),
        ),
        id="import-module-escapes",
    ),
    pytest.param(
        Case(
            before="""
            import app.legacy as legacy

            def lookup(name):
                return getattr(legacy, name)
        """,
            after=None,
            spec=GONE,
            findings=("getattr on removed module app.legacy", "uses removed module app.legacy"),
        ),
        id="getattr-with-computed-name",
    ),
]


@pytest.mark.parametrize("case", PATCHES + DYNAMIC)
def test_string_targets(case: Case) -> None:
    check(case)


def test_path_of_removed_file_is_reported() -> None:
    text = src("""
        from pathlib import Path

        SOURCE = Path(__file__).parent / "src/app/legacy.py"
        OTHER = "src/app/other.py"
    """)
    result = run(text, GONE, others={})
    assert result.status == "unchanged"
    assert [str(f) for f in result.findings] == [
        "app/consumer.py:3: reads removed file by path: app.legacy"
    ]


def test_import_module_of_a_module_that_stays_switches_when_every_read_moves():
    from codemods.engine import apply_edits
    from codemods.framework.spec import EditSpec, FileContext, Rename
    spec = EditSpec(renames=(Rename("app.interfaces", "ManagerInterface", "app.core", "Manager"),),
                    delete_definitions=(("app.interfaces", ("ManagerInterface",)),),
                    exports_after=(("app.interfaces", ("ConnectionInfo",)),))
    source = ('import importlib\n\n\ndef check(obj):\n'
              '    module = importlib.import_module("app.interfaces")\n'
              '    cls = getattr(module, "ManagerInterface")\n    return isinstance(obj, cls)\n')
    result = apply_edits({FileContext("app/use.py", "app.use", False): source}, spec)["app/use.py"]
    assert result.findings == ()
    assert result.new_text == source.replace('"app.interfaces"', '"app.core"').replace(
        '"ManagerInterface"', '"Manager"')
    # a module that is also read for something that stays cannot switch: reported
    mixed = source.replace("    return isinstance(obj, cls)\n",
                           '    info = getattr(module, "ConnectionInfo")\n    return isinstance(obj, cls), info\n')
    result = apply_edits({FileContext("app/use.py", "app.use", False): mixed}, spec)["app/use.py"]
    assert [f.reason for f in result.findings] == ["app.interfaces.ManagerInterface moves to app.core"]


LOOKUPS = [
    pytest.param(
        Case(
            before="""
            import app.legacy as legacy

            found = getattr(legacy, "AppSettings"), hasattr(legacy, 'AppSettings')
        """,
            after="""
            import app.legacy as legacy

            found = getattr(legacy, "Settings"), hasattr(legacy, 'Settings')
        """,
            spec=EXPORTED,
        ),
        id="getattr-and-hasattr-on-a-module-that-binds-the-new-name",
    ),
    pytest.param(
        Case(
            before="""
            import app.legacy as legacy

            found = getattr(legacy, "AppSettings", None)
        """,
            after=None,
            findings=("getattr of app.legacy.AppSettings: app.legacy will not have it; app.settings.Settings does",),
        ),
        id="getattr-on-a-module-that-loses-the-name-is-reported",
    ),
]


@pytest.mark.parametrize("case", LOOKUPS)
def test_lookups_by_name(case: Case) -> None:
    check(case)
