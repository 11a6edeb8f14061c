"""Byte-level prefilters: does a file's source mention any of a set of names, or name one of a set of
modules, outside comments?"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

IMPORT_START = re.compile(rb"[ \t]*(?:from|import)[ \t]")
_FROM_START = re.compile(rb"[ \t]*from[ \t]")
_RELATIVE_FROM = re.compile(rb"[ \t]*from[ \t]+\.")
_IMPORT_WORD = re.compile(rb"\bimport\b")
_AS = re.compile(rb"[ \t]+as[ \t]")


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


class ModuleNames:
    """Modules, each as (the last part of its package, its own name) (see `module_pairs`), and where a
    source names one: `package.module` (an import, an attribute chain, a dotted string), `package/module`
    or `module.py` (a path), the module's name as a word on an import line (`from pkg import module`,
    `from . import module`), or the package bound to a name by an import (`from app import package`,
    `import app.package as p`: `p.module` may follow); the package's name must be in the file (a file of
    the package itself is the caller's to add). A top-level module is named by its own name as a word not
    after a dot. Where the package and the module's name are only both somewhere in the file (`from
    app.package.other import x` and a variable `module`), the file does not name the module."""

    def __init__(self, pairs: Iterable[tuple[bytes, bytes]]) -> None:
        self.pairs = frozenset(pairs)
        prefixes: dict[bytes, set[bytes]] = {}
        packages: dict[bytes, set[bytes]] = {}
        for package, module in pairs:
            prefixes.setdefault(module, set())
            if package != module:   # (equal for a top-level module: see `module_pairs`)
                prefixes[module].update((package + b".", package + b"/"))
                packages.setdefault(module, set()).add(package)
        self.modules = sorted((name, tuple(sorted(found))) for name, found in prefixes.items())
        self._packages = {name: tuple(sorted(found)) for name, found in packages.items()}
        self.packages = sorted({p for found in packages.values() for p in found})

    def __bool__(self) -> bool:
        return bool(self.modules)

    def packaged(self, name: bytes) -> bool:
        """Whether the module `name` is one in a package (its name alone, then, does not name it)."""
        return name in self._packages

    def shortest(self) -> list[bytes]:
        """Needles such that a source holding none of them names none of the modules: each package
        (outside its package, a module is named with its package's name somewhere: the module's own
        name alone is some other module or a variable), and each top-level module's name."""
        return Needles(self.packages + [name for name, _ in self.modules if name not in self._packages]).shortest

    def in_code(self, data: bytes) -> bool:
        present = {package for package in self.packages if package in data}
        for name, prefixes in self.modules:
            if name in self._packages and not present.intersection(self._packages[name]):
                continue
            for position in occurrences(data, name):
                if not in_comment(data, position) and names_module(data, len(name), prefixes, position):
                    return True
        for package in sorted(present):
            for position in occurrences(data, package):
                if not in_comment(data, position) and binds_package(data, len(package), position):
                    return True
        return False


class Query:
    """What a search looks for: any of `words`, or any of the modules `pairs` name (see `ModuleNames`)."""

    RULES = 2   # (part of the key of the answers kept: a change to what matches changes it)

    def __init__(self, words: Iterable[bytes], pairs: Iterable[tuple[bytes, bytes]]) -> None:
        self.words = Needles(words)
        self.modules = ModuleNames(pairs)

    def shortest(self) -> list[bytes]:
        """Needles such that a file holding none of them cannot match."""
        return self.words.shortest + (self.modules.shortest() if self.modules else [])

    def matches(self, data: bytes) -> bool:
        return self.words.in_code(data) or self.modules.in_code(data)

    def covers(self, other: Query) -> bool:
        """Whether every source `other` matches, this query matches too (where this one found nothing, `other`
        finds nothing): each of `other`'s words holds one of these, and each of its modules is one of these,
        named the same way (a top-level module's own name alone names it; a packaged one's does not)."""
        words = self.words.shortest
        return all(any(word in needle for word in words) for needle in other.words.shortest) \
            and other.modules.pairs <= self.modules.pairs \
            and not any(self.modules.packaged(name) for name, _ in other.modules.modules
                        if not other.modules.packaged(name))


def names_module(data: bytes, size: int, prefixes: tuple[bytes, ...], position: int) -> bool:
    """Whether the module name of `size` bytes at `position` names the module: `name.py`, after one of
    `prefixes` (`package.`, `package/`), or as a whole word on an import line; with no `prefixes` (a
    top-level module), also as a whole word not after a dot (`name.X`)."""
    end = position + size
    if data.startswith(b".py", end) and not word_byte(data, end + 3) \
            or any(data.startswith(prefix, position - len(prefix)) for prefix in prefixes):
        return True
    if not whole_word(data, position, end):
        return False
    return in_import(data, position) or (not prefixes and not data.startswith(b".", position - 1))


def binds_package(data: bytes, size: int, position: int) -> bool:
    """Whether the package name of `size` bytes at `position` is bound to a name by its import statement:
    among the names a `from ... import` takes, or the last part of `import a.package as p`."""
    if not whole_word(data, position, position + size):
        return False
    start = statement_start(data, position)
    if start < 0:
        return False
    if _FROM_START.match(data, start):
        return _IMPORT_WORD.search(data, start, position) is not None
    return _AS.match(data, position + size) is not None


def names_relatively(data: bytes, names: Iterable[bytes]) -> bool:
    """Whether a source names one of the modules `names` (their own names) by a relative import, outside
    comments: `from .. import name`, `from ..name import x`, `from .pkg.name import x`."""
    if b"from" not in data:
        return False
    for name in names:
        for position in occurrences(data, name):
            if whole_word(data, position, position + len(name)) and not in_comment(data, position):
                start = statement_start(data, position)
                if start >= 0 and _RELATIVE_FROM.match(data, start):
                    return True
    return False


def in_import(data: bytes, position: int) -> bool:
    """Whether `position` is on an import statement's line, or inside the parentheses of one that
    continues over several lines (`from pkg import (\n    module,\n)`)."""
    return statement_start(data, position) >= 0


def statement_start(data: bytes, position: int) -> int:
    """Where the import statement `position` is in starts (the start of its first line), or -1 when it is
    not in one (see `in_import`)."""
    line_start = data.rfind(b"\n", 0, position) + 1
    if IMPORT_START.match(data, line_start):
        return line_start
    keyword = data.rfind(b"import", 0, line_start)
    start = data.rfind(b"\n", 0, keyword) + 1
    if keyword < 0 or not IMPORT_START.match(data, start):
        return -1
    opened = data.find(b"(", keyword, position)
    return start if opened >= 0 and data.find(b")", opened, position) < 0 else -1


def occurrences(data: bytes, needle: bytes) -> Iterator[int]:
    position = data.find(needle)
    while position >= 0:
        yield position
        position = data.find(needle, position + 1)


def word_byte(data: bytes, position: int) -> bool:
    return 0 <= position < len(data) and (data[position] == 0x5F or chr(data[position]).isalnum())


def whole_word(data: bytes, start: int, end: int) -> bool:
    return not word_byte(data, start - 1) and not word_byte(data, end)


def in_comment(data: bytes, position: int) -> bool:
    """Whether `position` is in a comment: after a `#` on its line, with no quote before that `#` (a
    reference can hide in a string, not in a comment)."""
    start = data.rfind(b"\n", 0, position) + 1
    hash_at = data.find(b"#", start, position)
    return hash_at >= 0 and b'"' not in data[start:hash_at] and b"'" not in data[start:hash_at]
