"""Top-level functions and classes found by a line scan, and which of them a search can leave unparsed.

Parsing is most of what reading a repository costs, and most of a file that mentions a family is code
that does not: its other functions and classes. A top-level `def` or `class` whose text holds none of
the words a search is about (the family's names, its modules' names, and the local names the file's
module-level statements bind to them) can yield no fact the search needs; it is left out of the parse
(its lines blanked, so every line number stays) and only its name and kind are kept.

The scan never tokenizes: statements start on lines that begin in column 0, outside triple-quoted
strings and backslash continuations. A wrong guess can only make the shortened source fail to parse,
and then the whole file is parsed (see `refactor.reading.parse.extract_file`).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from refactor.reading.needles import IMPORT_START, names_module, occurrences, whole_word

# a line that can start a top-level statement: not indented, not a comment, not a closing bracket
_START = re.compile(rb"\n[^\s#)\]}]")   # (a leading line break: far faster than `^` with re.M)
_HEADER = re.compile(rb"(?:async[ \t]+)?(def|class)[ \t]+([A-Za-z_]\w*)")
# what a module-level line binds from a word it holds: `... as name`, `name = ...`, `name: T = ...`
_AS = re.compile(rb"\bas[ \t]+([A-Za-z_]\w*)")
_ASSIGNED = re.compile(rb"[ \t]*([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)")
_FROM_IMPORT = re.compile(rb"[ \t]*from[ \t]+\S+[ \t]+import[ \t]+([^#\n]*)")
_AS_CLAUSE = re.compile(rb"\bas[ \t]+\w+")
_NAME = re.compile(rb"[A-Za-z_]\w*")
_ALWAYS_PARSED = frozenset({"__getattr__", "__dir__"})   # a module's dynamic names (PEP 562)


class Chunk(NamedTuple):
    """A top-level def or class (with its decorators, trailing comments and blank lines), or a run of
    other top-level statements."""

    start: int            # byte offsets: data[start:end]
    end: int
    kind: str | None      # "def" | "class" | None (other statements)
    name: str = ""
    line: int = 0         # the line of the `def`/`class` keyword (what `ast` reports)


@functools.lru_cache(maxsize=256)   # (a file is asked about again when a search widens)
def top_level_chunks(data: bytes) -> list[Chunk]:
    """The file's top-level defs and classes and the runs of statements between them, in order; [] when
    the scan cannot be trusted (a lone carriage
    return ends lines for Python but not for this scan; an unclosed triple quote)."""
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return []
    strings = _string_spans(data)
    if strings is None:
        return []
    starts = []
    for match in _START.finditer(data):
        position = match.start() + 1
        if data.endswith(b"\\\n", 0, position) or data.endswith(b"\\\r\n", 0, position):
            continue   # continues the line before
        if strings and bisect.bisect_right(strings, position) % 2:
            continue   # inside a triple-quoted string
        starts.append(position)
    if not starts:
        return []
    if starts[0] != 0:
        starts.insert(0, 0)
    chunks: list[Chunk] = []
    line, counted = 1, 0   # the line number at byte offset `counted`
    decorators = rest = None   # where pending decorators start; where a run of other statements starts
    for start, end in zip(starts, starts[1:] + [len(data)]):
        if data.startswith(b"@", start):
            decorators = start if decorators is None else decorators
            continue
        header = _HEADER.match(data, start)
        if header is None:   # (decorators before something else stay with it)
            rest = min(p for p in (rest, decorators, start) if p is not None)
            decorators = None
            continue
        begin = start if decorators is None else decorators
        if rest is not None:
            chunks.append(Chunk(rest, begin, None))
            rest = None
        line += data.count(b"\n", counted, start)
        counted = start
        header_end = data.find(b"\n", start)
        if header_end >= 0 and _START.search(data, header_end, end):
            # a line in it starts in column 0 (in a string, or where the scan misjudged a string): it may
            # hold another statement, so it is never left out
            chunks.append(Chunk(begin, end, None))
            decorators = None
            continue
        chunks.append(Chunk(begin, end, header.group(1).decode(), header.group(2).decode(), line))
        decorators = None
    if rest is not None or decorators is not None:
        chunks.append(Chunk(min(p for p in (rest, decorators) if p is not None), len(data), None))
    return chunks


def _string_spans(data: bytes) -> list[int] | None:
    """Start and end offsets of triple-quoted strings, flattened and sorted; None if one never closes.
    A triple quote after a `#` on its line (with no quote before the `#`) is in a comment."""
    spans: list[int] = []
    opened: bytes | None = None
    quotes = sorted([(p, b'"""') for p in occurrences(data, b'"""')] + [(p, b"'''") for p in occurrences(data, b"'''")])
    end = -1
    for position, quote in quotes:
        if position < end:   # ("""" : the same quotes found twice)
            continue
        end = position + 3
        if opened is None:
            line_start = data.rfind(b"\n", 0, position) + 1
            hash_at = data.find(b"#", line_start, position)
            if hash_at >= 0 and data.find(b'"', line_start, hash_at) < 0 and data.find(b"'", line_start, hash_at) < 0:
                continue
            opened = quote
            spans.append(position)
        elif quote == opened and not _escaped(data, position):
            opened = None
            spans.append(position + 3)
    return None if opened is not None else spans


