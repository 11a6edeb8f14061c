"""Relative imports, resolved and written: the one implementation the codemods and `refactor` share.

Pure Python (no LibCST): `refactor.reading` resolves the imports it reads with `ast` here too, and
codemods may import nothing from `refactor`, so it lives on this side.
"""

from __future__ import annotations


def package_of(module: str, is_package: bool) -> str:
    """The package relative imports start from: the module itself for a package's `__init__.py`."""
    return module if is_package else module.rpartition(".")[0]


def absolute_module(written: str, package: str) -> str:
    """`from <written> import ...` (`..pkg.mod`) made absolute in `package`; "" when it climbs above the
    root."""
    level = len(written) - len(written.lstrip("."))
    rest = written[level:]
    if level == 0:
        return rest
    parts = package.split(".") if package else []
    if level - 1 > len(parts) or (level - 1 == len(parts) and not rest):
        return ""
    base = parts[: len(parts) - (level - 1)]
    return ".".join(base + ([rest] if rest else []))


def written_module(module: str, level: int, package: str) -> str:
    """The inverse: what follows the `level` dots of a from-import in `package` that reads `module`."""
    if not level:
        return module
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - (level - 1)])
    return module[len(base) + 1:] if module.startswith(base + ".") else ""


def relative_form(target: str, package: str) -> tuple[int, str] | None:
    """(dots, rest) to write `target` relatively from `package`, when they share a top package."""
    here = package.split(".") if package else []
    parts = target.split(".")
    common = 0
    while common < min(len(here), len(parts)) and here[common] == parts[common]:
        common += 1
    if common == 0:
        return None
    return len(here) - common + 1, ".".join(parts[common:])
