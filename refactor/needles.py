"""Byte-level prefilters: does a file's source mention any of a set of names outside comments?"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SUBSTRING_CHECKS = 8   # up to this many needles, one `in` each beats one alternation pattern


def module_pairs(modules: Iterable[str]) -> set[tuple[str, str]]:
    """How a file names each module when it does not import it by its full name: (the last part of its
    package, or its own name for a top-level module; its own name), both written somewhere in the file."""
    pairs = set()
    for module in modules:
        package, _, name = module.rpartition(".")
        pairs.add((package.rpartition(".")[2] or name, name))
    return pairs


class Needles:
    """Byte strings to look for in source, outside comments."""

    def __init__(self, needles: Iterable[bytes]) -> None:
        needles = sorted(set(needles), key=lambda n: (-len(n), n))
        self.pattern = re.compile(b"|".join(re.escape(n) for n in needles)) if needles else None
        # a file without any of the needles that contain no other needle has none of them at all: `in` (a
        # fast substring search) rules most files out before the slower pattern and comment check runs
        self.shortest = [n for n in needles if not any(other != n and other in n for other in needles)]

    def __bool__(self) -> bool:
        return self.pattern is not None

    def in_code(self, data: bytes) -> bool:
        if self.pattern is None:
            return False
        if len(self.shortest) <= _SUBSTRING_CHECKS:
            if not any(needle in data for needle in self.shortest):
                return False
        elif self.pattern.search(data) is None:
            return False
        return in_code(self.pattern, data)


class Query:
    """What a search looks for: any of `words`, or a word of `firsts` together with a word of `seconds`
    (pairs are over-approximated that way: a parse decides)."""

    def __init__(self, words: Iterable[bytes], pairs: Iterable[tuple[bytes, bytes]]) -> None:
        pairs = list(pairs)
        self.words = Needles(words)
        self.firsts = Needles(a for a, _ in pairs)
        self.seconds = Needles(b for _, b in pairs)

    def shortest(self) -> list[bytes]:
        """Needles such that a file holding none of them cannot match."""
        return self.words.shortest + (self.firsts.shortest if self.seconds else [])

    def matches(self, data: bytes) -> bool:
        return self.words.in_code(data) or (self.firsts.in_code(data) and self.seconds.in_code(data))


def in_code(pattern: re.Pattern, data: bytes) -> bool:
    """Whether `pattern` matches somewhere other than a comment (a reference can hide in a string, not in a
    comment). A match after a `#` on its line, with no quote before that `#`, is a comment."""
    for match in pattern.finditer(data):
        start = data.rfind(b"\n", 0, match.start()) + 1
        before = data[start:match.start()]
        hash_at = before.find(b"#")
        if hash_at < 0 or b'"' in before[:hash_at] or b"'" in before[:hash_at]:
            return True
    return False
