"""What a run learnt from each file, by how much of the file it depended on.

A reader notes every answer it gives about a file's content, at its public surface only (what it reads for
its own bookkeeping is not an answer): the content itself (its bytes, its hash, its facts parsed, whether it
parses), only its imported modules (the line scan's light facts), or only whether it matches a search. A
later run can tell from this whether an edited file changes anything the run depended on: a file whose
bytes were used must be the same; one whose imports were used must import the same modules; one that was
searched must match the same searches (see `refactor.reading.run_memo`).
"""

from __future__ import annotations

from collections.abc import Iterable

from refactor.reading.needles import Query


class Reads:
    def __init__(self) -> None:
        self.content: set[str] = set()       # paths whose bytes (or anything made of all of them) were used
        self.light: set[str] = set()         # paths whose imported modules (by the line scan) were used
        # each search: the query, the paths it was asked about, and those that matched
        self.searches: list[tuple[Query, frozenset[str], frozenset[str]]] = []

    def used_content(self, paths: Iterable[str]) -> None:
        self.content.update(paths)

    def used_imports(self, paths: Iterable[str]) -> None:
        self.light.update(paths)

    def searched(self, query: Query, paths: Iterable[str], hits: Iterable[str]) -> None:
        self.searches.append((query, frozenset(paths), frozenset(hits)))

    def paths(self) -> set[str]:
        """Every path some answer depended on."""
        out = self.content | self.light
        for _, paths, _ in self.searches:
            out |= paths
        return out
