"""Carry a stage's edits out on a tree: read the files, run the codemods, write what they return.

`compute_edits` is side-effect free (it reads); `write_edits` is the only function that writes.
A file's BOM and line endings are kept as they were.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from pathlib import Path

from codemods.engine import apply_edits
from codemods.framework.spec import FileContext, FileResult
from refactor.errors import RepositoryError
from refactor.planning.schedule import Stage
from refactor.planning.workspace import Workspace
from refactor.reading.parse import decode, source_encoding
from refactor.reading.workers import in_workers

_BOM = "\ufeff"


@dataclass(frozen=True)
class StageEdits:
    results: tuple[FileResult, ...]
    originals: tuple[tuple[str, str], ...]     # path -> original text (BOM included)
    encodings: tuple[tuple[str, str], ...] = ()   # path -> codec of a file not in UTF-8 (a PEP 263 line)
    raw: tuple[tuple[str, bytes], ...] = ()       # path -> the file's bytes as read

    @property
    def failures(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def changed(self) -> list[FileResult]:
        return [r for r in self.results if r.status in ("changed", "deleted")]

    @property
    def findings(self) -> list[str]:
        return [str(f) for r in self.results for f in r.findings]

    def new_text(self, result: FileResult) -> str | None:
        if result.new_text is None:
            return None
        original = dict(self.originals).get(result.path, "")
        return (_BOM + result.new_text) if original.startswith(_BOM) and not result.new_text.startswith(_BOM) \
            else result.new_text

    def encoded(self, result: FileResult) -> bytes:
        """The new text in the file's own encoding (a latin-1 file stays latin-1). Raises RepositoryError
        (one line) when the new text has a character that encoding cannot hold."""
        encoding = dict(self.encodings).get(result.path, "utf-8")
        try:
            return (self.new_text(result) or "").encode(encoding)
        except UnicodeEncodeError as exc:
            raise RepositoryError(f"{result.path}: the edited text cannot be written in the file's encoding "
                                  f"{encoding} ({exc.reason}: {exc.object[exc.start:exc.end]!r})") from None

    def diff(self) -> bytes:
        """A unified diff of every change, byte for byte as the files are and will be (their encoding, BOM,
        line endings and a missing last newline kept): what `git apply` and `patch -p1` take."""
        raw = dict(self.raw)
        out = []
        for result in sorted(self.changed, key=lambda r: r.path):
            before = _lines(raw.get(result.path, b""))
            after = [] if result.status == "deleted" else _lines(self.encoded(result))
            to = b"/dev/null" if result.status == "deleted" else b"b/" + result.path.encode("utf-8", "surrogateescape")
            name = b"a/" + result.path.encode("utf-8", "surrogateescape")
            for line in difflib.diff_bytes(difflib.unified_diff, before, after, name, to):
                out.append(line if line.endswith(b"\n") else line + b"\n\\ No newline at end of file\n")
        return b"".join(out)


def _lines(data: bytes) -> list[bytes]:
    """`data` cut after each `\\n` only (a `\\r`, form feed or other separator stays inside its line)."""
    lines = data.split(b"\n")
    out = [line + b"\n" for line in lines[:-1]]
    return out + [lines[-1]] if lines[-1] else out


def compute_edits(workspace: Workspace, stage: Stage) -> StageEdits:
    project = workspace.project
    contexts: dict[FileContext, str] = {}
    originals, encodings, raw = [], [], []
    paths = set(stage.files) | {project.by_module[m].path for m in stage.modules if m in project.by_module}
    failures = []
    for path in sorted(paths):
        source = project.by_path.get(path)
        if source is None:
            continue
        data = project.reader.data(path)
        raw.append((path, data))
        try:
            text = decode(data, path)
        except ValueError as exc:
            failures.append(FileResult(path, "failed", error=str(exc)))
            continue
        text = text.removeprefix(_BOM)   # decode() drops a UTF-8 BOM; it is put back on write
        originals.append((path, (_BOM + text) if data.startswith(b"\xef\xbb\xbf") else text))
        encoding = source_encoding(data)
        if encoding not in ("utf-8", "utf-8-sig"):
            encodings.append((path, encoding))
        contexts[FileContext(path, source.module, source.is_package)] = text
    spec = stage.edit_spec(keep_local_names=workspace.plan.keep_local_names)
    jobs = workspace.project.reader.jobs
    results = apply_edits(contexts, spec, map_in_workers=functools.partial(in_workers, jobs) if jobs > 1 else None)
    ordered = tuple(failures) + tuple(results[p] for p in sorted(results))
    return StageEdits(ordered, tuple(originals), tuple(encodings), tuple(raw))


def write_edits(root: Path, edits: StageEdits) -> list[str]:
    """Write changed files and delete deleted ones under `root`; return the paths touched."""
    encoded = {r.path: edits.encoded(r) for r in edits.changed if r.status != "deleted"}   # all, before writing
    touched = []
    for result in edits.changed:
        target = root / result.path
        if result.status == "deleted":
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(encoded[result.path])
        touched.append(result.path)
    return touched
