"""import_rewrite: every kind of import site of a renamed name, rewritten in place."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from codemod_cases import LEGACY, Case, check, run, src

from codemods.framework.spec import EditSpec, Rename

EXPORTING = EditSpec(
    renames=(Rename("app", "AppSettings", "app.settings", "Settings"),),
    public_after=(("app", ("Settings",)),),
)
# binds the name at runtime (so a patch string may point there), but does not offer it
RUNTIME_ONLY = EditSpec(
    renames=(Rename("app", "AppSettings", "app.settings", "Settings"),),
    exports_after=(("app", ("Settings",)),),
)
KEEP = EditSpec(renames=(LEGACY,), keep_local_names=True)
TWO = EditSpec(renames=(LEGACY, Rename("app.legacy", "Config", "app.settings", "Settings")))

FROM_IMPORTS = [
    pytest.param(
        Case(
            before="""
            from app.legacy import AppSettings

            settings = AppSettings()
        """,
            after="""
            from app.settings import Settings

            settings = Settings()
        """,
        ),
        id="from-import",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import AppSettings as Conf

            def build() -> Conf:
                return Conf.from_env()
        """,
            after="""
            from app.settings import Settings

            def build() -> Settings:
                return Settings.from_env()
        """,
        ),
        id="from-import-as-alias-renames-uses",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import AppSettings, parse_bool  # legacy helpers

            parse_bool(AppSettings)
        """,
            after="""
            from app.legacy import parse_bool  # legacy helpers
            from app.settings import Settings

            parse_bool(Settings)
        """,
        ),
        id="multi-name-split",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import (
                LEGACY_NAMES,  # old variable names
                AppSettings,
                parse_bool,
            )

            print(LEGACY_NAMES, AppSettings, parse_bool)
        """,
            after="""
            from app.legacy import (
                LEGACY_NAMES,  # old variable names
                parse_bool,
            )
            from app.settings import Settings

            print(LEGACY_NAMES, Settings, parse_bool)
        """,
        ),
        id="parenthesised-multi-line",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import (
                parse_bool,
                AppSettings,
            )
        """,
            after="""
            from app.legacy import (
                parse_bool,
            )
            from app.settings import Settings
        """,
        ),
        id="parenthesised-last-name",
    ),
    pytest.param(
        Case(
            before="""
            from .legacy import AppSettings

            x = AppSettings
        """,
            after="""
            from .settings import Settings

            x = Settings
        """,
        ),
        id="relative-sibling",
    ),
    pytest.param(
        Case(
            before="""
            from ..legacy import AppSettings

            x = AppSettings
        """,
            after="""
            from ..settings import Settings

            x = Settings
        """,
            module="app.web.views",
        ),
        id="relative-parent",
    ),
    pytest.param(
        Case(
            before="""
            from .legacy import AppSettings

            __all__ = []
            if True:
                __all__.append("AppSettings")
            __all__.extend(["AppSettings", "other"])
            __all__.remove("AppSettings")
        """,
            after="""
            from .settings import Settings

            __all__ = []
            if True:
                __all__.append("Settings")
            __all__.extend(["Settings", "other"])
        """,
            module="app",
            is_package=True,
        ),
        id="dunder-all-append-extend-remove",
    ),
    pytest.param(
        Case(
            before="""
            from .legacy import AppSettings

            __all__ = ["AppSettings"]
        """,
            after="""
            from .settings import Settings

            __all__ = ["Settings"]
        """,
            module="app",
            is_package=True,
        ),
        id="relative-from-package-init",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import AppSettings
            from app.settings import load_settings, ENV_PREFIX

            x = AppSettings
        """,
            after="""
            from app.settings import load_settings, ENV_PREFIX, Settings

            x = Settings
        """,
        ),
        id="merge-into-existing-import",
    ),
    pytest.param(
        Case(
            before="""
            from app.settings import Settings
            from app.legacy import AppSettings

            assert AppSettings is Settings
        """,
            after="""
            from app.settings import Settings

            assert Settings is Settings
        """,
        ),
        id="never-import-twice",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import AppSettings, Config

            x = AppSettings, Config
        """,
            after="""
            from app.settings import Settings

            x = Settings, Settings
        """,
            spec=TWO,
        ),
        id="two-aliases-one-target",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import AppSettings

            def f(s: "AppSettings") -> "list[AppSettings]":
                return [s]
        """,
            after="""
            from app.settings import Settings

            def f(s: "Settings") -> "list[Settings]":
                return [s]
        """,
        ),
        id="string-annotations",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import AppSettings

            __all__ = [
                "AppSettings",  # the settings class
                "other",
            ]
        """,
            after="""
            from app.settings import Settings

            __all__ = [
                "Settings",  # the settings class
                "other",
            ]
        """,
        ),
        id="dunder-all-renamed",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import AppSettings
            from app.settings import Settings

            __all__ = ("AppSettings", "Settings")
        """,
            after="""
            from app.settings import Settings

            __all__ = ("Settings",)
        """,
        ),
        id="dunder-all-duplicate-dropped",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import AppSettings

            x = AppSettings
        """,
            after="""
            from app.settings import Settings as AppSettings

            x = AppSettings
        """,
            spec=KEEP,
        ),
        id="keep-local-names",
    ),
    pytest.param(
        Case(
            before="""
            from app import AppSettings

            x = AppSettings
        """,
            after="""
            from app import Settings

            x = Settings
        """,
            spec=EXPORTING,
            noop="""
            from elsewhere import AppSettings

            x = AppSettings
        """,
        ),
        id="target-module-that-re-exports",
    ),
    pytest.param(
        Case(
            before="""
            from app import AppSettings

            x = AppSettings
        """,
            after="""
            from app.settings import Settings

            x = Settings
        """,
            spec=RUNTIME_ONLY,
            noop="""
            from elsewhere import AppSettings

            x = AppSettings
        """,
        ),
        id="runtime-binding-alone-is-not-a-target",
    ),
    pytest.param(
        Case(
            before="""
            from .legacy import AppSettings

            class Settings(AppSettings):
                pass
        """,
            after=None,
            module="app.other",
            findings=("would shadow Settings",),
        ),
        id="shadowing-module-level-class",
    ),
]

LAZY_AND_GUARDED = [
    pytest.param(
        Case(
            before="""
            import os


            def load():
                # imported here to avoid a cycle
                from app.legacy import AppSettings

                return AppSettings.from_env(os.environ)
        """,
            after="""
            import os


            def load():
                # imported here to avoid a cycle
                from app.settings import Settings

                return Settings.from_env(os.environ)
        """,
        ),
        id="lazy-import-stays-in-function",
    ),
    pytest.param(
        Case(
            before="""
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from app.legacy import AppSettings

            def f(s: "AppSettings") -> None: ...
        """,
            after="""
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from app.settings import Settings

            def f(s: "Settings") -> None: ...
        """,
        ),
        id="type-checking-block",
    ),
    pytest.param(
        Case(
            before="""
            from typing import TYPE_CHECKING
            from app.settings import Settings

            if TYPE_CHECKING:
                from app.legacy import AppSettings

            def f(s: "AppSettings") -> Settings: ...
        """,
            after="""
            from app.settings import Settings

            def f(s: "Settings") -> Settings: ...
        """,
        ),
        id="type-checking-block-made-redundant",
    ),
    pytest.param(
        Case(
            before="""
            try:
                from app.legacy import AppSettings
            except ImportError:  # old installs
                AppSettings = None

            x = AppSettings
        """,
            after="""
            from app.settings import Settings

            x = Settings
        """,
        ),
        id="try-except-none-fallback-collapses",
    ),
    pytest.param(
        Case(
            before="""
            try:
                from app.legacy import AppSettings
            except ImportError:
                from app.legacy_v1 import AppSettings
        """,
            after="""
            from app.settings import Settings
        """,
            spec=EditSpec(
                renames=(LEGACY, Rename("app.legacy_v1", "AppSettings", "app.settings", "Settings"))
            ),
        ),
        id="try-except-identical-branches-collapse",
    ),
    pytest.param(
        Case(
            before="""
            try:
                from app.legacy import AppSettings
                import yaml
            except ImportError:
                AppSettings = yaml = None

            x = AppSettings
        """,
            after="""
            try:
                from app.settings import Settings as AppSettings
                import yaml
            except ImportError:
                AppSettings = yaml = None

            x = AppSettings
        """,
        ),
        id="try-except-fallback-value-keeps-the-name",
    ),
    pytest.param(
        Case(
            before="""
            import os
            if os.environ.get("FAST"):
                from fastlib import AppSettings, fast
            else:
                from app.legacy import AppSettings, slow

            x = AppSettings
            __all__ = ["AppSettings"]
        """,
            after="""
            import os
            if os.environ.get("FAST"):
                from fastlib import AppSettings, fast
            else:
                from app.legacy import slow
                from app.settings import Settings as AppSettings

            x = AppSettings
            __all__ = ["AppSettings"]
        """,
        ),
        id="name-bound-by-another-branch-is-kept",
    ),
    pytest.param(
        Case(
            before="""
            try:
                from app.legacy import AppSettings
            finally:
                cleanup()
        """,
            after="""
            try:
                from app.settings import Settings
            finally:
                cleanup()
        """,
        ),
        id="try-finally-not-collapsed",
    ),
]

MODULE_ATTRIBUTES = [
    pytest.param(
        Case(
            before="""
            from app import legacy

            x = legacy.AppSettings

            def configure(legacy):
                return legacy.AppSettings

            def rebinds():
                legacy = make()
                return legacy.AppSettings
        """,
            after="""
            from app import settings

            x = settings.Settings

            def configure(legacy):
                return legacy.AppSettings

            def rebinds():
                legacy = make()
                return legacy.AppSettings
        """,
        ),
        id="local-variable-named-like-the-module-is-not-the-module",
    ),
    pytest.param(
        Case(
            before="""
            import app.legacy

            x = app.legacy.AppSettings()
        """,
            after="""
            import app.settings

            x = app.settings.Settings()
        """,
        ),
        id="import-dotted-module",
    ),
    pytest.param(
        Case(
            before="""
            import app.legacy as legacy_mod

            x = legacy_mod.AppSettings.from_env()
        """,
            after="""
            from app import settings

            x = settings.Settings.from_env()
        """,
        ),
        id="import-module-as",
    ),
    pytest.param(
        Case(
            before="""
            from app import legacy

            x = legacy.AppSettings
            y = legacy.parse_bool
        """,
            after="""
            from app import legacy, settings

            x = settings.Settings
            y = legacy.parse_bool
        """,
        ),
        id="from-package-import-module-still-used",
    ),
    pytest.param(
        Case(
            before="""
            from . import legacy

            def f():
                return legacy.AppSettings
        """,
            after="""
            from . import settings

            def f():
                return settings.Settings
        """,
        ),
        id="relative-module-import",
    ),
    pytest.param(
        Case(
            before="""
            def f():
                import app.legacy

                return app.legacy.AppSettings
        """,
            after="""
            def f():
                import app.settings

                return app.settings.Settings
        """,
        ),
        id="module-import-inside-function",
    ),
    pytest.param(
        Case(
            before="""
            from app import legacy

            x = legacy.AppSettings
        """,
            after="""
            from app import legacy

            x = legacy.Settings
        """,
            spec=EditSpec(renames=(LEGACY,), public_after=(("app.legacy", ("Settings",)),)),
        ),
        id="module-still-binds-new-name",
    ),
    pytest.param(
        Case(
            before="""
            from app import legacy

            legacy.AppSettings = object
        """,
            after=None,
            findings=("assigns to app.legacy.AppSettings; left as is",),
        ),
        id="store-is-reported",
    ),
    pytest.param(
        Case(
            before="""
            from app import legacy

            def f(settings):
                return legacy.AppSettings(settings)
        """,
            after="""
            from app import settings as app_settings

            def f(settings):
                return app_settings.Settings(settings)
        """,
        ),
        id="module-name-taken-here-takes-another",
    ),
    pytest.param(
        Case(
            before="""
            import app.legacy as lm

            def f(settings, app_settings, settings_module):
                return lm.AppSettings
        """,
            after=None,
            findings=("would shadow settings",),
        ),
        id="shadowing-parameters",
    ),
]

# a string annotation that is exactly a use through a module binding is rewritten like the use
STRING_ANNOTATIONS = [
    pytest.param(
        Case(
            before="""
            import app.legacy as legacy_mod

            def f(s: "legacy_mod.AppSettings") -> 'legacy_mod.AppSettings':
                x: "legacy_mod.AppSettings" = s
                return x
        """,
            after="""
            from app import settings

            def f(s: "settings.Settings") -> 'settings.Settings':
                x: "settings.Settings" = s
                return x
        """,
        ),
        id="module-alias-string-annotations-keep-their-quotes",
    ),
    pytest.param(
        Case(
            before="""
            import app.legacy as lm

            def make() -> "lm.AppSettings":
                return lm.AppSettings(lm.parse_bool("1"))
        """,
            after="""
            import app.legacy as lm
            from app import settings

            def make() -> "settings.Settings":
                return settings.Settings(lm.parse_bool("1"))
        """,
        ),
        id="module-alias-string-annotation-beside-code-use",
    ),
    pytest.param(
        Case(
            before="""
            import app.legacy

            def f() -> "app.legacy.AppSettings": ...
        """,
            after="""
            import app.settings

            def f() -> "app.settings.Settings": ...
        """,
        ),
        id="dotted-module-string-annotation",
    ),
    pytest.param(
        Case(
            before="""
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                import app.legacy as lm

            def f() -> "lm.AppSettings": ...
        """,
            after="""
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from app import settings

            def f() -> "settings.Settings": ...
        """,
        ),
        id="string-annotation-through-type-checking-import",
    ),
    pytest.param(
        Case(
            before="""
            from typing import Optional, cast
            from app import legacy

            def f(s: Optional["legacy.AppSettings"]) -> None:
                cast("legacy.AppSettings", s)
        """,
            after="""
            from typing import Optional, cast
            from app import settings

            def f(s: Optional["settings.Settings"]) -> None:
                cast("settings.Settings", s)
        """,
        ),
        id="string-inside-annotation-and-cast",
    ),
    pytest.param(
        Case(
            before="""
            from app import legacy

            def f() -> "legacy.AppSettings": ...
        """,
            after="""
            from app import legacy

            def f() -> "legacy.Settings": ...
        """,
            spec=EditSpec(renames=(LEGACY,), public_after=(("app.legacy", ("Settings",)),)),
        ),
        id="string-annotation-module-still-binds-new-name",
    ),
    pytest.param(
        Case(
            before="""
            import app.legacy as lm

            def f(s: "lm.Other") -> "lm.AppSettings.Inner | None":
                print("lm.AppSettings")
                return {"kind": "lm.AppSettings", "doc": "see lm.AppSettings"}.get(s)
        """,
            after=None,
        ),
        id="strings-that-are-not-the-annotation-of-the-use-are-kept",
    ),
    pytest.param(
        Case(
            before="""
            import app.legacy as lm

            def f(s: "list[lm.AppSettings]") -> "dict[str, lm.AppSettings] | lm.Other":
                return {}
        """,
            after="""
            import app.legacy as lm
            from app import settings

            def f(s: "list[settings.Settings]") -> "dict[str, settings.Settings] | lm.Other":
                return {}
        """,
        ),
        id="uses-inside-a-larger-string-annotation",
    ),
    pytest.param(
        Case(
            before="""
            from typing import Optional
            from app import legacy

            x: "Optional[dict[legacy.AppSettings, legacy.AppSettings]]" = None
        """,
            after="""
            from typing import Optional
            from app import legacy

            x: "Optional[dict[legacy.Settings, legacy.Settings]]" = None
        """,
            spec=EditSpec(renames=(LEGACY,), public_after=(("app.legacy", ("Settings",)),)),
        ),
        id="several-uses-in-one-string-annotation-module-still-binds-new-name",
    ),
]

OTHER = [
    pytest.param(
        Case(
            before="""
            from app.legacy import *

            x = AppSettings
        """,
            after="""
            from app.legacy import *
            from app.settings import Settings

            x = Settings
        """,
        ),
        id="star-import-no-longer-providing-it-the-new-name-imported",
    ),
    pytest.param(
        Case(
            before="""
            from .iface import SettingsBase, Other

            class Settings(Other, SettingsBase):
                pass
        """,
            after="""
            from .iface import Other

            class Settings(Other):
                pass
        """,
            module="app.settings",
            spec=EditSpec(
                renames=(Rename("app.iface", "SettingsBase", "app.settings", "Settings"),)
            ),
            noop="""
            from .other_iface import SettingsBase, Other

            class Settings(Other, SettingsBase):
                pass
        """,
        ),
        id="canonical-drops-replaced-base",
    ),
    pytest.param(
        Case(
            before="""
            from app.settings import Settings
            from app.legacy import AppSettings

            class Plugin(Settings, AppSettings):
                pass
        """,
            after="""
            from app.settings import Settings

            class Plugin(Settings):
                pass
        """,
        ),
        id="duplicate-base-dropped",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import AppSettings


            class Base:
                pass


            class Base(Base):   # a new class deriving from the old one: no rename involved, kept
                pass


            class Mixin(Base, Base.__base__ if False else object):
                pass


            x = AppSettings
        """,
            after="""
            from app.settings import Settings


            class Base:
                pass


            class Base(Base):   # a new class deriving from the old one: no rename involved, kept
                pass


            class Mixin(Base, Base.__base__ if False else object):
                pass


            x = Settings
        """,
        ),
        id="bases-no-rename-touches-are-kept",
    ),
    pytest.param(
        Case(
            before="""
            from .settings import Settings

            def f():
                from .legacy import AppSettings
                return AppSettings
        """,
            after="""
            from .settings import Settings

            def f():
                return Settings
        """,
        ),
        id="function-import-already-bound-at-module-level",
    ),
    pytest.param(
        Case(
            before="""
            Settings = 1

            def f():
                from .legacy import AppSettings
                return AppSettings, Settings
        """,
            after=None,
            findings=("would shadow Settings",),
        ),
        id="shadowing-captures-outer-name",
    ),
]


