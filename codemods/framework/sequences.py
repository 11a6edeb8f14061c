"""Comma-separated items (import names, list/tuple elements): remove and append in place.

Both `cst.ImportAlias` and `cst.Element` carry their own trailing `comma`, which holds the
whitespace (and any trailing comment) that follows the item. Removing or appending keeps
the layout of the surviving items: one-line lists stay on one line, one-per-line lists
stay one per line with their trailing comma.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import libcst as cst

Item = TypeVar("Item", cst.ImportAlias, cst.Element)


def remove_items(items: Sequence[Item], keep: Sequence[bool]) -> list[Item]:
    """The items whose `keep` flag is set; the new last item takes over the old last comma. A removed
    item that ended its line leaves the line break (and that line's comment) behind, after the kept item
    before it on that line: removing `C` from `A, B, C,<newline>D` gives `A, B,<newline>D`."""
    kept: list[Item] = []
    for item, flag in zip(items, keep):
        if flag:
            kept.append(item)
        elif kept and _breaks_line(item.comma) and not _breaks_line(kept[-1].comma) \
                and isinstance(kept[-1].comma, cst.Comma):
            moved = kept[-1].comma.with_changes(whitespace_after=item.comma.whitespace_after.deep_clone())
            kept[-1] = kept[-1].with_changes(comma=moved)
    if kept and not keep[-1]:
        kept[-1] = kept[-1].with_changes(comma=_clone(items[-1].comma))
    return kept


def append_items(
    items: Sequence[Item],
    new: Sequence[Item],
    opening: cst.BaseParenthesizableWhitespace | None = None,
) -> list[Item]:
    """`items` followed by `new`, separated the way `items` already are.

    `opening` is the whitespace after an opening parenthesis/bracket, used as the
    separator's layout when there is only one item to learn it from.
    """
    if not new:
        return list(items)
    if not items:
        return [*new[:-1], new[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
    if len(items) >= 2:
        separator = items[-2].comma
    elif isinstance(opening, cst.ParenthesizedWhitespace):
        separator = cst.Comma(whitespace_after=opening)
    else:
        separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    trailing = items[-1].comma
    result = [*items[:-1], items[-1].with_changes(comma=_clone(separator))]
    for index, item in enumerate(new):
        last = index == len(new) - 1
        result.append(item.with_changes(comma=_clone(trailing if last else separator)))
    return result


def _breaks_line(comma: cst.Comma | cst.MaybeSentinel) -> bool:
    return isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)


def _clone(comma: cst.Comma | cst.MaybeSentinel) -> cst.Comma | cst.MaybeSentinel:
    return comma.deep_clone() if isinstance(comma, cst.Comma) else comma