def _escaped(data: bytes, position: int) -> bool:
    backslashes = 0
    while position > backslashes and data[position - 1 - backslashes] == 0x5C:
        backslashes += 1
    return bool(backslashes % 2)


class Focus:
    """What a search is about: `words` (a family's names, or a pattern's literal part: found anywhere) and
    `modules` as (package name, module name) pairs. A top-level def or class can be left unparsed when it
    mentions no word, no module (dotted `package.module`, a path `package/module` or `module.py`, or an
    import line naming the module), and no local name that the file's other top-level statements bind to
    one of those (`import a.b as x`, `from .pkg import module`, `x = Word`)."""

    def __init__(self, words: Iterable[str] = (), modules: Iterable[tuple[str, str]] = ()) -> None:
        words = {w for w in words if w}
        # a word that holds another adds nothing (where it is, the other is too)
        self.words = frozenset(w for w in words if not any(o != w and o in w for o in words))
        self.modules = frozenset((a, b) for a, b in modules if a and b)
        self._words = sorted({w.encode() for w in self.words}, key=lambda w: (-len(w), w))
        # what a module-level line must hold for the names it binds to be local names worth looking for
        self.triggers = frozenset(self._words) | {w.encode() for pair in self.modules for w in pair}
        self._added: dict[tuple, frozenset[bytes]] = {}

    @functools.cached_property
    def _module_names(self) -> list[tuple[bytes, tuple[bytes, ...]]]:
        """Each module's name, and what before it names that module for sure (`package.`, `package/`)."""
        prefixes: dict[bytes, set[bytes]] = {}
        for package, module in self.modules:
            prefixes.setdefault(module.encode(), set()).update((f"{package}.".encode(), f"{package}/".encode()))
        return [(name, tuple(sorted(found))) for name, found in sorted(prefixes.items())]

    def key(self) -> tuple:
        """A plain form of this focus (kept with the facts parsed for it)."""
        return (tuple(sorted(self.words)), tuple(sorted(self.modules)))

    def __bool__(self) -> bool:
        return bool(self.words or self.modules)

    def __or__(self, other: Focus) -> Focus:
        return Focus(self.words | other.words, self.modules | other.modules)

    def __reduce__(self):   # (sent to worker processes: the compiled patterns are rebuilt there)
        return Focus, self.key()

    def covers(self, other: Focus) -> bool:
        """Whether every def or class `other` needs parsed, this focus needs parsed too."""
        return other.modules <= self.modules and all(any(w in o for w in self.words) for o in other.words)

    def skippable(self, data: bytes, chunks: list[Chunk]) -> list[Chunk]:
        """The top-level defs and classes that mention nothing of this focus."""
        if not any(c.kind for c in chunks):
            return []
        local = self._local_names(b"\n".join(data[c.start:c.end] for c in chunks if c.kind is None))
        # (a class with a `__getattr__` may be a module's lazy loader put in its place in `sys.modules`)
        open_ = {i for i, c in enumerate(chunks) if c.kind and c.name not in _ALWAYS_PARSED
                 and not (c.kind == "class" and b"__getattr__" in data[c.start:c.end])}
        needed = self._mentioned(data, local, chunks, open_)
        return [c for i, c in enumerate(chunks) if i in open_ and i not in needed]

    def added_triggers(self, key: tuple) -> frozenset[bytes]:
        """What this focus looks for that the focus `key` (`Focus.key()`) does not: where none of these
        occurs at all, anything parsed for `key` serves this focus too."""
        added = self._added.get(key)
        if added is None:   # (asked for every file held for `key`)
            added = self._added[key] = self.triggers - Focus(*key).triggers
        return added

    def serves_as_well(self, key: tuple, data: bytes) -> bool:
        """Whether anything parsed for the focus `key` serves this one too, for this `data`, found without
        looking closer: the words this focus adds do not occur in it at all."""
        return not any(trigger in data for trigger in self.added_triggers(key))

    def allows(self, data: bytes, skipped: Iterable[tuple[int, int]]) -> bool:
        """Whether facts that left the byte ranges `skipped` of `data` unparsed hold everything this focus
        needs: each of those ranges is one this focus would leave out too."""
        skipped = set(skipped)
        if not skipped:
            return True
        return skipped <= {(c.start, c.end) for c in self.skippable(data, top_level_chunks(data))}

    def _mentioned(self, data: bytes, local: set[bytes], chunks: list[Chunk], open_: set[int]) -> set[int]:
        """Which chunks of `open_` (indexes into `chunks`) hold a word, a module named in a dotted or path
        form (`package.module`, `package/module`, `module.py`) or on an import line, or one of the `local`
        names (whole words). One byte search per needle over the file, jumping past a chunk once it is
        known to be needed, or when it is not one of `open_`."""
        starts = [c.start for c in chunks]
        found: set[int] = set()

        def scan(needle: bytes, qualifies: Callable[[int], bool] | None) -> None:
            position = data.find(needle)
            while position >= 0 and len(found) < len(open_):
                index = bisect.bisect_right(starts, position) - 1
                if index not in open_ or index in found:
                    position = data.find(needle, chunks[index].end)
                elif qualifies is None or qualifies(position):
                    found.add(index)
                    position = data.find(needle, chunks[index].end)
                else:
                    position = data.find(needle, position + 1)

        for word in self._words:
            scan(word, None)
        for name, prefixes in self._module_names:
            scan(name, functools.partial(names_module, data, len(name), prefixes))
        for name in local:
            scan(name, functools.partial(_whole_word_at, data, len(name)))
        return found

    def _local_names(self, text: bytes) -> set[bytes]:
        """Names that lines of `text` bind from what this focus names, and from those names in turn. A
        line with a word binds all it binds; a line that only names a package or module binds what can
        be that module: `import a.b as x`, `from a import b` (b a module of the focus), `x = "a.b"`-like
        assignments that write `package.module` out (not every name imported from the package)."""
        found: set[bytes] = set()
        todo = [(word, True) for word in self._words] + [(word, False) for word in self._module_words]
        while todo:
            word, broad = todo.pop()
            position = text.find(word)
            while position >= 0:
                line_start = text.rfind(b"\n", 0, position) + 1
                line_end = text.find(b"\n", position)
                line_end = len(text) if line_end < 0 else line_end
                line = text[line_start:line_end]
                for name in _bound_by(line) if broad else self._module_bound_by(line):
                    if name not in found and name not in self._words:
                        found.add(name)
                        todo.append((name, True))
                position = text.find(word, line_end)
        return found

    @functools.cached_property
    def _module_words(self) -> list[bytes]:
        return sorted({w.encode() for pair in self.modules for w in pair} - set(self._words))

    @functools.cached_property
    def _dotted(self) -> list[bytes]:
        return sorted({f"{a}.{b}".encode() for a, b in self.modules})

    def _module_bound_by(self, line: bytes) -> list[bytes]:
        if IMPORT_START.match(line):
            names = _AS.findall(line)
            imported = _FROM_IMPORT.match(line)
            if imported:
                words = set(self._module_words)
                names.extend(n for n in _NAME.findall(_AS_CLAUSE.sub(b"", imported.group(1))) if n in words)
            return names
        assigned = _ASSIGNED.match(line)
        if assigned and any(form in line for form in self._dotted):
            return [assigned.group(1)]
        return []


def _bound_by(line: bytes) -> list[bytes]:
    """What a line may bind: `as` names, an assignment's target, the names of `from m import a, b`."""
    names = _AS.findall(line)
    assigned = _ASSIGNED.match(line)
    if assigned:
        names.append(assigned.group(1))
    imported = _FROM_IMPORT.match(line)
    if imported:
        names.extend(n for n in _NAME.findall(_AS_CLAUSE.sub(b"", imported.group(1))) if n != b"as")
    return names


def _whole_word_at(data: bytes, size: int, position: int) -> bool:
    return whole_word(data, position, position + size)


def blank(data: bytes, chunks: Iterable[Chunk]) -> bytes:
    """`data` with each chunk's lines emptied (the same number of lines: every line number stays)."""
    pieces, at = [], 0
    for chunk in sorted(chunks, key=lambda c: c.start):
        pieces.append(data[at:chunk.start])
        pieces.append(b"\n" * data.count(b"\n", chunk.start, chunk.end))
        at = chunk.end
    pieces.append(data[at:])
    return b"".join(pieces)
