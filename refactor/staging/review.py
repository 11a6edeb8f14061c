"""A Markdown review description for one stage branch: what changes, why, the evidence, how to reproduce."""

from __future__ import annotations

from refactor.output import counted
from refactor.planning.schedule import Stage
from refactor.staging.evidence import Evidence, what_goes


def describe(stage: Stage, evidence: Evidence, *, plan_path: str, branch: str, parent_branch: str,
             still_failing: tuple[str, ...], findings: tuple[str, ...]) -> str:
    lines = [
        f"# {evidence.plan}: stage {stage.number} of {evidence.stages}: {what_goes(stage.modules, stage.delete_modules)}",
        "",
        f"Part of a staged consolidation to a single `{evidence.plan}` definition. This branch (`{branch}`) is "
        f"stacked on `{parent_branch}`; review and merge the stages in order.",
        "",
        "## What changes and why",
        "",
    ]
    for module in stage.modules:
        if module in stage.delete_modules:
            lines.append(f"- `{module}` is deleted: it held only family definitions, which now resolve to the "
                         f"canonical class.")
        else:
            lines.append(f"- `{module}` keeps its other content; its family definitions are removed.")
    lines += ["", "| definition | kind | what it was | replaced by |", "|---|---|---|---|"]
    for d in stage.definitions:
        lines.append(f"| `{d.ref}` | {d.kind} | {d.detail} | `{d.replacement or '(none)'}` |")
    lines += ["", f"## Sites rewritten: {len(stage.edits)}", "", "| kind | count |", "|---|---|"]
    lines += [f"| {kind} | {count} |" for kind, count in stage.sites_by_kind.items()]
    lines += ["", "<details><summary>every site</summary>", ""]
    lines += [f"- `{e.describe()}`" for e in stage.edits]
    lines += ["", "</details>", ""]
    if findings:
        lines += ["## Reported, not rewritten (please check by hand)", ""]
        lines += [f"- {f}" for f in findings]
        lines.append("")
    lines += [
        "## Evidence",
        "",
        f"- distinct definitions: {evidence.distinct_before} -> {evidence.distinct_after} "
        "(fresh audit of this branch)",
        "- no import, attribute access, `mock.patch` string or `import_module` string refers to a removed "
        "module or name (fresh import graph of this branch)",
        "- every changed file parses",
        f"- tests: {evidence.tests_run} run, {evidence.tests_passed} passed, {evidence.tests_failed} failed, "
        f"{evidence.tests_skipped} skipped (from the test runner's JUnit report)",
    ]
    if evidence.flaky_tests:
        lines.append(f"- {counted(len(evidence.flaky_tests), 'flaky test')}: failed, then passed when run again on this tree:")
        lines += [f"  - `{t}`" for t in evidence.flaky_tests]
    if still_failing:
        lines.append(f"- {counted(len(still_failing), 'test')} already failed on the base and still fail (not caused here):")
        lines += [f"  - `{t}`" for t in still_failing]
    lines += [f"- tests affected by this stage: {len(stage.tests)}", ""]
    if evidence.baseline_unparsable or evidence.baseline_broken_imports:
        lines += [
            "## Already broken at the base (not caused by this stage, not held against it)",
            "",
            f"- {counted(evidence.baseline_broken_imports, 'import')} already broken (`refactor plan {plan_path}` lists them)",
            f"- {counted(len(evidence.baseline_unparsable), 'unparsable file')} among those read for the plan:",
        ]
        lines += [f"  - `{f}`" for f in evidence.baseline_unparsable]
        lines.append("")
    lines += [
        "## Reproduce",
        "",
        "```",
        f"refactor plan {plan_path} --stage {stage.number}          # what this stage does",
        f"refactor apply {plan_path} --stage {stage.number} --force  # rebuild this branch",
        f"refactor verify {plan_path} --tests                 # re-derive every stage's evidence",
        "```",
        "",
    ]
    return "\n".join(lines)
