"""Read a project's files and answer searches and fact requests cheapest first: in parallel, cached by
content hash, and without reading a file whose `stat` says it has not changed since the last run."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import heapq
import os
import time
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path

from refactor.reading.cache import FactCache, Snapshot, cache_folder
from refactor.reading.chunks import Focus
from refactor.reading.extract import imported_modules
from refactor.reading.facts import FileFacts
from refactor.reading.files import SourceFile, grep_files
from refactor.reading.needles import Query
from refactor.reading.parse import extract_file, refresh_file, whole_error
from refactor.reading.reads import Reads
from refactor.reading.workers import in_workers

_PARALLEL_THRESHOLD = 64     # fewer files than this (and fewer bytes than the next) are parsed here
_PARALLEL_BYTES = 256_000    # rather than in worker processes
_SURVEY_THRESHOLD = 512      # ... read, hashed and searched here
_SEARCH_THRESHOLD = 256      # ... read and searched here
_GIT_SHARE = 4               # git searches for a search left with at least 1/this of the files (it reads them all)
_PARALLEL_FILES = 32         # ... parsed whole (only to know whether they parse) here
_SAVE_AFTER = 64             # snapshot changes worth a write before the reader goes away ...
_SAVE_EVERY = 10.0           # ... once this many seconds have passed since the last (or the start)
_STATS_FRESH = 1.0           # seconds a `stat` taken by `discover` stands for the file's own (see `Reader`)
_RACY_NS = 2_000_000_000     # a file changed this recently could change again unseen within its mtime's tick


class Reader:
    """Reads a set of files and answers fact requests. `remember_stats` keeps a snapshot of every file's
    stat, content hash and imports for the next run (off for throwaway trees such as stage worktrees)."""

    def __init__(self, root: Path, files: list[SourceFile], *, cache: bool = True, jobs: int | None = None,
                 cache_dir: Path | None = None, remember_stats: bool = True,
                 stats: dict[str, os.stat_result] | None = None) -> None:
        """`stats`: a `stat` of some files taken just before (see `discover`), used by the first hashing pass
        instead of taking another, if it starts at once (a file could change in the meantime)."""
        self.root = root
        self._stats = stats or {}
        self._stats_until = time.monotonic() + _STATS_FRESH
        self.files = {f.path: f for f in files}
        self._data: dict[str, bytes] = {}
        self._digest: dict[str, str] = {}
        self._imports: dict[str, tuple[str, ...]] = {}   # path -> imported modules (light facts)
        self._cache = FactCache((cache_dir or cache_folder(root)) if cache else None)
        self.cached = cache   # whether answers are kept for later runs
        self._root_key = str(root.resolve())
        self._root_text = str(root)   # (joined as text: a `Path` per file costs more than the stat)
        self._prefix = os.path.join(self._root_text, "")
        self._snapshot: Snapshot = self._cache.get_snapshot(self._root_key) if cache and remember_stats else {}
        self._remember = cache and remember_stats
        self._unsaved = [0]   # snapshot entries changed since the last save (a list: shared with the finalizer)
        self._saved_at = time.monotonic()
        if self._remember:    # what a run learnt one file at a time is kept when the reader goes away
            weakref.finalize(self, _save_snapshot, self._cache, self._root_key, self._snapshot, self._unsaved,
                             set(self.files))
        # needles git was asked for, its answer, and the top-level folders it searched (None: all)
        self._grepped: list[tuple[tuple[bytes, ...], set[str], frozenset[str] | None]] = []
        self._top_folders: set[str] | None = None
        self._waiting_tasks: list[Callable[[], object]] = []
        self._later: dict[str, FileFacts] = {}   # cache entries to write when the reader goes away
        weakref.finalize(self, self._cache.put_served, self._later)
        self.jobs = jobs or os.cpu_count() or 1
        self.parsed = 0  # files parsed in this run (not from the cache): for benchmarks and tests
        self.read = 0    # files read in this run
        self.reads = Reads()   # what its answers depended on, file by file

    # -- the tree as it is now, for what an earlier run read (nothing here is noted in `reads`) -----------
    def digests(self, paths: Iterable[str]) -> dict[str, str]:
        """{path: content hash}: from the snapshot where the stat is unchanged, else by reading the file."""
        paths = list(paths)
        self._hash(paths)
        return {p: self._digest[p] for p in paths}

    def imports_now(self, paths: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """{path: the modules the line scan finds it imports} (see `facts(full=False)`)."""
        paths = list(paths)
        self._light([p for p in paths if p not in self._imports])
        return {p: self._imports[p] for p in paths}

    def bytes_now(self, path: str) -> bytes:
        return self._bytes(path)

    # -- bytes and content hashes -------------------------------------------------------------------
    def data(self, path: str) -> bytes:
        self.reads.used_content((path,))
        return self._bytes(path)

    def _bytes(self, path: str) -> bytes:
        if path not in self._data:
            self._data[path] = self._read(path)
            # what was read is what facts and answers are keyed by (a file may change during a run)
            self._digest[path] = content_digest(self._data[path])
        return self._data[path]

    def _read(self, path: str) -> bytes:
        self.read += 1
        return _bytes_of(self.root / path) or b""

    def digest(self, path: str) -> str:
        self.reads.used_content((path,))
        if path not in self._digest:
            self._hash([path])
        return self._digest[path]

    def _hash(self, paths: list[str], query: Query | None = None) -> dict[str, tuple[str, bool]]:
        """Content hashes for `paths`: from the snapshot where the file's stat is unchanged, else by reading
        it (in worker processes when there are many, which also take its imports and answer `query`):
        {path: (content hash, matches `query`)} for the files read."""
        unknown = []
        if self._stats and time.monotonic() > self._stats_until:
            self._stats = {}
        for path in paths:
            if path in self._digest:
                continue
            known = self._snapshot.get(path)
            if known is not None and known[0] is not None and known[0] == self._stat_now(path):
                self._digest[path] = known[1]
                if known[2] is not None:
                    self._imports[path] = known[2]
            else:
                unknown.append(path)
        self._stats = {}   # (the first pass only)
        if not unknown:
            return {}
        if len(unknown) >= _SURVEY_THRESHOLD:
            # reading most files: the others not known either are read now too (their first use is not
            # far), and the snapshot, whole, is written while git next searches
            asked = set(unknown)
            unknown += [p for p in self.files if p not in asked and p not in self._digest and p not in self._snapshot]
            if self._remember:   # (no reference to the reader: it still goes away when no longer used)
                self.when_waiting(functools.partial(_save_snapshot, self._cache, self._root_key, self._snapshot,
                                                    self._unsaved, set(self.files)))
        items = [(p, self.files[p].module, self.files[p].is_package) for p in unknown]
        if len(items) >= _SURVEY_THRESHOLD and self.jobs > 1:
            results = [row for rows in in_workers(self.jobs, _survey_batch, [
                (str(self.root), batch, query) for batch in _batches(items, self.jobs, minimum=64)]) for row in rows]
        else:
            results = _survey_batch((str(self.root), items, query), keep=self._data)
        answers = {}
        self.read += len(unknown)
        for path, stat, digest, imports, hit in results:
            self._digest[path], self._imports[path] = digest, imports
            answers[path] = (digest, hit)
            self._remember_file(path, stat)
        self._save_snapshot()
        return answers

    def _stat_now(self, path: str) -> tuple[int, ...] | None:
        taken = self._stats.pop(path, None)
        return _identity(taken) if taken is not None else _stat_key(self._prefix + path)

    def _remember_file(self, path: str, stat: tuple[int, ...] | None) -> None:
        if self._remember:
            self._snapshot[path] = (stat, self._digest[path], self._imports.get(path))
            self._unsaved[0] += 1

    def _save_snapshot(self) -> None:
        """Save what a long run learnt now and then (a short one saves once, when the reader goes away)."""
        if self._unsaved[0] >= _SAVE_AFTER and time.monotonic() - self._saved_at > _SAVE_EVERY:
            _save_snapshot(self._cache, self._root_key, self._snapshot, self._unsaved, set(self.files))
            self._saved_at = time.monotonic()

    # -- searching ------------------------------------------------------------------------------
    def search(self, needles: Iterable[str], paths: Iterable[str], pairs: Iterable[tuple[str, str]] = (), *,
               ahead: tuple[Iterable[str], Iterable[tuple[str, str]]] = ((), ())) -> list[str]:
        """Paths whose bytes contain any needle, or both words of any pair, outside comments (a cheap
        prefilter before parsing; pairs are over-approximated: any first word and any second word).
        `ahead`: needles and pairs a later search of this run is likely to ask for; git is asked for those
        too, and that search reuses its answer instead of reading every file again."""
        words = sorted({n.encode() for n in needles if n}, key=lambda w: (-len(w), w))   # a stable order
        pairs = sorted({(a.encode(), b.encode()) for a, b in pairs if a and b})
        if not words and not pairs:
            return []
        query = Query(words, pairs)
        # (keyed by the words that hold no other: a query that adds `UnifiedName` to `Name` finds the same)
        form = (Query.RULES, query.words.shortest, pairs)
        key = hashlib.blake2b(repr(form).encode(), digest_size=16).hexdigest()
        matched, searched = self._cache.get_search(key)   # answers of earlier runs, by content hash
        paths = list(paths)
        answers = self._hash(paths, query)                 # files read now are searched as they are read
        todo = [p for p in paths if p not in answers and self._digest[p] not in searched]
        if len(todo) >= _SEARCH_THRESHOLD:   # (a wider search's answers rule files out: no need to read them)
            ruled_out = self._ruled_out(query, key)
            answers.update((p, (self._digest[p], False)) for p in todo if self._digest[p] in ruled_out)
            todo = [p for p in todo if self._digest[p] not in ruled_out]
        candidates = self._grep(query, Query([w.encode() for w in ahead[0] if w],
                                             [(a.encode(), b.encode()) for a, b in ahead[1] if a and b]), todo) \
            if len(todo) >= _SURVEY_THRESHOLD and len(todo) * _GIT_SHARE >= len(self.files) else None
        if candidates is not None:   # git ruled out every other file; the candidates are searched below
            answers.update((p, (self._digest[p], False)) for p in todo if p not in candidates)
            todo = [p for p in todo if p in candidates]
        unread = [p for p in todo if p not in self._data]   # (many: read and searched in worker processes)
        if len(unread) >= _SEARCH_THRESHOLD and self.jobs > 1:
            batches = _batches(unread, self.jobs, minimum=32)
            for found in in_workers(self.jobs, _search_batch, [(str(self.root), b, query) for b in batches]):
                answers.update(found)
            todo = [p for p in todo if p in self._data]
        answers.update((p, (self._digest[p], query.matches(self._bytes(p)))) for p in todo)
        hits = set()
        for path, (digest, hit) in answers.items():
            if hit:
                hits.add(path)
            if digest == self._digest[path]:   # (a file changed since it was hashed is answered, not cached)
                searched.add(digest)
                if hit:
                    matched.add(digest)
        if answers:
            self._cache.put_search(key, matched, searched, form)
        found = [p for p in paths if p in hits or (p not in answers and self._digest[p] in matched)]
        self.reads.searched(query, paths, found)
        return found

    def _ruled_out(self, query: Query, key: str) -> set[str]:
        """Content hashes in which a kept search that `covers` `query` found nothing (so neither would
        `query`): of the covering searches, the one that matched the fewest."""
        wider = [(count, other) for other, form, count in self._cache.searches_kept()
                 if other != key and form[0] == Query.RULES and Query(form[1], form[2]).covers(query)]
        if not wider:
            return set()
        matched, searched = self._cache.get_search(min(wider)[1])
        return searched - matched

    def _grep(self, query: Query, ahead: Query, paths: list[str]) -> set[str] | None:
        """Files of `paths` git finds any of `query`'s needles in (or None: see `grep_files`), from an
        earlier answer of this run where its needles cover them (a file holding a needle holds any part of
        it) and it searched those files, else by asking git for these and `ahead`'s needles. Git searches
        only the top-level folders of `paths`, unless a later search is expected (`ahead`)."""
        wanted = query.shortest()
        folders = {p.partition("/")[0] for p in paths if "/" in p}
        if ahead.shortest() or any("/" not in p for p in paths) or folders >= self._folders():
            folders = None   # (the whole tree)
        for asked, found, under in self._grepped:
            if all(any(needle in want for needle in asked) for want in wanted) \
                    and (under is None or folders is not None and folders <= under):
                return found
        asked = tuple(sorted({*wanted, *ahead.shortest()}))
        found = grep_files(self.root, asked, meanwhile=self._run_waiting_tasks, under=folders)
        if found is not None:
            self._grepped.append((asked, found, None if folders is None else frozenset(folders)))
        return found

    def _folders(self) -> set[str]:
        """The top-level folders that hold files of this reader."""
        if self._top_folders is None:
            self._top_folders = {p.partition("/")[0] for p in self.files if "/" in p}
        return self._top_folders

    def _answering(self, needles: frozenset[bytes]) -> list[tuple[set[str], frozenset[str] | None]]:
        """git's answers of this run that tell where none of `needles` is: those for needles that each of
        these holds (where `Name` is not, neither is `UnifiedName`), with the folders each searched."""
        return [(found, under) for asked, found, under in self._grepped
                if all(any(a in n for a in asked) for n in needles)]

    @staticmethod
    def _lacks(path: str, answers: list[tuple[set[str], frozenset[str] | None]]) -> bool:
        """Whether one of git's `answers` (see `_answering`) found none of its needles in `path`, a file
        of a folder it searched."""
        folder = path.partition("/")[0] if "/" in path else None
        return any(path not in found and (under is None or folder in under) for found, under in answers)

    def when_waiting(self, task: Callable[[], object]) -> None:
        """Run `task` (once) the next time this reader waits for git to search the files: work that
        is needed later anyway, done on this process's otherwise idle core. It may never run (nothing
        to search, or everything searched before): the caller must not count on it."""
        self._waiting_tasks.append(task)

    def _run_waiting_tasks(self) -> None:
        while self._waiting_tasks:
            self._waiting_tasks.pop(0)()

    # -- answers worked out from facts (kept for the next run: their users check what they depend on) ----
    def answers(self, keys: list[str]) -> dict[str, object]:
        return self._cache.get_answers(keys)

    def keep_answers(self, items: dict[str, object]) -> None:
        self._cache.put_answers(items)

    # -- facts ----------------------------------------------------------------------------------
    def facts(self, paths: Iterable[str], *, full: bool, focus: Focus | None = None,
              held: dict[str, FileFacts] | None = None) -> dict[str, FileFacts]:
        """Facts of `paths`: light (imported modules only) or full. Full facts for a `focus` may leave out
        top-level defs and classes that mention none of its words (see `refactor.reading.chunks`); facts `held`
        for a narrower focus (the caller's, or the cache's) are kept where they serve this one too."""
        paths = list(paths)
        if not full:
            self.reads.used_imports(paths)
            return self._light(paths)
        self.reads.used_content(paths)
        held = {p: f for p, f in (held or {}).items() if f.skipped and focus is not None}
        self._hash(paths)
        out = {path: FileFacts(path=path, module=self.files[path].module, is_package=self.files[path].is_package,
                               full=True, error=error) for path, error in self.unparsable(paths).items()}
        keys = {p: self._key(p, focus) for p in paths if p not in out}   # (held too: the cache may serve better)
        found, served = self._cache.get_many(list(keys.values()))
        wider: set[str] = set()   # kept for a wider search: this one's facts are kept apart (see `_exact_key`)
        for path, key in keys.items():
            facts = found.get(key)
            if facts is None:
                continue
            if focus is None:
                out[path] = facts
            elif not facts.focus or not focus.covers(Focus(*facts.focus)):
                wider.add(path)   # parsed for a wider search: they can hold more than this one parses
            elif not facts.skipped:
                out[path] = facts
            elif Focus(*served.get(key, facts.focus)).covers(focus):
                out[path] = dataclasses.replace(facts, focus=served.get(key, facts.focus))
            elif path not in held:   # parsed for a narrower search: kept where this one would leave out the same parts
                held[path] = dataclasses.replace(facts, focus=served.get(key, facts.focus))
        if wider:
            exact = {p: self._exact_key(p, focus) for p in wider}
            kept, _ = self._cache.get_many(list(exact.values()))
            out.update((p, kept[k]) for p, k in exact.items()
                       if k in kept and kept[k].focus and Focus(*kept[k].focus).key() == focus.key())
        new, widened = self._parse_all([p for p in paths if p not in out], focus, held)
        self._cache.put_many({self._exact_key(p, focus): f for p, f in new.items() if p in wider})
        widened -= wider
        replaced = [p for p in new if p not in widened and p not in wider]
        self._cache.put_many({self._key(p, focus): new[p] for p in replaced})
        # (the narrower facts these replace are asked for again by the next run's earlier search)
        self._cache.put_many({self._exact_key(p, Focus(*held[p].focus)): held[p] for p in replaced
                              if p in held and held[p].focus})
        self._cache.put_outcomes({self._content_key(p): f.error or "" for p, f in new.items() if f.error or not f.skipped})
        # held facts that serve a wider focus: the cache learns it once, when the reader goes away (a
        # later search in this run may widen them again)
        self._later.update({self._key(p, focus): new[p] for p in widened})
        out.update(new)
        return out

    def unparsable(self, paths: Iterable[str]) -> dict[str, str]:
        """{path: `path:line: problem`} for the files of `paths` that some run found not to parse whole: a
        search that leaves part of such a file unparsed may not meet the error, and takes it as it is."""
        return {path: error for path, error in self.whole_outcomes(paths).items() if error}

    def whole_outcomes(self, paths: Iterable[str]) -> dict[str, str]:
        """For the files of `paths` some run parsed whole as they are now: "" where that went well, else the
        problem (`path:line: problem`). The others are not known."""
        paths = list(paths)
        self.reads.used_content(paths)
        self._hash(paths)
        keys = {self._content_key(p): p for p in paths}
        return {keys[key]: outcome for key, outcome in self._cache.get_outcomes(list(keys)).items()}

    def whole_errors(self, paths: Iterable[str]) -> dict[str, str]:
        """{path: `path:line: problem`} for the files of `paths` that do not parse whole, found now where
        no run knows (in worker processes when there are many), and kept by content like every outcome."""
        paths = list(paths)
        known = self.whole_outcomes(paths)
        unknown = [p for p in paths if p not in known]
        if len(unknown) >= _PARALLEL_FILES and self.jobs > 1:
            items = [(p, self.files[p].is_package) for p in unknown]
            found = [row for rows in in_workers(self.jobs, _whole_errors_batch, [
                (str(self.root), batch) for batch in _balanced(items, self._sizes(unknown), self.jobs * 4)])
                for row in rows]
        else:
            found = [(p, self._digest[p], whole_error(p, self.files[p].is_package, self._bytes(p))) for p in unknown]
        self._cache.put_outcomes({f"{digest}:{path}": error for path, digest, error in found
                                  if digest == self._digest[path]})   # (a file changed since it was hashed: not kept)
        known.update((path, error) for path, _, error in found)
        return {path: known[path] for path in paths if known[path]}

    def _content_key(self, path: str) -> str:
        return f"{self._digest[path]}:{path}"

    def _key(self, path: str, focus: Focus | None) -> str:
        """Facts parsed whole, and facts parsed for a search, are kept apart: facts a run takes from the
        cache are the facts it would parse (a whole file's facts hold more than a search parses). Facts
        parsed for a search are taken for a search at least as wide, up to the widest they are known to
        serve (see `refactor.reading.chunks.Focus`); for a narrower one they are parsed again."""
        source = self.files[path]
        kind = "W" if focus is None else "F"
        return f"{kind}:{self._digest[path]}:{source.module}:{int(source.is_package)}:{path}"

    def _exact_key(self, path: str, focus: Focus) -> str:
        """Where facts parsed for `focus` are kept when the file's row holds facts parsed for a wider search.
        A run asks for a file's facts for a narrow search and then a wider one (the inventory's first round,
        then the site search): one row for both would make every later run parse the file twice again."""
        search = hashlib.blake2b(repr(focus.key()).encode(), digest_size=8).hexdigest()
        return f"E{search}:{self._key(path, focus)}"

    def _light(self, paths: list[str]) -> dict[str, FileFacts]:
        """Imported modules by a line scan (over-approximates; never parses), for every file."""
        self._hash(paths)
        missing = [p for p in paths if p not in self._imports]
        for path in missing:   # hashed from the snapshot, whose imports were not kept
            source = self.files[path]
            self._imports[path] = imported_modules(source.module, source.is_package, self._bytes(path))
            known = self._snapshot.get(path)
            self._remember_file(path, known[0] if known else None)
        self._save_snapshot()
        out = {}
        for path in paths:
            source = self.files[path]
            out[path] = FileFacts(path=path, module=source.module, is_package=source.is_package, full=False,
                                  imported_modules=self._imports[path])
        return out

    def _sizes(self, paths: list[str]) -> list[int]:
        sizes = []
        for path in paths:
            try:
                sizes.append(os.stat(os.path.join(self._root_text, path)).st_size)
            except OSError:
                sizes.append(0)
        return sizes

    def _parse_all(self, paths: list[str], focus: Focus | None = None,
                   held: dict[str, FileFacts] | None = None) -> tuple[dict[str, FileFacts], set[str]]:
        """Facts of `paths`, in worker processes when there are many; for a path in `held`, those facts
        (marked as parsed for `focus`) if they serve it: those paths are also returned on their own."""
        held = held or {}
        out: dict[str, FileFacts] = {}
        answers: dict[tuple, list] = {}   # held facts' focus -> git's answers for what this focus adds
        for path in [p for p in paths if p in held]:   # no new word anywhere in the file: nothing to check
            key = held[path].focus
            if key not in answers:
                answers[key] = self._answering(focus.added_triggers(key))
            if self._lacks(path, answers[key]) or focus.serves_as_well(key, self._bytes(path)):
                out[path] = _serving(held[path], focus)
        paths = [p for p in paths if p not in out]
        serial = self.jobs <= 1 or len(paths) < 2
        sizes = [] if serial else self._sizes(paths)
        if serial or (len(paths) < _PARALLEL_THRESHOLD and sum(sizes) < _PARALLEL_BYTES):
            for path in paths:
                source, data = self.files[path], self._bytes(path)
                facts = refresh_file(path, source.module, source.is_package, data, focus, held[path].skipped) \
                    if path in held else extract_file(path, source.module, source.is_package, data, focus)
                self.parsed += facts is not None
                out[path] = facts or _serving(held[path], focus)
        else:
            items = [(p, self.files[p].module, self.files[p].is_package, held[p].skipped if p in held else None)
                     for p in paths]
            for result in in_workers(self.jobs, _extract_batch, [(str(self.root), batch, focus) for batch in
                                                                   _balanced(items, sizes, self.jobs * 4)]):
                for path, digest, data in result:
                    if data is None:   # the held facts serve: if of what was hashed (a file may change meanwhile)
                        out[path] = _serving(held[path], focus) if digest == self._digest[path] \
                            else extract_file(path, self.files[path].module, self.files[path].is_package,
                                              _bytes_of(self.root / path) or b"", focus)
                        continue
                    if digest != self._digest[path]:     # changed since it was hashed: key the facts by what was read
                        self._digest[path] = digest
                    out[path] = FileFacts.from_tuple(data)
                    self.parsed += 1
        return out, {p for p in out if p in held and out[p].skipped == held[p].skipped}


def _serving(facts: FileFacts, focus: Focus) -> FileFacts:
    """Facts parsed in part, marked as serving `focus` too (found to leave out only what it would)."""
    return dataclasses.replace(facts, focus=focus.key())


def _save_snapshot(cache: FactCache, root: str, snapshot: Snapshot, unsaved: list[int], files: set[str]) -> None:
    if unsaved[0]:
        for gone in set(snapshot) - files:
            del snapshot[gone]
        cache.put_snapshot(root, snapshot)
        unsaved[0] = 0


# -- work done in worker processes (each reads its files itself: nothing big crosses processes) -------

def _stat_key(path: str | Path) -> tuple[int, ...] | None:
    """A file's identity for "unchanged since": size, mtime, inode, ctime. None for a file changed too
    recently to trust (the same stat could still come with different bytes)."""
    try:
        return _identity(os.stat(path))
    except OSError:
        return None


def _identity(st: os.stat_result) -> tuple[int, ...] | None:
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < _RACY_NS:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def _bytes_of(path: Path) -> bytes | None:
    """A file's bytes; None when it cannot be read (callers read it as empty: no facts, no failed run)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def _read_with_stat(path: str) -> tuple[bytes | None, tuple[int, ...] | None]:
    """A file's bytes and its stat key (taken before reading: a change after it shows next time), with
    one open and no buffering layer (half the time of a `stat` and a `read_bytes` on many small files)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return None, None
    try:
        st = os.fstat(fd)
        data = os.read(fd, st.st_size + 1)
        if len(data) > st.st_size:   # it grew since the stat: read the rest
            pieces = [data]
            while pieces[-1]:
                pieces.append(os.read(fd, 1 << 20))
            data = b"".join(pieces)
        return data, _identity(st)
    except OSError:
        return None, None
    finally:
        os.close(fd)


def content_digest(data: bytes) -> str:
    """The key a file's content is known by in the cache."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()   # (a cache key: SHA-1 is the fastest here)


