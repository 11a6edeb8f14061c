"""Staging: where a stage is applied, checked, tested, committed and published.

In: a `planning.schedule.Stage` and the repository. Out: stage branches, their commits' evidence and
review descriptions. `runner` (worktree, edits, contract, tests, commit) uses `edits` (runs the
codemods), `contract` (the stage contract, with `lost_names`; `rederive` re-checks it for `verify`),
`testrun`, `evidence`, `review` and `gitops` (the one git edge); `branches` reads the stage branches (base,
parents, the tool's commits, the run record) for `stack` (status, restack), `rederive` and `publish` (push,
pull requests); `patches` computes `plan --diff` on a scratch copy.
"""
