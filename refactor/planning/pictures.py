"""The family's import graph as Mermaid or Graphviz DOT, with each redundant module's stage number."""

from __future__ import annotations

from refactor.analysis.graph import ImportGraph
from refactor.planning.schedule import Schedule


def _edges(schedule: Schedule, graph: ImportGraph) -> tuple[dict[str, int], set[tuple[str, str]], str]:
    stage_of = {m: s.number for s in schedule.stages for m in s.modules}
    canonical = schedule.canonical.partition(":")[0]
    nodes = set(stage_of) | {canonical}
    edges = set()
    for site in graph.sites:
        importer = graph.modules.module_of.get(site.path)
        if importer and site.module in nodes and importer != site.module:
            edges.add((importer, site.module))
    return stage_of, edges, canonical


def _role(module: str, stage_of: dict[str, int], canonical: str) -> str | None:
    """What a node is in the picture: "canonical", "stage N", or nothing (another module)."""
    if module == canonical:
        return "canonical"
    return f"stage {stage_of[module]}" if module in stage_of else None


def _node_id(module: str) -> str:
    return "m_" + module.replace(".", "_")


def mermaid(schedule: Schedule, graph: ImportGraph) -> str:
    stage_of, edges, canonical = _edges(schedule, graph)
    lines = ["flowchart LR"]
    modules = sorted({m for edge in edges for m in edge} | set(stage_of) | {canonical})
    for module in modules:
        role = _role(module, stage_of, canonical)
        label = f"{module}<br/>{role}" if role else module
        lines.append(f'    {_node_id(module)}["{label}"]')
    for importer, imported in sorted(edges):
        lines.append(f"    {_node_id(importer)} --> {_node_id(imported)}")
    lines.append("    classDef canonical fill:#d4f7d4,stroke:#2a7a2a")
    lines.append("    classDef redundant fill:#fde2e2,stroke:#a33")
    lines.append(f"    class {_node_id(canonical)} canonical")
    if stage_of:
        lines.append(f"    class {','.join(_node_id(m) for m in sorted(stage_of))} redundant")
    return "\n".join(lines) + "\n"


def dot(schedule: Schedule, graph: ImportGraph) -> str:
    stage_of, edges, canonical = _edges(schedule, graph)
    lines = ["digraph family {", "    rankdir=LR;", '    node [shape=box, fontname="Helvetica"];']
    modules = sorted({m for edge in edges for m in edge} | set(stage_of) | {canonical})
    for module in modules:
        role = _role(module, stage_of, canonical)
        colour = "#d4f7d4" if role == "canonical" else "#fde2e2"
        fill = f', style=filled, fillcolor="{colour}"' if role else ""
        label = f"{module}\\n{role}" if role else module
        lines.append(f'    "{module}" [label="{label}"{fill}];')
    for importer, imported in sorted(edges):
        lines.append(f'    "{importer}" -> "{imported}";')
    lines.append("}")
    return "\n".join(lines) + "\n"
