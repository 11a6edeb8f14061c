"""module_removal: what counts as substance."""

from __future__ import annotations

import libcst as cst
import pytest
from codemod_cases import src

from codemods.passes.module_removal import has_substance

EMPTY = [
    pytest.param("", id="empty"),
    pytest.param('"""Only a docstring."""\n', id="docstring"),
    pytest.param("# comment only\n\n", id="comments"),
    pytest.param(
        """
        \"\"\"Doc.\"\"\"
        from __future__ import annotations

        import logging
        from typing import TYPE_CHECKING

        from .settings import Settings

        if TYPE_CHECKING:
            from .other import Other

        try:
            import ujson as json
        except ImportError:
            import json

        logger = logging.getLogger(__name__)
        log: logging.Logger = logging.getLogger("x")

        __all__ = ["Settings"]
        __all__ += ["Other"]
        pass
        ...
    """,
        id="imports-logger-all-pass",
    ),
    pytest.param("try:\n    import x\nexcept ImportError:\n    x = None\n", id="fallback-none"),
    pytest.param(
        """
        import warnings
        from app.engine import Engine
        from app import helpers

        warnings.warn("use app.engine", DeprecationWarning, stacklevel=2)
        OldEngine = Engine
        Beat = helpers.Heartbeat
        try:
            from app.pulse import Pulse
            PulseManager = Pulse
        except ImportError:
            PulseManager = None
    """,
        id="compatibility-module-aliases-and-warning",
    ),
]

SUBSTANCE = [
    pytest.param("class Settings:\n    pass\n", id="class"),
    pytest.param("def f():\n    pass\n", id="function"),
    pytest.param("VALUE = 1\n", id="constant"),
    pytest.param("register(1)\n", id="call"),
    pytest.param("if DEBUG:\n    VALUE = 1\n", id="if-with-assignment"),
    pytest.param("try:\n    import x\nexcept ImportError:\n    x = 0\n", id="fallback-value"),
    pytest.param("Engine = make_engine().cls\n", id="alias-of-a-call-result"),
    pytest.param("import logging\nlogging.warning('deprecated')\n", id="a-call-that-is-not-warnings-warn"),
    pytest.param('"""Doc."""\n"""second string is an expression"""\n', id="second-string"),
]


@pytest.mark.parametrize("text", EMPTY)
def test_nothing_of_substance(text: str) -> None:
    assert not has_substance(cst.parse_module(src(text)))


@pytest.mark.parametrize("text", SUBSTANCE)
def test_substance(text: str) -> None:
    assert has_substance(cst.parse_module(src(text)))
