"""What a stage commit claims, written as a readable message plus machine-readable trailers."""

from __future__ import annotations

from dataclasses import dataclass

from refactor import __version__
from refactor.output import counted
from refactor.staging.gitops import TOOL_TRAILER


@dataclass(frozen=True)
class Evidence:
    plan: str
    plan_hash: str
    stage: int
    stages: int
    base: str                          # the commit stage 1 started from
    parent: str                        # the commit this stage was made on
    modules: tuple[str, ...]
    deleted_modules: tuple[str, ...]
    definitions: tuple[str, ...]       # "module:Name (kind)"
    sites: tuple[tuple[str, int], ...]   # (kind, count)
    distinct_before: int
    distinct_after: int
    tests_run: int
    tests_passed: int
    tests_failed: int
    tests_skipped: int
    failing_before_and_after: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()
    renamed_tests: tuple[str, ...] = ()
    flaky_tests: tuple[str, ...] = ()            # failed, then passed when run again on the same tree
    baseline_unparsable: tuple[str, ...] = ()   # files read that already did not parse at the base
    baseline_broken_imports: int = 0            # imports already broken at the base

    @property
    def site_count(self) -> int:
        return sum(n for _, n in self.sites)

    def message(self) -> str:
        subject = f"stage {self.stage}/{self.stages}: {what_goes(self.modules, self.deleted_modules, short=True)}"
        lines = [f"refactor({self.plan}): {subject}", ""]
        lines.append(f"Distinct definitions: {self.distinct_before} -> {self.distinct_after}")
        lines.append("Modules: " + ", ".join(
            f"{m} ({'file deleted' if m in self.deleted_modules else 'family definitions removed'})"
            for m in self.modules))
        lines.append("Definitions deleted: " + (", ".join(self.definitions) or "none"))
        kinds = ", ".join(f"{k} {n}" for k, n in self.sites)
        lines.append(f"Sites rewritten: {self.site_count}" + (f" ({kinds})" if kinds else ""))
        lines.append(f"Tests: {self.tests_run} run, {self.tests_passed} passed, {self.tests_failed} failed, "
                     f"{self.tests_skipped} skipped")
        if self.failing_before_and_after:
            lines.append("Failing on the base and still failing (not caused by this stage):")
            lines.extend(f"  - {t}" for t in self.failing_before_and_after)
        if self.renamed_tests:
            lines.append("Parametrized ids made of a removed name (the same tests still pass under new ids):")
            lines.extend(f"  - {t}" for t in self.renamed_tests)
        if self.flaky_tests:
            lines.append("Flaky (failed, then passed when run again on this very tree):")
            lines.extend(f"  - {t}" for t in self.flaky_tests)
        if self.findings:
            lines.append("Reported, not rewritten:")
            lines.extend(f"  - {f}" for f in self.findings)
        if self.baseline_unparsable or self.baseline_broken_imports:
            lines.append(f"Already broken at the base (not caused by this stage): "
                         f"{counted(len(self.baseline_unparsable), 'unparsable file')}, "
                         f"{counted(self.baseline_broken_imports, 'broken import')}, "
                         f"{counted(len(self.failing_before_and_after), 'failing test')}")
            lines.extend(f"  - {f}" for f in self.baseline_unparsable)
        lines += [
            "",
            f"Refactor-Plan: {self.plan}",
            f"Refactor-Plan-Hash: {self.plan_hash}",
            f"Refactor-Stage: {self.stage}/{self.stages}",
            f"Refactor-Base: {self.base}",
            f"Refactor-Parent: {self.parent}",
            f"Refactor-Modules: {' '.join(self.modules)}",
            f"Refactor-Deleted-Modules: {' '.join(self.deleted_modules) or '-'}",
            f"Refactor-Distinct: {self.distinct_before} -> {self.distinct_after}",
            f"Refactor-Sites: {self.site_count} " + " ".join(f"{k}={n}" for k, n in self.sites),
            f"Refactor-Tests: run={self.tests_run} passed={self.tests_passed} failed={self.tests_failed} "
            f"skipped={self.tests_skipped}",
            f"Refactor-Baseline: unparsable={len(self.baseline_unparsable)} "
            f"broken-imports={self.baseline_broken_imports} failing-tests={len(self.failing_before_and_after)}",
            f"{TOOL_TRAILER}: refactor {__version__}",
        ]
        return "\n".join(lines) + "\n"


def what_goes(modules: tuple[str, ...], deleted: tuple[str, ...], *, short: bool = False) -> str:
    """`remove a, b; clear c of the family`: modules deleted, and modules that stay without the family."""
    def named(group: list[str]) -> str:
        return ", ".join(m.rpartition(".")[2] if short else f"`{m}`" for m in group)
    gone = [m for m in modules if m in deleted]
    kept = [m for m in modules if m not in deleted]
    parts = ([f"remove {named(gone)}"] if gone else []) + ([f"clear {named(kept)} of the family"] if kept else [])
    return "; ".join(parts)


def parse(trailers: dict[str, str]) -> Evidence | None:
    """The evidence a tool commit claims, from its trailers; None when they are missing or malformed."""
    try:
        stage, stages = trailers["Refactor-Stage"].split("/")
        before, after = trailers["Refactor-Distinct"].split(" -> ")
        site_fields = trailers["Refactor-Sites"].split()
        sites = tuple((k, int(v)) for k, v in (f.split("=") for f in site_fields[1:]))
        tests = dict(f.split("=") for f in trailers["Refactor-Tests"].split())
        deleted = trailers.get("Refactor-Deleted-Modules", "-")
        return Evidence(
            plan=trailers["Refactor-Plan"], plan_hash=trailers["Refactor-Plan-Hash"], stage=int(stage),
            stages=int(stages), base=trailers["Refactor-Base"], parent=trailers["Refactor-Parent"],
            modules=tuple(trailers["Refactor-Modules"].split()),
            deleted_modules=() if deleted == "-" else tuple(deleted.split()), definitions=(), sites=sites,
            distinct_before=int(before), distinct_after=int(after), tests_run=int(tests["run"]),
            tests_passed=int(tests["passed"]), tests_failed=int(tests["failed"]),
            tests_skipped=int(tests["skipped"]),
        )
    except (KeyError, ValueError):
        return None
