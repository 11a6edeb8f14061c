"""A file's sites from the last run that worked them out, when nothing they were worked out from changed.

Finding a file's sites reads its own facts and, to resolve what it imports, the facts of other files. A
run records which (`Project.recording`) and keeps, per file: its content hash, those files' content hashes,
the imports its parse found and the sites. The next run takes the sites as they are when the file and every
one of those files still hash the same, every question the resolution asked about which files are which
modules (and which module the file itself is) has the same answer, the search is the same (the focus partial parsing served) and so is the code that worked them out: it then neither
loads the file's facts nor resolves a single import of it. A file that did not parse is never kept (its
facts carry the error a plan reports).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

from refactor.analysis.project import Project, Read
from refactor.reading.cache import code_digest
from refactor.reading.facts import FileFacts


@functools.cache
def _code() -> str:
    """A hash of the source of everything that decides a file's facts and sites."""
    here = Path(__file__).resolve().parent
    return code_digest([*here.glob("*.py"), *(here.parent / "reading").glob("*.py"),
                        here.parent.parent / "codemods" / "framework" / "relative.py"])


class SiteMemo:
    """Sites kept by earlier runs for `project` searched with `focus` (a `Focus.key()`, or None)."""

    def __init__(self, project: Project, focus: tuple | None) -> None:
        self.project = project
        self._prefix = "sites:" + hashlib.blake2b(repr(focus).encode(), digest_size=12).hexdigest() + ":"
        self._stamp = _code()
        self._new: dict[str, object] = {}

    def recall(self, paths: Iterable[str]) -> dict[str, list[tuple]]:
        """{path: its sites as rows} for the files whose kept sites still hold (their imports are handed to
        the project for its module graph)."""
        paths = list(paths)
        reader = self.project.reader
        kept = reader.answers([self._prefix + p for p in paths])
        broken = reader.unparsable(paths)   # (found since: their facts say so, and they have no sites)
        out = {}
        for path in paths:
            if path in broken:
                continue
            entry = kept.get(self._prefix + path)
            try:
                stamp, digest, depends, answers, imports, rows = entry
                if stamp != self._stamp or digest != reader.digest(path) \
                        or not all(p in self.project.by_path and reader.digest(p) == d for p, d in depends) \
                        or not all(self.project.answer(tuple(q)) == a for q, a in answers):
                    continue
            except (TypeError, ValueError):
                continue
            self.project.know_imports(path, tuple(imports))
            out[path] = rows
        return out

    def keep(self, facts: FileFacts, rows: list[tuple], depends: set[Read]) -> None:
        """Remember the sites `rows` of the file `facts` are of, worked out from what `depends` holds (see
        `Project.recording`: files read, questions about the layout asked)."""
        if facts.error:
            return
        reader = self.project.reader
        paths = sorted(d for d in depends if isinstance(d, str) and d != facts.path)
        questions = sorted({("file", facts.path), *(d for d in depends if isinstance(d, tuple))})
        self._new[self._prefix + facts.path] = (
            self._stamp, reader.digest(facts.path), tuple((p, reader.digest(p)) for p in paths),
            tuple((q, self.project.answer(q)) for q in questions), tuple(facts.imported_modules), tuple(rows))

    def save(self) -> None:
        if self._new:
            self.project.reader.keep_answers(self._new)
            self._new = {}
