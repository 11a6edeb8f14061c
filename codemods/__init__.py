"""LibCST codemods that fold a family of duplicate definitions into its canonical.

In: an `EditSpec` (a stage's renames, deletions and removable modules) and the text of the stage's files.
Out: a `FileResult` per file (its new text, status and findings), from `codemods.engine.apply_edits`.

- `framework/`: the spec, the per-file job and stage index, the gates, and node helpers every pass uses;
- `passes/`: single-purpose passes, one concern each;
- `imports/`: the import rewriter (find sites, decide the edits, place imports, apply);
- `engine.py`: runs the passes and the rewriter over a stage's files, in the caller's workers if given.

Codemods import nothing from `refactor`. The package itself imports nothing, so reading a spec does not
load LibCST.
"""
