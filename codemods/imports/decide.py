"""Deciding, for each site found by `sites`, what the rewrite does (no edits yet).

`decide_import_edits` returns the node-keyed `ImportEdits` that `rewrite.ImportRewriter` applies. Any
site that would shadow another binding blocks the whole file. `from` imports are decided in
`from_sites`, attribute uses through a module binding (`m.X`) in `attr_sites`, names a module loses in
`lost_names`, all writing to one `state.RewriteState`; `placement` places the imports they need.
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from codemods.framework.context import FileJob
from codemods.framework.lines import NodeLines
from codemods.imports.attr_sites import decide_attr_site
from codemods.imports.from_sites import decide_from_site
from codemods.imports.lost_names import decide_lost_names
from codemods.imports.sites import FileSites
from codemods.imports.state import ImportEdits, RewriteState
from codemods.imports.try_collapse import collapsible_try


def decide_import_edits(job: FileJob, module: cst.Module, sites: FileSites,
                        parents: Mapping[cst.CSTNode, cst.CSTNode],
                        lines: NodeLines) -> ImportEdits:
    state = RewriteState(job, module, sites, parents, lines)
    for site in state.sites.from_sites:
        try_node = collapsible_try(site.line, state.parents, state.sites, state.job)
        if try_node is not None:
            state.edits.collapse.add(try_node)
    for site in state.sites.from_sites:
        decide_from_site(state, site)
    for attr in state.sites.attr_sites:
        decide_attr_site(state, attr)
    decide_lost_names(state)
    for need in sorted(state.needs, key=lambda n: n.lineno):
        same = need.same or (lambda a, r=need.rename: state.shadow.equivalent(a, r))
        state.bind_existing(need.scope, need.local, same)
        state.placer.place(need)
    state.edits.placement = state.placer.finish()
    return state.edits
