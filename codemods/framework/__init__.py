"""What every codemod shares: `spec` (in: `EditSpec`, `Rename`, `FileContext`; out: `FileResult`,
`Finding`), `context` (a stage's index and one file's job), `gates` (which passes a file needs), node
helpers (`names`, `relative`, `blocks`, `parents`, `sequences`, `strings`, `dunder_all`).

In: nothing but LibCST (and `relative`, pure Python, which `refactor` uses too). Out: these types and
helpers to `passes/`, `imports/` and `engine`.
"""
