"""The import rewriter: every import site of a renamed name sent to the canonical, in place.

In: a file's tree and its `framework.context.FileJob`. Out: `rewrite.rewrite_imports` returns the edited
tree (`RewriteOutcome`). Order: `sites` finds the sites; `decide` (with `from_sites`, `attr_sites`,
`lost_names`, all writing to one `state.RewriteState`) decides the edits (`state.ImportEdits`),
`placement`, `nodes`, `shadowing` and `try_collapse` helping; `rewrite` applies them; `star_imports`
replaces star imports of removed modules. Imports only `framework`.
"""
