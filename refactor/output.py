"""Where the command line's output goes, following git, Black and Ruff: on a terminal, colour, tables
fitted to its width and a live progress line; elsewhere (a pipe, a file, a CI log) plain lines that are
never wrapped, tables at their natural width, and progress as one line per phase on stderr.
`NO_COLOR` and `FORCE_COLOR` are honoured (by rich)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console

_UNWRAPPED = 100_000   # the width of a pipe: no line is ever cut


def make_console(*, stderr: bool = False) -> Console:
    console = Console(highlight=False, stderr=stderr)
    if console.is_terminal:
        return console
    return Console(highlight=False, stderr=stderr, width=_UNWRAPPED, soft_wrap=True)


@contextmanager
def progress(console: Console, first: str = "starting") -> Iterator[Callable[[str], None]]:
    """A function that shows what is being done now: a spinner line on a terminal (it pauses while the
    caller prints, see `Paused`), else one line per message on stderr (a repeated message is not printed
    twice in a row)."""
    if console.is_terminal:
        status = console.status(first, spinner="dots")
        with status:
            yield _Live(status)
        return
    errors = make_console(stderr=True)
    last = [None]

    def say(message: str) -> None:
        if message != last[0]:
            last[0] = message
            errors.print(f"refactor: {message}", markup=False)
            sys.stderr.flush()

    yield say


class _Live:
    """A live status line that the caller can pause around its own output."""

    def __init__(self, status) -> None:
        self.status = status

    def __call__(self, message: str) -> None:
        self.status.update(message)

    @contextmanager
    def paused(self) -> Iterator[None]:
        self.status.stop()
        try:
            yield
        finally:
            self.status.start()


@contextmanager
def paused(show: Callable[[str], None]) -> Iterator[None]:
    """Print around a progress display without mixing with it."""
    if isinstance(show, _Live):
        with show.paused():
            yield
    else:
        yield


def counted(number: int, word: str, plural: str | None = None) -> str:
    """`1 stage`, `2 stages`, `1,204 sites`."""
    return f"{number:,} {word if number == 1 else plural or word + 's'}"


JSON_SCHEMA = 1   # the version of every `--json` document (docs/json.md); raised when a field changes meaning


def emit_json(console: Console, kind: str, data: dict) -> None:
    """One JSON document: `{"schema": 1, "kind": ..., ...data}`; coloured on a terminal, else plain."""
    text = json.dumps({"schema": JSON_SCHEMA, "kind": kind, **data}, indent=2, ensure_ascii=False)
    if console.is_terminal:
        console.print_json(text)
    else:
        console.out(text, highlight=False)
