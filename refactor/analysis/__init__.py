"""Analysis: what the facts mean for one family. Reads nothing itself but through `reading`.

In: `reading`'s facts and the plan file (`refactor.planfile.Plan`). Out, to `planning`: a `project.Project`
(files, bindings, name resolution), the family's `inventory.Inventory` (definitions, kinds, statuses),
the `graph.ImportGraph` (every import site and the queries on it, over `module_graph`'s module edges),
`module_info.ModuleInfo` per module, and `runtime_count` (class objects counted in a subprocess).
"""
