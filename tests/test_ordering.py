"""`refactor.planning.ordering`: strongly connected groups, each before the groups it points to, smallest key first."""

from __future__ import annotations

from refactor.planning.ordering import groups_in_order


def by_name(members: list[str]) -> str:
    return ",".join(members)


def test_a_cycle_is_one_group_and_goes_before_what_it_points_to():
    edges = {"a": {"b"}, "b": {"a", "c"}, "c": set(), "d": {"c"}}
    assert groups_in_order("abcd", edges, by_name) == [["a", "b"], ["d"], ["c"]]


def test_among_groups_free_to_go_the_smallest_key_first():
    edges = {"x": set(), "y": set(), "z": {"x"}}
    sizes = {"x": 3, "y": 2, "z": 1}
    order = groups_in_order(["x", "y", "z"], edges, lambda members: f"{sum(sizes[m] for m in members):03d}")
    assert order == [["z"], ["y"], ["x"]]


def test_edges_to_unknown_nodes_are_ignored_and_every_node_appears_once():
    order = groups_in_order(["m", "n"], {"m": {"outside"}, "n": {"m"}}, by_name)
    assert order == [["n"], ["m"]]
    assert groups_in_order([], {}, by_name) == []
