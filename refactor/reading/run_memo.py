"""A whole run's result, kept with what the run read, and taken as it is by a later run of the same command
on the same plan when every file answers the same (early cut-off, as build systems do it).

The result of a read-only command is a function of the plan, the code doing the work, the list of files
(path, module, package or not), and what the run's reader answered about each file (see
`refactor.reading.reads`). A run that worked it out keeps it together with, for each file it read, its
content hash and what it depended on: all of its bytes, or only its imported modules, or only which
searches it matched. A later run stats every file as any warm run does, and for the files whose content
changed asks again only what the earlier run depended on: an edit to a file whose bytes were used (the
family's files, the files parsed for sites) always makes the run work the result out again; an edit to
any other file does only if it changes what the file imports or which of the run's searches it matches.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Iterable
from pathlib import Path

from refactor.reading.cache import code_digest
from refactor.reading.files import SourceFile
from refactor.reading.needles import Query
from refactor.reading.reader import Reader
from refactor.reading.records import NotPlain, from_plain, to_plain

_FORMAT = 1
_CODE_ROOTS = ("refactor", "codemods")   # the packages whose code decides a result


def _code() -> str:
    here = Path(__file__).resolve().parent.parent.parent
    return code_digest([p for root in _CODE_ROOTS for p in (here / root).rglob("*.py")])


def _short(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


def files_key(files: Iterable[SourceFile]) -> str:
    return _short("\0".join(f"{f.path}\1{f.module}\1{int(f.is_package)}" for f in files))


def _imports_key(modules: tuple[str, ...]) -> str:
    return _short("\0".join(modules))


class RunMemo:
    """The kept result of `command` for the inputs `inputs` (text that names them: the plan's path and
    bytes, the tree's root, the options that change the result), over the files of `reader`."""

    def __init__(self, reader: Reader, command: str, inputs: Iterable[str]) -> None:
        self.reader = reader
        self._slot = "run:" + _short("\0".join((command, *inputs)))
        self._inputs = _short("\0".join((str(_FORMAT), _code(), *inputs)))
        self._files = files_key(reader.files.values())

    def recall(self) -> object | None:
        """The result kept by the last run, when nothing it read has changed in a way it depended on."""
        kept = self.reader.answers([self._slot]).get(self._slot)
        try:
            inputs, files, queries, entries, result = kept
            if inputs != self._inputs or files != self._files or not self._still_holds(queries, entries):
                return None
            return from_plain(result)
        except (NotPlain, KeyError, TypeError, ValueError):   # (a kept value of another shape is a miss)
            return None

    def _still_holds(self, queries: list, entries: dict[str, tuple]) -> bool:
        now = self.reader.digests(entries)
        changed = [p for p, entry in entries.items() if now[p] != entry[0]]
        if any(entries[p][1] for p in changed):   # its bytes were used
            return False
        imports = self.reader.imports_now([p for p in changed if entries[p][2] is not None])
        asked = [Query(words, [tuple(pair) for pair in pairs]) for words, pairs in queries]
        for path in changed:
            _, _, imported, searched, hits = entries[path]
            if imported is not None and _imports_key(imports[path]) != imported:
                return False
            for number, query in enumerate(asked):
                if searched >> number & 1 and query.matches(self.reader.bytes_now(path)) != bool(hits >> number & 1):
                    return False
        return True

    def keep(self, result: object) -> None:
        """Keep `result` (made of plain values and this tool's dataclasses: see `refactor.reading.records`),
        worked out by this run from what its reader answered (`reader.reads`)."""
        if not self.reader.cached:
            return
        reads = self.reader.reads
        paths = sorted(reads.paths())
        digests = self.reader.digests(paths)
        light = [p for p in paths if p in reads.light and p not in reads.content]
        imports = self.reader.imports_now(light)
        searched = dict.fromkeys(paths, 0)
        hits = dict.fromkeys(paths, 0)
        for number, (_, asked, found) in enumerate(reads.searches):
            for path in asked:
                searched[path] |= 1 << number
            for path in found:
                hits[path] |= 1 << number
        entries = {p: (digests[p], p in reads.content, _imports_key(imports[p]) if p in imports else None,
                       searched[p], hits[p]) for p in paths}
        queries = [(list(q.words.shortest), sorted(q.modules.pairs)) for q, _, _ in reads.searches]
        try:
            data = to_plain(result)
            marshal.dumps(data)
        except (NotPlain, ValueError):   # (not kept: the next run works it out again)
            return
        self.reader.keep_answers({self._slot: (self._inputs, self._files, queries, entries, data)})
