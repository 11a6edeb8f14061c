"""Property tests: generated programs through every codemod and through `apply_edits`.

1. hypothesmith programs refer to nothing the stage changes: every codemod, run on its own,
   must give them back byte for byte, and so must `apply_edits` on a module that loses
   definitions (so the engine cannot skip it unparsed).
2. Programs composed from site-kind templates (each import form of the renamed name, at
   module level, in a function, under `if TYPE_CHECKING:`, in `try/except ImportError`):
   the output parses, no longer names the old class, reports nothing, and a second run
   changes nothing.

REFACTOR_FUZZ_EXAMPLES sets the number of examples (25 by default, to keep the suite fast).
"""

from __future__ import annotations

import dataclasses
import os

import libcst as cst
import pytest
from codemod_cases import LEGACY, run
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesmith import from_grammar
from libcst.metadata import MetadataWrapper

from codemods.engine import apply_edits
from codemods.framework.context import FileJob, StageIndex
from codemods.framework.spec import EditSpec, FileContext
from codemods.imports.rewrite import rewrite_imports
from codemods.passes.class_bases import BaseCleaner
from codemods.passes.definition_removal import remove_definitions
from codemods.passes.dynamic_imports import DynamicImportRewriter
from codemods.passes.package_exports import GoneImportReporter
from codemods.passes.string_targets import StringTargetRewriter
from codemods.passes.unused_imports import remove_unused_imports

# hypothesmith's programs may call literals (`1()`): valid syntax, a SyntaxWarning on compile
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")
FUZZ = settings(
    max_examples=int(os.environ.get("REFACTOR_FUZZ_EXAMPLES", "25")),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
MODULE = "gen.mod"
SPEC = EditSpec(
    renames=(LEGACY,),
    delete_definitions=((MODULE, ("AppSettings",)),),
    removable_modules=("app.legacy",),
)


def _job() -> FileJob:
    stage = dataclasses.replace(
        StageIndex.build(SPEC),
        gone=frozenset({"app.legacy"}),
        gone_paths={"app.legacy": "app/legacy.py"},
    )
    return FileJob(FileContext("gen/mod.py", MODULE), stage)


def _visit(module: cst.Module, visitor: cst.CSTVisitor) -> cst.Module:
    return MetadataWrapper(module).visit(visitor)


CODEMODS = {
    "definition_removal": lambda m, job: remove_definitions(m, job),
    "class_bases": lambda m, job: _visit(m, BaseCleaner(job)),
    "import_rewrite": lambda m, job: rewrite_imports(m, job).module,
    "string_targets": lambda m, job: _visit(m, StringTargetRewriter(job)),
    "dynamic_imports": lambda m, job: _visit(m, DynamicImportRewriter(job)),
    "unused_imports": lambda m, job: remove_unused_imports(m, m, job),
    "package_exports": lambda m, job: (_visit(m, GoneImportReporter(job)), m)[1],
}


def _parse(text: str) -> cst.Module | None:
    try:
        return cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return None


@FUZZ
@given(from_grammar())
def test_unrelated_programs_come_back_byte_identical(text: str) -> None:
    module = _parse(text)
    assume(module is not None and "AppSettings" not in text and "legacy" not in text)
    for name, codemod in CODEMODS.items():
        out = codemod(module, _job())
        assert out.code == module.code, name  # (LibCST itself may not round-trip odd whitespace)
    result = apply_edits({FileContext("gen/mod.py", MODULE): text}, SPEC)["gen/mod.py"]
    assert (result.status, result.new_text) == ("unchanged", text)


FORMS = {  # import statement, expression reading the class, names bound, only the class?
    "from": ("from app.legacy import AppSettings", "AppSettings", True),
    "from-as": ("from app.legacy import AppSettings as Conf", "Conf", True),
    "from-multi": ("from app.legacy import parse_bool, AppSettings", "AppSettings", False),
    "from-parens": (
        "from app.legacy import (\n    AppSettings,  # the class\n    parse_bool,\n)",
        "AppSettings",
        False,
    ),
    "relative": ("from .legacy import AppSettings", "AppSettings", True),
    "module": ("import app.legacy", "app.legacy.AppSettings", False),
    "module-as": ("import app.legacy as lm", "lm.AppSettings", False),
    "from-package": ("from app import legacy", "legacy.AppSettings", False),
    "relative-module": ("from . import legacy", "legacy.AppSettings", False),
}
POSITIONS = ("top", "function", "type_checking", "try")
FILLER = ("x = 1", "def helper():\n    return 2", "class Thing:\n    pass", "print('hi')")


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else line for line in text.splitlines())


def _site(index: int, form: str, position: str) -> str:
    statement, use, alone = FORMS[form]
    if position == "top":
        return f"{statement}\nv{index} = {use}\n"
    if position == "function":
        return f"def f{index}():\n{_indent(statement)}\n    return {use}\n"
    if position == "type_checking":
        return f"if TYPE_CHECKING:\n{_indent(statement)}\n\ndef g{index}(x: {use}) -> None:\n    pass\n"
    fallback = f"{use} = None" if alone else "pass"
    return f"try:\n{_indent(statement)}\nexcept ImportError:\n    {fallback}\nw{index} = {use}\n"


programs = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(sorted(FORMS)), st.sampled_from(POSITIONS)),
        st.sampled_from(FILLER),
    ),
    min_size=1,
    max_size=6,
).filter(lambda parts: any(isinstance(p, tuple) for p in parts))


def _program(parts: list) -> str:
    pieces = ["from __future__ import annotations", "from typing import TYPE_CHECKING"]
    for index, part in enumerate(parts):
        pieces.append(_site(index, *part) if isinstance(part, tuple) else part + "\n")
    return "\n".join(pieces) + "\n"


@FUZZ
@given(programs)
def test_site_templates_are_rewritten_completely_and_idempotently(parts: list) -> None:
    text = _program(parts)
    spec = EditSpec(renames=(LEGACY,))
    result = run(text, spec, module="app.consumer")
    assert result.status == "changed" and result.error is None, result.error
    assert run(text, spec, module="app.consumer", views=False) == result  # the view edits as the whole file
    assert result.findings == (), result.findings
    compile(result.new_text, "consumer.py", "exec")
    assert "AppSettings" not in result.new_text
    assert run(result.new_text, spec, module="app.consumer").status == "unchanged"
