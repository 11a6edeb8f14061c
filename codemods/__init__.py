"""LibCST codemods that fold a family of duplicate definitions into its canonical.

Each module is one concern and usable alone. `codemods.spec` describes a stage's edits (`EditSpec`,
`Rename`, `FileContext`, `FileResult`, `Finding`); `codemods.engine.apply_edits` runs them all over a
set of files for one stage. The package itself imports nothing, so reading a spec does not load LibCST.
"""
