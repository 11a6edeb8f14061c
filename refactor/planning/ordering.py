"""Order a small dependency graph: strongly connected groups, each before the groups it points to."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping


def groups_in_order(nodes: Iterable[str], edges: Mapping[str, Iterable[str]],
                    key: Callable[[list[str]], str]) -> list[list[str]]:
    """The strongly connected groups of the graph (each sorted), every group before each group an edge
    leads to from it; among the groups free to go, the one with the smallest `key` first."""
    nodes = sorted(set(nodes))
    targets = {node: set(edges.get(node, ())) & set(nodes) for node in nodes}
    reach = {node: _reachable(node, targets) for node in nodes}
    group_of: dict[str, int] = {}
    groups: list[list[str]] = []
    for node in nodes:
        if node not in group_of:
            members = [other for other in nodes if other in reach[node] and node in reach[other]]
            for member in members:
                group_of[member] = len(groups)
            groups.append(members)
    after: list[set[int]] = [set() for _ in groups]   # group -> groups that must wait for it
    waiting = [0] * len(groups)
    for node in nodes:
        for target in targets[node]:
            first, then = group_of[node], group_of[target]
            if first != then and then not in after[first]:
                after[first].add(then)
                waiting[then] += 1
    ready = [(key(groups[g]), g) for g in range(len(groups)) if not waiting[g]]
    heapq.heapify(ready)
    order = []
    while ready:
        _, group = heapq.heappop(ready)
        order.append(groups[group])
        for then in after[group]:
            waiting[then] -= 1
            if not waiting[then]:
                heapq.heappush(ready, (key(groups[then]), then))
    return order


def _reachable(start: str, targets: Mapping[str, set[str]]) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for target in targets[stack.pop()]:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen
