"""One file's bytes to its `FileFacts`: decoded (BOM, PEP 263), parsed in part when a search allows
(`chunks`), by `ast` (`extract`), or through LibCST when the syntax is newer than this Python (`lowering`)."""

from __future__ import annotations

import ast
import dataclasses
import io
import tokenize
import warnings

from refactor.reading.chunks import Focus, blank, top_level_chunks
from refactor.reading.extract import facts_from_source, imported_modules, with_skipped
from refactor.reading.facts import FileFacts


def source_encoding(data: bytes) -> str:
    """The codec Python reads these source bytes with (a BOM, a PEP 263 coding line, else UTF-8).
    Raises SyntaxError or LookupError for a coding line that names no codec."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return encoding


def decode(data: bytes, path: str) -> str:
    """Source bytes to text, honouring a BOM and a PEP 263 coding line. Raises ValueError("path:line: ...")."""
    try:
        return data.decode(source_encoding(data))
    except (SyntaxError, LookupError) as exc:
        raise ValueError(f"{path}:1: cannot decode: {exc}") from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ValueError(f"{path}:{line}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None


def extract_file(path: str, module: str, is_package: bool, data: bytes, focus: Focus | None = None) -> FileFacts:
    """Full facts for one file; a file that cannot be read or parsed gives facts with `error` set. With a
    `focus`, top-level defs and classes that mention none of its words are left unparsed (`skipped`), and
    the facts say what they were parsed for (`FileFacts.focus`), whether or not anything was left out."""
    facts = _extract(path, module, is_package, data, focus)
    return dataclasses.replace(facts, focus=focus.key()) if focus and not facts.focus else facts


def _extract(path: str, module: str, is_package: bool, data: bytes, focus: Focus | None) -> FileFacts:
    try:
        text = decode(data, path)
    except ValueError as exc:
        return FileFacts(path=path, module=module, is_package=is_package, full=True, error=str(exc))
    skip = focus.skippable(data, top_level_chunks(data)) if focus else []
    if skip:
        try:
            shortened = decode(blank(data, skip), path)
            imported = imported_modules(module, is_package, b"\n".join(data[c.start:c.end] for c in skip),
                                        continued=True)
            return with_skipped(facts_from_source(shortened, path, module, is_package), skip, imported, focus.key())
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass   # a statement boundary guessed wrong, or an error to report: the whole file decides
    try:
        return facts_from_source(text, path, module, is_package)
    except SyntaxError as exc:
        first_error = f"{path}:{exc.lineno or 1}: syntax error: {exc.msg}"
    except (ValueError, RecursionError, MemoryError) as exc:
        first_error = f"{path}:1: cannot parse: {exc}"
    import libcst  # only for syntax newer than this interpreter: keep it off the common path

    from refactor.reading.lowering import lower
    try:
        lowered = lower(text)
        return facts_from_source(lowered, path, module, is_package, parser="libcst")
    except (libcst.ParserSyntaxError, SyntaxError, ValueError, RecursionError):
        return FileFacts(path=path, module=module, is_package=is_package, full=True, error=first_error)


def whole_error(path: str, is_package: bool, data: bytes) -> str:
    """"" when the file parses whole, else its problem as `extract_file` words it (`path:line: ...`).
    Python's parser decides alone when it can read the file (no facts are built: half the time)."""
    try:
        text = decode(data, path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        return ""
    except (SyntaxError, ValueError, RecursionError, MemoryError):   # (newer syntax, or the words of the error)
        return extract_file(path, "", is_package, data).error or ""


def refresh_file(path: str, module: str, is_package: bool, data: bytes, focus: Focus,
                 held: tuple[tuple[int, int], ...]) -> FileFacts | None:
    """None when facts of `data` that left the byte ranges `held` unparsed serve `focus` as well (it
    would leave them out too); else facts parsed for `focus`."""
    if focus.allows(data, held):
        return None
    return extract_file(path, module, is_package, data, focus)
