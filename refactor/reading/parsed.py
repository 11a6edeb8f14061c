"""The full facts parsed so far in a run and the focus partial parsing serves now: the state of partial
parsing, in one place. The reader parses (and its cache remembers the widest focus a partial parse is known
to serve); this decides what to ask it for.
"""

from __future__ import annotations

from collections.abc import Iterable

from refactor.reading.chunks import Focus
from refactor.reading.facts import FileFacts
from refactor.reading.reader import Reader


class ParsedFacts:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.by_path: dict[str, FileFacts] = {}
        self.focus: Focus | None = None        # None: parse whole files (see `widen`)
        self._unchecked: set[str] = set()      # partial facts not checked since the focus last widened

    def widen(self, words: Iterable[str], modules: Iterable[tuple[str, str]] = ()) -> None:
        """From now on, parse for these words and (package, module) pairs too (and the earlier ones): a top-level
        def or class that mentions none of them is left unparsed (see `refactor.reading.chunks`). Until the first
        call, every file is parsed whole. Facts parsed for a narrower focus are checked again when next asked for."""
        focus = Focus(words, modules)
        if focus and not (self.focus is not None and self.focus.covers(focus)):
            self.focus = focus if self.focus is None else self.focus | focus
            self._unchecked = {path for path, facts in self.by_path.items() if facts.skipped}

    def parse(self, paths: Iterable[str]) -> dict[str, FileFacts]:
        paths = list(paths)
        held = {}   # partial facts parsed before the focus last widened: kept where they serve it too
        for path in paths:
            if path in self._unchecked:
                if Focus(*self.by_path[path].focus).covers(self.focus):   # (what they are known to serve)
                    self._unchecked.discard(path)
                else:
                    held[path] = self.by_path[path]
        wanted = [p for p in paths if p not in self.by_path or p in held]
        if wanted:
            found = self.reader.facts(wanted, full=True, focus=self.focus, held=held)
            self.by_path.update(found)
            self._unchecked.difference_update(found)
        return {p: self.by_path[p] for p in paths}

    def complete(self, paths: Iterable[str]) -> None:
        """Parse whole the files of `paths` whose facts left some defs or classes out."""
        partial = [p for p in paths if p in self.by_path and self.by_path[p].skipped]
        if partial:
            self.by_path.update(self.reader.facts(partial, full=True))
            self._unchecked.difference_update(partial)

    def checked(self, path: str) -> FileFacts | None:
        """The facts of `path` when it was parsed and they serve the current focus; else None."""
        facts = self.by_path.get(path)
        return facts if facts is not None and path not in self._unchecked else None
