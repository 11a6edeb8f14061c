"""A file's second pass run on a guess of what every file's first pass will teach the stage, so the worker
process that holds the file's trees can finish it instead of sending its code on to be parsed again.

What the second pass reads of those lessons (`StageIndex.gone`, `gone_paths` and `local_renames`, see
`engine._learned`) is known only once every first pass is done. The guess: every module the stage may remove
goes (what the plan expects), and no file renamed anything in place. A file's guessed result stands when the
lessons agree with all its second pass read of them: the modules that go, exactly, and each question it asked
of the renames in place (`StageIndex.local_rename`, `string_names_in`), asked again of the lessons. Any other
read of `local_renames` cannot be checked that way: the result then does not stand. A file whose result
does not stand runs its second pass again, on the lessons, as it would without a guess.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from codemods.framework.context import StageIndex
from codemods.framework.spec import FileResult


@dataclass(frozen=True)
class Guessed:
    """A second pass's result on the guess, with what it read of the renames in place."""

    result: FileResult
    asked: dict[tuple[str, ...], object]   # question -> the guess's answer
    unchecked: bool                        # it read `local_renames` other than by a question


class _Unasked(Mapping):
    """The guess's renames in place (none), noting any read that is not one of `StageIndex`'s questions."""

    def __init__(self) -> None:
        self.read = False

    def __getitem__(self, key: object) -> str:
        self.read = True
        raise KeyError(key)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        self.read = True
        return iter(())

    def __len__(self) -> int:
        self.read = True
        return 0


def guessed_stage(stage: StageIndex, gone: frozenset[str], gone_paths: Mapping[str, str]) -> StageIndex:
    """`stage` as the guess has it, for one file's second pass (it keeps what that pass asks)."""
    return dataclasses.replace(stage, gone=gone, gone_paths=dict(gone_paths), local_renames=_Unasked(), asked={})


def guessed(stage: StageIndex, result: FileResult) -> Guessed:
    """The result a second pass gave on `guessed_stage`, with what it read."""
    renames = stage.local_renames
    return Guessed(result, dict(stage.asked or {}), not isinstance(renames, _Unasked) or renames.read)


def stands(guess: Guessed, learned: StageIndex) -> bool:
    """Whether the lessons answer every question the pass asked as the guess did (the modules that go are
    compared once for all files, by the caller)."""
    return not guess.unchecked and all(
        getattr(learned, question)(*arguments) == answer for (question, *arguments), answer in guess.asked.items())