MORE = [
    pytest.param(
        Case(
            before="""
            from typing import TYPE_CHECKING
            if TYPE_CHECKING: from app.legacy import AppSettings
            def f(s: "AppSettings") -> None: ...
        """,
            after="""
            from typing import TYPE_CHECKING
            if TYPE_CHECKING: from app.settings import Settings
            def f(s: "Settings") -> None: ...
        """,
        ),
        id="one-line-type-checking-suite",
    ),
    pytest.param(
        Case(
            before="""
            from .legacy import AppSettings


            class Settings:
                pass


            def make() -> AppSettings:
                return AppSettings()
        """,
            after="""
            class Settings:
                pass


            def make() -> Settings:
                return Settings()
        """,
            module="app.settings",
            noop="""
            from .legacy import Other


            class Settings:
                pass
        """,
        ),
        id="canonical-module-importing-its-alias",
    ),
    pytest.param(
        Case(
            before="""
            import app.legacy
            import app.other

            x = app.legacy.AppSettings, app.other.thing
        """,
            after="""
            import app.settings
            import app.other

            x = app.settings.Settings, app.other.thing
        """,
        ),
        id="dotted-import-sibling-still-used",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import *

            x = AppSettings
        """,
            after=None,
            spec=EditSpec(renames=(LEGACY,), removable_modules=("app.legacy",)),
            findings=("star import from removed module app.legacy",),
        ),
        id="star-import-of-removed-module",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import *

            x = AppSettings
        """,
            after=None,
            spec=EditSpec(renames=(LEGACY,), exports_after=(("app.legacy", ("AppSettings",)),)),
        ),
        id="star-import-still-providing-is-left-alone",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import AppSettings as Conf

            x = Conf
        """,
            after="""
            from app.settings import Settings as Conf

            x = Conf
        """,
            spec=KEEP,
        ),
        id="keep-local-names-keeps-alias",
    ),
    pytest.param(
        Case(
            before="""
            from app.legacy import AppSettings
            from app.other import helper

            def f():
                from app.settings import load

                return AppSettings, helper, load
        """,
            after="""
            from app.settings import Settings
            from app.other import helper

            def f():
                from app.settings import load

                return Settings, helper, load
        """,
        ),
        id="function-level-import-of-target-is-not-merged-into",
    ),
]


@pytest.mark.parametrize(
    "case", FROM_IMPORTS + LAZY_AND_GUARDED + MODULE_ATTRIBUTES + STRING_ANNOTATIONS + OTHER + MORE
)
def test_import_sites(case: Case) -> None:
    check(case)


def test_unrelated_module_is_untouched_byte_for_byte() -> None:
    check(
        Case(
            before="""
        import os   # spacing kept
        from app.other import AppSettings as  X
        print( X , os )
    """,
            after=None,
        )
    )


def _every_case() -> list[Case]:
    """Every `Case(...)` written in this module, built as the module builds it."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    calls = [node for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Case"]
    return [eval(compile(ast.Expression(call), __file__, "eval"), globals()) for call in calls]