def _survey_batch(job: tuple[str, list[tuple[str, str, bool]], Query | None],
                  keep: dict[str, bytes] | None = None) -> list[tuple]:
    """(path, stat key, content hash, imported modules, matches the query) for each file."""
    root, items, query = job
    out = []
    for path, module, is_package in items:
        data, stat = _read_with_stat(os.path.join(root, path))   # (no Path per file: 7% of a survey)
        if data is None:                # unreadable: read as empty, and nothing to remember
            data, stat = b"", None
        if keep is not None:
            keep[path] = data
        imports = imported_modules(module, is_package, data)   # (no FileFacts built: 11% of a survey)
        out.append((path, stat, content_digest(data), imports, query.matches(data) if query else False))
    return out


def _search_batch(job: tuple[str, list[str], Query]) -> dict[str, tuple[str, bool]]:
    root, paths, query = job
    out = {}
    for path in paths:
        data = _bytes_of(Path(root) / path) or b""
        out[path] = (content_digest(data), query.matches(data))
    return out


def _extract_batch(job: tuple[str, list[tuple], Focus | None]) -> list[tuple[str, str, tuple | None]]:
    """(path, content hash, facts as a tuple) per file; None for facts when those held serve the focus."""
    root, items, focus = job
    out = []
    for path, module, is_package, held in items:
        data = _bytes_of(Path(root) / path) or b""
        facts = refresh_file(path, module, is_package, data, focus, held) if held is not None \
            else extract_file(path, module, is_package, data, focus)
        out.append((path, content_digest(data), facts.to_tuple() if facts is not None else None))
    return out


