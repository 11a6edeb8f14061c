"""`apply_edits`: source texts plus an `EditSpec` in, one `FileResult` per file out.

Pure: no printing, no file writes, no git. Two passes over the files:
  1. per file: parse, delete the module's definitions, drop bases made redundant, rewrite
     import sites. From this pass the stage learns which removable modules really go (no
     substance left) and which module-level names files renamed (for patch strings).
  2. per file: string targets and dynamic imports, imports our edits left unused, reports
     on what still reads a removed module, the deletion decision, and a re-parse.
A file none of whose text mentions anything the stage changes is not parsed at all. LibCST
parses a file's view (`framework.elision`: what the stage cannot concern masked), and the
masked lines are put back into the edited view; an edit that reaches a placeholder sends
the file to be edited whole. A file that fails to parse, or whose edit would not parse, is
a "failed" result, never an exception; a file whose rewrite would shadow a binding comes
back unchanged with findings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper

from codemods.framework.context import FileJob, StageIndex, line_map, mentions, trigger_words
from codemods.framework.elision import View, elide, view_words
from codemods.framework.guess import Guessed, guessed, guessed_stage, stands
from codemods.framework.gates import (
    Gates,
    imports_may_go_unused,
    python_check,
    python_parse,
    repeated_operands,
    reports_gone_imports,
)
from codemods.framework.import_usage import Usage
from codemods.framework.lines import NodeLines
from codemods.framework.parsing import parse_module
from codemods.framework.spec import EditSpec, FileContext, FileResult, Finding
from codemods.framework.traversal import quick_visits
from codemods.imports.rewrite import rewrite_imports
from codemods.imports.star_imports import GoneStarReplacer
from codemods.passes.class_bases import BaseCleaner
from codemods.passes.definition_removal import remove_definitions
from codemods.passes.dynamic_imports import DynamicImportRewriter
from codemods.passes.module_moves import GoneModuleMover
from codemods.passes.module_removal import has_substance
from codemods.passes.package_exports import GoneImportReporter
from codemods.passes.parametrize_dedupe import ParametrizeDeduper
from codemods.passes.redundant_operands import RedundantOperandCollapser
from codemods.passes.string_targets import StringTargetRewriter
from codemods.passes.unused_imports import remove_unused_imports

_BOM = "\ufeff"


@dataclass
class _FirstPass:
    original: cst.Module | None = None
    tree: cst.Module | None = None
    findings: list[Finding] = field(default_factory=list)
    renames: dict[str, str] = field(default_factory=dict)
    result: FileResult | None = None  # final already: failed or blocked
    code: str | None = None           # the edited code, when the trees stayed in a worker process
    substance: bool = True            # whether the edited module still has substance (worker form)
    view: View | None = None          # what the trees were parsed from, when not the whole file
    source: str | None = None         # `original` printed back (the view's text, or the file's)
    usage: Usage | None = None        # how the original's imports were used, when the first pass saw them
    guessed: Guessed | None = None    # the second pass's result on a guess of the stage's lessons (worker form)


# `map_in_workers(function, items)`: `[function(item) for item in items]`, run in other processes
Mapper = Callable[[Callable, list], list]


def apply_edits(files: Mapping[FileContext, str], spec: EditSpec, *,
                map_in_workers: Mapper | None = None, views: bool = True) -> dict[str, FileResult]:
    """Edit every file for `spec`. With `map_in_workers`, the caller's worker processes, files are parsed
    and edited there (LibCST's scope analysis dominates; files are independent within a pass). With
    `views` (the default) LibCST reads each file's view (`elision`); without, every file whole."""
    whole = not views
    stage = StageIndex.build(spec)
    words = trigger_words(spec)
    busy = [ctx for ctx, text in files.items() if mentions(ctx, text, stage, words)]
    parallel = map_in_workers is not None and len(busy) >= _PARALLEL_FILES
    guess = _gone(stage, files, {})
    if parallel:
        first = _parallel_first(files, busy, spec, guess, map_in_workers, whole)
    else:
        first = {ctx: _first_pass(ctx, text, stage, words, whole=whole) for ctx, text in files.items()}
    stage = _learned(stage, files, first)
    words |= {name for _, name in stage.local_renames}
    late = [ctx for ctx in files if first[ctx].original is None and first[ctx].result is None
            and first[ctx].code is None and mentions(ctx, files[ctx], stage, words)]
    if parallel:
        return _parallel_second(files, first, late, stage, guess, map_in_workers, whole)
    results = {}
    for ctx, text in files.items():
        done = first[ctx]
        if ctx in late:
            done = _first_pass(ctx, text, stage, None, whole=whole)
        results[ctx.path] = done.result or _second_pass(ctx, text, done, stage)
    return results


# -- parallel: trees stay in the workers; code text and small values cross ---------------------------
# A worker runs a file's second pass right after its first, on a guess of what all the first passes teach
# (`framework.guess`); where the guess proves wrong for a file, its second pass runs again in a second round.
_PARALLEL_FILES = 8
_Gone = tuple[frozenset[str], dict[str, str]]   # the modules that go, and their files' paths


def _parallel_first(files: Mapping[FileContext, str], busy: list[FileContext], spec: EditSpec, guess: _Gone,
                    map_in_workers: Mapper, whole: bool) -> dict[FileContext, _FirstPass]:
    first = {ctx: _FirstPass() for ctx in files}
    items = [(c, files[c], spec, guess, whole) for c in busy]
    for ctx, done in zip(busy, map_in_workers(_first_worker, items)):
        first[ctx] = done
    return first


def _first_worker(item: tuple[FileContext, str, EditSpec, _Gone, bool]) -> _FirstPass:
    ctx, text, spec, (gone, paths), whole = item
    stage = StageIndex.build(spec)
    done = _first_pass(ctx, text, stage, None, whole=whole)
    portable = _portable(done)
    if done.tree is None:   # (nothing edited, or a final result already)
        return portable
    guess = guessed_stage(stage, gone, paths)
    result = _second_pass(ctx, text, dataclasses.replace(done, code=portable.code), guess)
    return dataclasses.replace(portable, guessed=guessed(guess, result))


def _portable(done: _FirstPass) -> _FirstPass:
    """A first pass without its trees (they do not cross processes): the edited code instead."""
    if done.tree is None:
        return done
    return _FirstPass(findings=done.findings, renames=done.renames, result=done.result, code=done.tree.code,
                      substance=has_substance(done.tree), view=done.view, source=done.source, usage=done.usage)


def _parallel_second(files: Mapping[FileContext, str], first: Mapping[FileContext, _FirstPass],
                     late: list[FileContext], stage: StageIndex, guess: _Gone, map_in_workers: Mapper,
                     whole: bool) -> dict[str, FileResult]:
    learned = (stage.gone, dict(stage.gone_paths), dict(stage.local_renames))
    gone_as_guessed = (stage.gone, dict(stage.gone_paths)) == guess

    def finished(done: _FirstPass) -> bool:
        return gone_as_guessed and done.guessed is not None and stands(done.guessed, stage)

    work = [ctx for ctx in files if ctx in late or (first[ctx].code is not None and not finished(first[ctx]))]
    results = {ctx.path: first[ctx].result or (first[ctx].guessed.result if first[ctx].code is not None else
                                               FileResult(ctx.path, "unchanged", files[ctx]))
               for ctx in files if ctx not in work}
    items = [(ctx, files[ctx], dataclasses.replace(first[ctx], guessed=None), stage.spec, learned, ctx in late,
              whole) for ctx in work]
    for ctx, result in zip(work, map_in_workers(_second_worker, items)):
        results[ctx.path] = result
    return {ctx.path: results[ctx.path] for ctx in files}


def _second_worker(item) -> FileResult:
    ctx, text, done, spec, (gone, paths, renames), late, whole = item
    stage = dataclasses.replace(StageIndex.build(spec), gone=gone, gone_paths=paths, local_renames=renames)
    if late:
        done = _first_pass(ctx, text, stage, None, whole=whole)
    # (without its trees: the second pass parses the edited code, and the original when it needs them)
    return done.result or _second_pass(ctx, text, done, stage)


def _first_pass(
    ctx: FileContext, text: str, stage: StageIndex, words: set[str] | None, *, whole: bool = False
) -> _FirstPass:
    """Parse and edit the file's view (`elision`), or the whole file with `whole` or where no view suits."""
    with quick_visits():   # (the visitors that only look do not rebuild the trees they walk)
        return _edited_view(ctx, text, stage, words, whole=whole)


def _edited_view(
    ctx: FileContext, text: str, stage: StageIndex, words: set[str] | None, *, whole: bool
) -> _FirstPass:
    if words is not None and not mentions(ctx, text, stage, words):
        return _FirstPass()
    source = text.removeprefix(_BOM)
    view = None if whole or _defines(ctx, stage) else elide(source, view_words(stage))
    job = FileJob(ctx, stage, original_line=_in_file(lambda line: line, view))
    try:   # (a view is of code Python reads: it was made from its tree)
        original = parse_module(view.text if view else source, python_reads_it=view is not None or _reads(source))
    except cst.ParserSyntaxError as error:
        if view is not None:
            return _first_pass(ctx, text, stage, None, whole=True)
        message = error.message.splitlines()[0]
        return _FirstPass(result=_failed(ctx, (), f"{error.raw_line}: {message}"))
    except cst.CSTValidationError as error:   # (LibCST's parser takes it, its node checks do not)
        return _FirstPass(result=_failed(ctx, (), f"1: {error}"))
    try:
        lines = NodeLines(original)   # (the import rewrite places sites by them)
        printed = lines.code   # (what is compared: LibCST may print back a few odd sources otherwise)
        tree = remove_definitions(original, job)
        job.original_line = _in_file(line_map(printed if tree is original else tree.code, printed), view)
        if Gates(view.text if view else text, stage).bases():
            tree = _visit(tree, BaseCleaner(job))
        outcome = rewrite_imports(tree, job, usage=tree is original, lines=lines)
        if "parametrize" in text and not outcome.blocked:
            outcome = dataclasses.replace(
                outcome, module=outcome.module.visit(ParametrizeDeduper(job))
            )
    except Exception as error:
        return _FirstPass(result=_crash(ctx, error))
    if outcome.blocked:
        result = FileResult(ctx.path, "unchanged", text, tuple(job.findings))
        return _FirstPass(result=result)
    return _FirstPass(original, outcome.module, job.findings, outcome.local_renames, view=view, source=printed,
                      usage=outcome.usage)


def _reads(source: str) -> bool:
    """Whether Python's parser here reads `source` (elision asked already for most files: its answer is kept)."""
    try:
        python_parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _in_file(lines: Callable[[int], int], view: View | None) -> Callable[[int], int]:
    """A map from a tree's lines to those of the code parsed, continued to the file's (a view has fewer)."""
    return lines if view is None else (lambda line: view.original_line(lines(line)))


def _defines(ctx: FileContext, stage: StageIndex) -> bool:
    """A module whose definitions the stage deletes, or that may go: edited whole (substance is judged on it)."""
    return ctx.module in stage.deletions or ctx.module in stage.spec.removable_modules


def _second_pass(ctx: FileContext, text: str, done: _FirstPass, stage: StageIndex) -> FileResult:
    with quick_visits():
        return _finished(ctx, text, done, stage)


def _finished(ctx: FileContext, text: str, done: _FirstPass, stage: StageIndex) -> FileResult:
    if done.source is None or (done.tree is None and done.code is None):
        return FileResult(ctx.path, "unchanged", text)
    original = done.source
    code = done.code if done.code is not None else done.tree.code
    job = FileJob(ctx, stage, list(done.findings), _in_file(line_map(code, original), done.view))
    gates = Gates(done.view.text if done.view else text, stage)  # the view holds all a gate looks for
    tree = done.tree   # (None in a worker process: parsed from `code` when an edit below needs it)
    try:
        for wanted, make in ((gates.string_targets, StringTargetRewriter), (gates.dynamic_imports,
                             DynamicImportRewriter), (gates.star_imports, GoneStarReplacer)):
            if wanted():
                rewriter = make(job)
                rewriter.code = code   # (the tree's code: printed already)
                tree = tree or parse_module(code, python_reads_it=True)
                tree, code = _printed(tree, _visit(tree, rewriter), code)
        if code != original and repeated_operands(code, stage):
            tree = tree or parse_module(code, python_reads_it=True)
            tree, code = _printed(tree, tree.visit(RedundantOperandCollapser(job)), code)
        if reports_gone_imports(code, stage) or (code != original and imports_may_go_unused(original, code)):
            before = done.usage or done.original or parse_module(   # (parsed by the first pass already)
                done.view.text if done.view else text.removeprefix(_BOM), python_reads_it=True)
            tree = tree or parse_module(code, python_reads_it=True)
            tree, code = _printed(tree, remove_unused_imports(before, tree, job), code)
        if gates.gone_named and reports_gone_imports(code, stage):
            tree = tree or parse_module(code, python_reads_it=True)
            if stage.spec.module_moves:
                tree, code = _printed(tree, tree.visit(GoneModuleMover(job)), code)
            job.original_line = _in_file(line_map(code, original), done.view)
            _visit(tree, GoneImportReporter(job))
    except Exception as error:
        return _crash(ctx, error)
    findings = tuple(job.findings)
    if ctx.module in stage.gone:
        return FileResult(ctx.path, "deleted", None, findings)
    if code == original:  # nothing edited (even where LibCST can't round-trip)
        return FileResult(ctx.path, "unchanged", text, findings)
    if done.view is not None:
        restored = done.view.restore(code)
        if restored is None:  # an edit reached a masked line: edit the whole file
            whole = _first_pass(ctx, text, stage, None, whole=True)
            return whole.result or _second_pass(ctx, text, whole, stage)
        code = restored
    if text.endswith("\r") and not code.endswith(("\r", "\n")):
        code += "\r"   # (LibCST prints a last line ended by a lone carriage return without it)
    code = (_BOM if text.startswith(_BOM) else "") + code
    line = _unparsable_line(code.removeprefix(_BOM))
    if line is not None:
        return _failed(ctx, findings, f"{line}: edit does not parse")
    return FileResult(ctx.path, "changed", code, findings)


def _printed(tree: cst.Module, edited: cst.Module, code: str) -> tuple[cst.Module, str]:
    """`edited` (what an edit made of `tree`, whose code is `code`) and its code: printed only when the edit
    changed something (an edit that changes nothing gives the tree back)."""
    return edited, code if edited is tree else edited.code


def _unparsable_line(code: str) -> int | None:
    """The line where edited code stops parsing, or None. Python's own parser answers first (several times
    faster); LibCST's decides where Python's cannot read the code here (syntax newer than this interpreter)."""
    try:
        python_check(code)
        return None
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    try:
        cst.parse_module(code)
    except cst.ParserSyntaxError as error:
        return error.raw_line
    except cst.CSTValidationError:   # (LibCST's parser takes it, its node checks do not)
        return 1
    return None


def _visit(tree: cst.Module, visitor: cst.CSTVisitor | cst.CSTTransformer) -> cst.Module:
    # trees here come from the parser or our own transforms: no shared nodes, no copy needed
    return MetadataWrapper(tree, unsafe_skip_copy=True).visit(visitor)


def _learned(
    stage: StageIndex, files: Mapping[FileContext, str], first: Mapping[FileContext, _FirstPass]
) -> StageIndex:
    """The stage plus what the first pass found: modules that go, names files renamed."""
    gone, paths = _gone(stage, files, first)
    renames = {}
    for ctx, done in first.items():
        renames.update({(ctx.module, old): new for old, new in done.renames.items()})
    return dataclasses.replace(stage, gone=gone, gone_paths=paths, local_renames=renames)


def _gone(stage: StageIndex, files: Mapping[FileContext, str], first: Mapping[FileContext, _FirstPass]) -> _Gone:
    """The modules the stage may remove that go, and their paths: those whose first pass left no substance,
    and those with no first pass in `first` (all of them when it is empty: the guess)."""
    by_module = {ctx.module: ctx for ctx in files}
    gone, paths = set(), {}
    for module in stage.spec.removable_modules:
        ctx = by_module.get(module)
        done = first.get(ctx) if ctx is not None else None
        emptied = done is not None and ((done.tree is not None and not has_substance(done.tree))
                                        or (done.code is not None and not done.substance))
        if done is None or emptied:
            gone.add(module)
            tail = "/__init__.py" if ctx is not None and ctx.is_package else ".py"
            paths[module] = module.replace(".", "/") + tail
    return frozenset(gone), paths


def _crash(ctx: FileContext, error: Exception) -> FileResult:
    return _failed(ctx, (), f"1: internal error: {type(error).__name__}: {error}")


def _failed(ctx: FileContext, findings: tuple[Finding, ...], where_what: str) -> FileResult:
    error = f"{ctx.path}:{where_what}".splitlines()[0]
    return FileResult(ctx.path, "failed", None, tuple(findings), error)