def test_same_spec_twice_is_idempotent_on_every_case() -> None:
    cases = _every_case()
    assert len(cases) > 50
    for case in cases:
        before = src(case.before)
        once = run(before, case.spec, case.module, case.is_package, case.others)
        assert once.error is None, once.error
        twice = run(once.new_text, case.spec, case.module, case.is_package, case.others)
        assert twice.error is None, twice.error
        assert twice.new_text == once.new_text, f"not idempotent:\n{before}\n---\n{once.new_text}"
        assert twice.status == "unchanged", twice.new_text


def test_parametrize_repeat_made_by_the_renames_goes() -> None:
    check(
        Case(
            before="""
            import pytest
            from app.legacy import AppSettings
            from app.settings import Settings

            @pytest.mark.parametrize("cls", [Settings, dict, AppSettings, dict])
            def test_cls(cls): ...
        """,
            after="""
            import pytest
            from app.settings import Settings

            @pytest.mark.parametrize("cls", [Settings, dict, dict])
            def test_cls(cls): ...
        """,
        )
    )


def test_the_all_editor_runs_only_where_the_module_writes_all(monkeypatch) -> None:
    from codemods.imports import rewrite

    made = []
    real = rewrite.DunderAllEditor

    def counting(*args, **kwargs):
        made.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(rewrite, "DunderAllEditor", counting)
    text = "from app.legacy import AppSettings\n\nx = AppSettings\n"
    assert run(text).new_text == "from app.settings import Settings\n\nx = Settings\n" and made == []
    exported = text + '__all__ = ["AppSettings", "x"]\n'
    assert run(exported).new_text.endswith('__all__ = ["Settings", "x"]\n') and len(made) == 1


def test_the_rewrite_walks_only_into_what_holds_an_edit(monkeypatch) -> None:
    from codemods.imports import rewrite

    reached = []
    real = rewrite.ImportRewriter._replaced

    def counting(self, original, updated):
        reached.append(getattr(original, "value", type(original).__name__))
        return real(self, original, updated)

    monkeypatch.setattr(rewrite.ImportRewriter, "_replaced", counting)
    unrelated = "".join(f"\n\ndef helper_{i}(a, b):\n    return a.b + b.c + helper_{i}(a, b)\n" for i in range(40))
    text = "import os\nfrom app.legacy import AppSettings\n" + unrelated + "\nx = AppSettings(os.sep)\n"
    result = run(text)
    assert result.new_text == text.replace("app.legacy import AppSettings", "app.settings import Settings") \
        .replace("x = AppSettings", "x = Settings")
    assert "helper_3" not in reached and "a" not in reached and "AppSettings" in reached
    assert len(reached) < 20
