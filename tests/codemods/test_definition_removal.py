"""definition_removal: named top-level definitions leave their module, with `__all__` entries."""

from __future__ import annotations

import pytest
from codemod_cases import Case, check, run, src

from codemods.framework.spec import EditSpec, Rename

TO_SETTINGS = tuple(
    Rename("app.legacy", name, "app.settings", "Settings")
    for name in ("AppSettings", "Config", "RuntimeSettings", "LegacySettings", "BaseSettings")
)


def deleting(*names: str, removable: bool = False) -> EditSpec:
    return EditSpec(
        renames=TO_SETTINGS,
        delete_definitions=(("app.legacy", names),),
        removable_modules=("app.legacy",) if removable else (),
    )


def legacy(before: str, after: str | None, *names: str, noop: str | None = None) -> Case:
    # the no-op twin: the same text in a module that loses nothing
    return Case(before=before, after=after, spec=deleting(*names), module="app.legacy", noop=noop)


CASES = [
    pytest.param(
        legacy(
            """
        from .settings import Settings


        #: nicer import names
        AppSettings = Settings
        Config = Settings
        VALUE = 1
        """,
            """
        #: nicer import names
        VALUE = 1
        """,
            "AppSettings", "Config",
        ),
        id="a-comment-heading-a-group-stays-with-what-remains-of-it-jinja2",
    ),
    pytest.param(
        legacy(
            """
        from .settings import Settings

        # the old name, kept for compatibility
        AppSettings = Settings

        # exported
        VALUE = 1
        """,
            """
        # exported
        VALUE = 1
        """,
            "AppSettings",
        ),
        id="a-comment-of-the-removed-line-alone-goes-with-it",
    ),
    pytest.param(
        legacy(
            """
        from .settings import Settings

        # --- legacy names --------------------------------------------------

        # AppSettings was the 0.x name
        AppSettings = Settings

        VALUE = 1
        __all__ = ["VALUE"]
        __all__ += ["AppSettings"]
    """,
            """
        # --- legacy names --------------------------------------------------

        VALUE = 1
        __all__ = ["VALUE"]
    """,
            "AppSettings",
        ),
        id="section-comment-stays-own-comment-goes",
    ),
    pytest.param(
        legacy(
            """
        try:
            AppSettings = load()
        except Exception:
            log("no settings")
        VALUE = 1
    """,
            """
        VALUE = 1
    """,
            "AppSettings",
        ),
        id="try-emptied-goes-with-handlers",
    ),
    pytest.param(
        legacy(
            """
        from .settings import ENV_PREFIX, Settings

        # kept for 0.x callers
        AppSettings = Settings
        Config = Settings

        LEGACY_PREFIX = ENV_PREFIX
    """,
            """
        from .settings import ENV_PREFIX

        LEGACY_PREFIX = ENV_PREFIX
    """,
            "AppSettings",
            "Config",
        ),
        id="aliases-with-their-comment",
    ),
    pytest.param(
        legacy(
            """
        from .settings import Settings


        class LegacySettings(Settings):
            \"\"\"Deprecated.\"\"\"


        RuntimeSettings = type("RuntimeSettings", (Settings,), {})


        def keep() -> int:
            return 1
    """,
            """
        def keep() -> int:
            return 1
    """,
            "LegacySettings",
            "RuntimeSettings",
        ),
        id="wrapper-class-and-type-call",
    ),
    pytest.param(
        legacy(
            """
        from .settings import Settings

        AppSettings: type[Settings] = Settings


        def make_settings() -> Settings:
            return Settings()


        @decorated
        class BaseSettings(Settings):
            pass
        VALUE = 1
    """,
            """
        VALUE = 1
    """,
            "AppSettings",
            "make_settings",
            "BaseSettings",
        ),
        id="annotated-assignment-function-decorated-class",
    ),
    pytest.param(
        legacy(
            """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from .settings import Settings as BaseSettings
        try:
            from .fast import Config
        except ImportError:
            Config = None
        VALUE = 1
    """,
            """
        VALUE = 1
    """,
            "BaseSettings",
            "Config",
        ),
        id="under-type-checking-and-try",
    ),
    pytest.param(
        legacy(
            """
        import sys

        if sys.version_info >= (3, 11):
            AppSettings = object
        else:
            AppSettings = dict
            OTHER = 2
    """,
            """
        import sys

        if sys.version_info >= (3, 11):
            pass
        else:
            OTHER = 2
    """,
            "AppSettings",
        ),
        id="if-else-keeps-non-empty-branch",
    ),
    pytest.param(
        legacy(
            """
        from .settings import Settings
        AppSettings = Settings
        __all__ = [
            "AppSettings",  # old name
            "parse_bool",
            "Config",
        ]
        Config = Settings
        def parse_bool(v): return bool(v)
    """,
            """
        __all__ = [
            "parse_bool",
        ]
        def parse_bool(v): return bool(v)
    """,
            "AppSettings",
            "Config",
        ),
        id="dunder-all-entries-keep-layout",
    ),
    pytest.param(
        legacy(
            """
        from .settings import Settings
        AppSettings = Config = Settings
        __all__ = ["VALUE", "other", "AppSettings",
                   "Config", "Settings",  # the new one
                   "parse_bool", "Config",
                   "last"]
    """,
            """
        from .settings import Settings
        __all__ = ["VALUE", "other",
                   "Settings",  # the new one
                   "parse_bool",
                   "last"]
    """,
            "AppSettings",
            "Config",
        ),
        id="dunder-all-entry-ending-a-line-leaves-the-line-break",
    ),
    pytest.param(
        legacy(
            """
        import os
        from .settings import Settings
        __all__ = ["VALUE"]
        if hasattr(os, "fork"):
            AppSettings = Settings
            __all__.extend(["AppSettings", "VALUE2"])
        try:
            import fast
        except ImportError:
            __all__.append('AppSettings')
        __all__.extend(("AppSettings",))
        __all__ += ["AppSettings"]
        __all__.remove("AppSettings")
    """,
            """
        import os
        __all__ = ["VALUE"]
        if hasattr(os, "fork"):
            __all__.extend(["VALUE2"])
        try:
            import fast
        except ImportError:
            pass
    """,
            "AppSettings",
        ),
        id="dunder-all-extend-append-and-blocks",
    ),
    pytest.param(
        legacy(
            """
        from .settings import Settings
        AppSettings = Config = Settings
        __all__ = ("AppSettings", "Config", "VALUE")
        VALUE = 1
    """,
            """
        __all__ = ("VALUE",)
        VALUE = 1
    """,
            "AppSettings",
            "Config",
        ),
        id="chained-assignment-and-tuple-all",
    ),
    pytest.param(
        legacy(
            """
        from .settings import Settings
        AppSettings = Other = Settings
    """,
            """
        from .settings import Settings
        Other = Settings
    """,
            "AppSettings",
        ),
        id="chained-assignment-keeps-other-target",
    ),
    pytest.param(
        legacy(
            """
        from .settings import Settings

        AppSettings = Settings


        def build() -> AppSettings:
            return AppSettings()
    """,
            """
        from .settings import Settings


        def build() -> Settings:
            return Settings()
    """,
            "AppSettings",
        ),
        id="remaining-uses-follow-the-rename",
    ),
    pytest.param(
        legacy(
            """
        \"\"\"Legacy names.\"\"\"
        from __future__ import annotations

        from app.settings import Settings as BaseSettings

        def build(x: BaseSettings) -> None: ...
    """,
            """
        \"\"\"Legacy names.\"\"\"
        from __future__ import annotations

        from app.settings import Settings

        def build(x: Settings) -> None: ...
    """,
            "BaseSettings",
        ),
        id="aliasing-import-loses-only-its-alias",
    ),
    pytest.param(
        legacy(
            """
        class Holder:
            AppSettings = 1

        def f():
            AppSettings = 2
            return AppSettings
    """,
            None,
            "AppSettings",
        ),
        id="nested-definitions-are-not-module-definitions",
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_definition_removal(case: Case) -> None:
    check(case)


def test_deleted_name_without_a_rename_that_is_still_used_is_reported() -> None:
    spec = EditSpec(delete_definitions=(("app.legacy", ("Helper",)),))
    text = src("""
        Helper = object

        def make():
            return Helper()
    """)
    result = run(text, spec, module="app.legacy")
    assert [str(f) for f in result.findings] == [
        "app/legacy.py:4: Helper is deleted here but still used"
    ]


def test_keep_local_names_keeps_a_deleted_alias_name_for_its_uses() -> None:
    spec = EditSpec(
        renames=TO_SETTINGS,
        delete_definitions=(("app.legacy", ("AppSettings",)),),
        keep_local_names=True,
    )
    text = src("""
        from .base import Base

        AppSettings = Base

        def make():
            return AppSettings()
    """)
    result = run(text, spec, module="app.legacy")
    assert result.new_text == src("""
        from app.settings import Settings as AppSettings

        def make():
            return AppSettings()
    """)


COMPAT = src("""
    \"\"\"Compat shims.\"\"\"
    import logging

    from app.settings import Settings

    logger = logging.getLogger(__name__)

    __all__ = ["LegacySettings"]


    # deprecated in 0.3
    class LegacySettings(Settings):
        pass
""")


def test_removable_module_with_nothing_left_is_deleted() -> None:
    result = run(COMPAT, deleting("LegacySettings", removable=True), module="app.legacy")
    assert (result.status, result.new_text, result.findings) == ("deleted", None, ())


def test_removable_module_with_substance_left_is_kept() -> None:
    text = COMPAT + "\n\ndef helper() -> int:\n    return 1\n"
    result = run(text, deleting("LegacySettings", removable=True), module="app.legacy")
    assert result.status == "changed"
    assert "class LegacySettings" not in result.new_text and "def helper" in result.new_text


def test_module_that_is_not_removable_is_never_deleted() -> None:
    result = run(COMPAT, deleting("LegacySettings"), module="app.legacy")
    assert result.status == "changed"
    assert result.new_text == src("""
        \"\"\"Compat shims.\"\"\"
        import logging

        logger = logging.getLogger(__name__)

        __all__ = []
    """)
