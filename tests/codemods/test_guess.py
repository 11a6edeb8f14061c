"""A worker runs a file's second pass on a guess of what every first pass teaches the stage
(`framework.guess`): where the guess stands for a file the worker finishes it; where it does not, the file's
second pass runs again in a second round. Either way the results are those of the passes run together."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from codemod_cases import SPEC

from codemods import engine
from codemods.engine import apply_edits
from codemods.framework.context import StageIndex
from codemods.framework.guess import guessed, guessed_stage, stands
from codemods.framework.spec import FileContext, FileResult

COMPAT_KEPT = {"app/compat.py": "KEEP = 1\n"}   # a module the stage may remove, but it keeps substance


def _files(texts: dict[str, str]) -> dict[FileContext, str]:
    return {FileContext(path, path.removesuffix(".py").replace("/", ".")): text for path, text in texts.items()}


def _apart(files, spec, monkeypatch) -> tuple[dict[str, FileResult], dict[str, list[str]]]:
    """The passes run apart, as in worker processes (items and results pickled), checked against the passes
    run together; with the paths each round's function was given."""
    monkeypatch.setattr(engine, "_PARALLEL_FILES", 1)
    rounds: dict[str, list[str]] = {}

    def in_processes(function, items):
        rounds[function.__name__] = [item[0].path for item in items]
        return [pickle.loads(pickle.dumps(function(pickle.loads(pickle.dumps(item))))) for item in items]

    apart = apply_edits(files, spec, map_in_workers=in_processes)
    assert apart == apply_edits(files, spec)
    return apart, rounds


def test_where_the_guess_stands_the_worker_finishes_the_file(monkeypatch) -> None:
    files = _files({"app/a.py": "from app.legacy import AppSettings\n\nx = AppSettings\n",
                    "app/b.py": "from unittest import mock\n\nmock.patch('app.other.AppSettings')\n"})
    results, rounds = _apart(files, SPEC, monkeypatch)
    assert results["app/a.py"].new_text == "from app.settings import Settings\n\nx = Settings\n"
    assert rounds["_first_worker"] == ["app/a.py", "app/b.py"] and rounds["_second_worker"] == []


def test_a_module_that_stays_against_the_guess_sends_every_file_to_the_second_round(monkeypatch) -> None:
    spec = dataclasses.replace(SPEC, removable_modules=("app.compat",))
    files = _files({"app/a.py": "from app.legacy import AppSettings\n\nx = AppSettings\n", **COMPAT_KEPT})
    results, rounds = _apart(files, spec, monkeypatch)
    assert results["app/a.py"].new_text == "from app.settings import Settings\n\nx = Settings\n"
    assert results["app/compat.py"].status == "unchanged"
    assert rounds["_second_worker"] == ["app/a.py", "app/compat.py"]


def test_a_file_that_asked_about_a_rename_in_place_runs_its_second_pass_again(monkeypatch) -> None:
    # app.a renames its module-level `AppSettings` to `Settings`: the patch string naming it follows, which the
    # guess (no rename in place) did not know
    files = _files({"app/a.py": "from app.legacy import AppSettings\n\nsettings = AppSettings()\n",
                    "app/b.py": "from unittest import mock\n\nmock.patch('app.a.AppSettings')\n"})
    results, rounds = _apart(files, SPEC, monkeypatch)
    assert results["app/b.py"].new_text == "from unittest import mock\n\nmock.patch('app.a.Settings')\n"
    assert rounds["_second_worker"] == ["app/b.py"]


def _guess(asked: dict) -> object:
    stage = guessed_stage(StageIndex.build(SPEC), frozenset(), {})
    for question, arguments in asked.items():
        getattr(stage, question)(*arguments)
    return guessed(stage, FileResult("app/b.py", "unchanged", ""))


def test_a_guess_stands_where_the_lessons_answer_its_questions_alike() -> None:
    learned = dataclasses.replace(StageIndex.build(SPEC), local_renames={("app.a", "AppSettings"): "Settings"})
    asked_about_c = _guess({"local_rename": ("app.c", "AppSettings")})
    asked_about_a = _guess({"local_rename": ("app.a", "AppSettings")})
    assert asked_about_c.asked == {("local_rename", "app.c", "AppSettings"): None}
    assert stands(asked_about_c, learned) and not stands(asked_about_a, learned)
    # which words of a file's strings name what the stage changes: the same unless a name renamed in place is one
    words = _guess({"string_names_in": (frozenset({"AppSettings", "Alias", "mock"}),)})
    assert words.asked == {("string_names_in", frozenset({"AppSettings", "Alias", "mock"})): {"AppSettings"}}
    assert stands(words, learned)
    assert stands(words, dataclasses.replace(learned, local_renames={("app.a", "Other"): "Settings"}))
    assert not stands(words, dataclasses.replace(learned, local_renames={("app.a", "Alias"): "Settings"}))


def test_a_guess_whose_pass_read_the_renames_in_place_directly_does_not_stand() -> None:
    stage = guessed_stage(StageIndex.build(SPEC), frozenset(), {})
    assert stage.local_renames.get(("app.a", "AppSettings")) is None
    guess = guessed(stage, FileResult("app/b.py", "unchanged", ""))
    assert guess.unchecked and guess.asked == {}
    assert not stands(guess, StageIndex.build(SPEC))


def _parses(monkeypatch) -> list[str]:
    import libcst

    parsed, real = [], libcst.parse_module

    def counting(source, *args, **kwargs):
        parsed.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(libcst, "parse_module", counting)
    return parsed


@pytest.mark.parametrize("guess_stands", [True, False])
def test_a_second_pass_with_nothing_to_edit_parses_nothing_again(monkeypatch, guess_stands: bool) -> None:
    # where the guess stands the worker holds the trees; in a second round the second pass parses the edited
    # code, and the original, only for an edit of its own
    spec = SPEC if guess_stands else dataclasses.replace(SPEC, removable_modules=("app.compat",))
    others = {} if guess_stands else COMPAT_KEPT
    text = "from app.legacy import AppSettings\n\nx = AppSettings\n"
    parsed = _parses(monkeypatch)
    results, _ = _apart(_files({"app/consumer.py": text, **others}), spec, monkeypatch)
    assert results["app/consumer.py"].status == "changed"
    assert [source for source in parsed if "KEEP" not in source] == [text] * 2   # (apart, then together)
    module = "from app import legacy\n\nx = legacy.AppSettings\n"   # (`legacy` may go unused: an edit of its own)
    parsed.clear()
    results, _ = _apart(_files({"app/consumer.py": module, **others}), spec, monkeypatch)
    assert results["app/consumer.py"].new_text == "from app import settings\n\nx = settings.Settings\n"
    apart = [source for source in parsed if "KEEP" not in source][:-1]   # (the last: the passes run together)
    if guess_stands:
        assert apart == [module]
    else:
        assert len(apart) == 2 and apart[0] == module and "settings.Settings" in apart[1]
