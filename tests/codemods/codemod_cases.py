"""Before/after cases for the codemods, run through `apply_edits` like a stage would.

`check(case)` asserts five things for every case: the rewrite gives `after` (or leaves the
file byte-identical when `after` is None); editing the whole file gives the same result as
editing its view (`elision`), and so does running the two passes apart, as worker processes do;
a second run on the output changes nothing; and the case's no-op twin (by default the same code
with every renamed or deleted name and `legacy` spelled differently) comes back untouched.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from unittest import mock

from codemods import engine
from codemods.engine import apply_edits
from codemods.framework.spec import EditSpec, FileContext, FileResult, Rename

LEGACY = Rename("app.legacy", "AppSettings", "app.settings", "Settings")
SPEC = EditSpec(renames=(LEGACY,))


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@dataclass(frozen=True)
class Case:
    before: str
    after: str | None  # None: the file must come back byte-identical
    spec: EditSpec = SPEC
    module: str = "app.consumer"
    is_package: bool = False
    findings: tuple[str, ...] = ()
    noop: str | None = None  # defaults to `before` reading `app.unrelated` instead of `app.legacy`
    others: dict[str, str] = field(default_factory=dict)  # other files of the stage: module -> text


def run(
    text: str,
    spec: EditSpec = SPEC,
    module: str = "app.consumer",
    is_package: bool = False,
    others: dict[str, str] | None = None,
    views: bool = True,
    passes_apart: bool = False,
) -> FileResult:
    """`passes_apart`: the way worker processes run it (each pass on its own, only code and small values
    handed from the first to the second), here in this process."""
    path = module.replace(".", "/") + ("/__init__.py" if is_package else ".py")
    files = {FileContext(path, module, is_package): text}
    for other, other_text in (others or {}).items():
        files[FileContext(other.replace(".", "/") + ".py", other)] = other_text
    if not passes_apart:
        return apply_edits(files, spec, views=views)[path]
    with mock.patch.object(engine, "_PARALLEL_FILES", 1):
        return apply_edits(files, spec, views=views, map_in_workers=_in_turn)[path]


def _in_turn(function, items):
    return [function(item) for item in items]


def _twin(text: str, spec: EditSpec) -> str:
    """The same code reading unrelated names: `app.unrelated`, `AppSettingsKept`, ..."""
    names = {r.old_name for r in spec.renames} | {
        n for _, ns in spec.delete_definitions for n in ns
    }
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", f"{name}Kept", text)
    return text.replace("legacy", "unrelated")


def check(case: Case) -> FileResult:
    before = src(case.before)
    result = run(before, case.spec, case.module, case.is_package, case.others)
    assert result.error is None, result.error
    whole = run(before, case.spec, case.module, case.is_package, case.others, views=False)
    assert whole == result, "editing the view and editing the whole file differ"
    apart = run(before, case.spec, case.module, case.is_package, case.others, passes_apart=True)
    assert apart == result, "the passes run apart (as in worker processes) and together differ"
    reasons = tuple(f.reason for f in result.findings)
    assert reasons == case.findings, reasons
    if case.after is None:
        assert result.status == "unchanged", result.new_text
        assert result.new_text == before
    else:
        assert result.new_text == src(case.after), result.new_text
        assert result.status == "changed"
        again = run(result.new_text, case.spec, case.module, case.is_package, case.others)
        assert again.status == "unchanged", again.new_text
    twin = src(case.noop) if case.noop is not None else _twin(before, case.spec)
    quiet = run(twin, case.spec, case.module, case.is_package)
    assert quiet.status == "unchanged" and quiet.new_text == twin, quiet.new_text
    return result
