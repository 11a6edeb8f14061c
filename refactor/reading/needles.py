"""Byte-level prefilters: does a file's source mention any of a set of names outside comments?"""

from __future__ import annotations

from collections.abc import Iterable


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
        # a file without any of the needles that contain no other needle has none of them at all, and
        # where one of the others is, one of these is too, on the same line after the same text
        self.shortest = [n for n in needles if not any(other != n and other in n for other in needles)]

    def __bool__(self) -> bool:
        return bool(self.shortest)

    def in_code(self, data: bytes) -> bool:
        """Whether a needle occurs somewhere other than a comment (a byte search for each: far faster
        than one alternation pattern over the whole file)."""
        for needle in self.shortest:
            position = data.find(needle)
            while position >= 0:
                if not in_comment(data, position):
                    return True
                position = data.find(needle, position + 1)
        return False


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


def in_comment(data: bytes, position: int) -> bool:
    """Whether `position` is in a comment: after a `#` on its line, with no quote before that `#` (a
    reference can hide in a string, not in a comment)."""
    start = data.rfind(b"\n", 0, position) + 1
    hash_at = data.find(b"#", start, position)
    return hash_at >= 0 and b'"' not in data[start:hash_at] and b"'" not in data[start:hash_at]
