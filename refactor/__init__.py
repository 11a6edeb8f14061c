"""refactor: find every definition of a concept, plan its removal down to one, apply it in tested stages.

In: a plan file (TOML) and the repository it names. Out: the audit, the stages (shown, as JSON or as a
patch) and, with `apply`, one tested git branch per stage. The data flows down through the folders:
`reading` (files to facts) -> `analysis` (the family's inventory and import graph) -> `planning` (the
schedule of stages) -> `staging` (each stage applied, checked, tested, committed); `commands` (one module
per command) and `cli` sit on top; `planfile`, `config`, `errors`, `exitcodes` and `output` are shared;
`testing` offers `assert_single_source` to a project's own tests. The edits themselves are `codemods`'.
"""

__version__ = "0.1.0"