def _balanced(items: list, sizes: list[int], count: int) -> list[list]:
    """`items` in at most `count` batches of about equal total size, the largest batch first: each item, the
    largest first, goes to the batch holding least so far (parsing time grows with size; a pool handing
    out the largest batches first ends with small ones, so no worker is left alone at the end)."""
    batches: list[tuple[int, int, list]] = [(0, i, []) for i in range(min(count, len(items)))]
    for size, item in sorted(zip(sizes, items, strict=True), key=lambda pair: -pair[0]):
        total, index, batch = heapq.heappop(batches)
        batch.append(item)
        heapq.heappush(batches, (total + size, index, batch))
    return [batch for _, _, batch in sorted(batches, key=lambda b: (-b[0], b[1])) if batch]


def _whole_errors_batch(job: tuple[str, list[tuple[str, bool]]]) -> list[tuple[str, str, str]]:
    """(path, content hash, "" or its problem) for each file, parsed whole."""
    root, items = job
    out = []
    for path, is_package in items:
        data = _bytes_of(Path(root) / path) or b""
        out.append((path, content_digest(data), whole_error(path, is_package, data)))
    return out


def _batches(items: list, jobs: int, *, minimum: int) -> list[list]:
    size = max(minimum, len(items) // (jobs * 4))
    return [items[i:i + size] for i in range(0, len(items), size)]
