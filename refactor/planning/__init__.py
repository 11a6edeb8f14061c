"""Planning: where the stages are made. Writes nothing to the repository.

In: a plan file and `analysis`. Out: `workspace.Workspace` (the plan, project, inventory, graph and
schedule of one tree, each built once), the `schedule.Schedule` (the ordered stages, each with its
`EditSpec` for the codemods; `ordering` orders them), and what is drawn from it: `pictures` (Mermaid/DOT),
`guard_rules` (Ruff banned-api entries), `scaffold` (a starting plan file for `init`).
"""
