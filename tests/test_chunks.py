"""`refactor.reading.chunks` and partial parsing: top-level defs and classes that mention nothing a search is about
are left unparsed, and facts parsed that way are parsed again when a later search needs more.

Real sources parsed with `ast`; real repositories in tmp_path for the inventory and the cache.
"""

from __future__ import annotations

import ast
import textwrap

import pytest

from refactor.analysis.inventory import take_inventory
from refactor.analysis.project import Project
from refactor.planfile import load_plan
from refactor.reading import reader
from refactor.reading.chunks import Focus, blank, top_level_chunks
from refactor.reading.files import discover
from refactor.reading.parse import extract_file, refresh_file
from refactor.reading.reader import Reader
from tests.helpers import write_plan, write_tree


def _source(text: str) -> bytes:
    return textwrap.dedent(text).lstrip("\n").encode()


def _defs(data: bytes) -> list[tuple[str | None, str, int]]:
    return [(c.kind, c.name, c.line) for c in top_level_chunks(data)]


# -- the scan -----------------------------------------------------------------------------------------

def test_chunks_are_defs_classes_and_runs_of_other_statements():
    data = _source('''
        """Doc."""
        import os

        X = 1


        @decorator
        @other(1)
        def first():
            return os.sep


        async def second():
            pass
        class Third(Base):
            y = 2
        print(X)
        ''')
    tree = ast.parse(data)
    assert _defs(data) == [(None, "", 0), ("def", "first", tree.body[3].lineno), ("def", "second", tree.body[4].lineno),
                           ("class", "Third", tree.body[5].lineno), (None, "", 0)]
    chunks = top_level_chunks(data)
    assert b"".join(data[c.start:c.end] for c in chunks) == data   # nothing lost, nothing twice
    assert data[chunks[1].start:].startswith(b"@decorator")        # decorators belong to their def


def test_column_zero_text_inside_strings_continuations_and_brackets_starts_nothing():
    data = _source('''
        def usage():
            return """
        def not_a_function():
        class NotAClass:
        """


        def joined():
            x = 1 + \\
        2
            return x


        CONFIG = dict(
            a=1,
        )
        # a comment with """ in it
        def last():
            pass
        ''')
    # a def with a line in column 0 (in a string, a continuation) is never left out: it is not a def here
    assert [(k, n) for k, n, _ in _defs(data) if k] == [("def", "last")]
    assert [data[c.start:c.end].split(b"(")[0] for c in top_level_chunks(data)][:2] == [b"def usage", b"def joined"]


def test_a_misjudged_string_never_costs_a_binding():
    # each '"""' opens a triple-quoted string to the scan: `g` seems inside one, and its chunk merges with `f`'s
    data = _source('''
        def f(src):
            return src.startswith('"""')


        def g():
            return '"""'


        def h():
            return 2
        ''')
    whole = extract_file("m.py", "m", False, data)
    part = extract_file("m.py", "m", False, data, Focus(["Nothing"]))
    assert part.bindings == whole.bindings and part.skipped


@pytest.mark.parametrize("data", [
    pytest.param(b"def f():\r    pass\rdef g():\r    pass\r", id="lone-carriage-returns"),
    pytest.param(b'def f():\n    return """never closed\ndef g():\n    pass\n', id="unclosed-triple-quote"),
])
def test_a_scan_it_cannot_trust_finds_nothing(data):
    assert top_level_chunks(data) == []


def test_crlf_sources_are_scanned():
    data = b"import a\r\n\r\ndef f():\r\n    return a\r\n\r\nclass C:\r\n    pass\r\n"
    assert [(k, n, line) for k, n, line in _defs(data) if k] == [("def", "f", 3), ("class", "C", 6)]


def test_blank_keeps_every_line_number():
    data = _source("""
        import a


        def f():
            return 1


        def g():
            return a.b
        """)
    skipped = [c for c in top_level_chunks(data) if c.name == "f"]
    shortened = blank(data, skipped)
    assert shortened.count(b"\n") == data.count(b"\n")
    assert shortened.splitlines()[8] == b"    return a.b"
    assert b"return 1" not in shortened


# -- what a focus leaves out ---------------------------------------------------------------------

CONSUMER = _source('''
    """A consumer of the family, among unrelated code."""
    import json
    from app.core import Engine
    from app.alias import OldEngine as Motor
    from app.compatibility import legacy
    import app.compatibility.shim as cp

    engine = Engine()


    def unrelated(data):
        return json.dumps(data)


    def uses_the_name():
        return Engine()


    def uses_the_local_name():
        return Motor()


    def uses_the_module():
        return legacy.build()


    def uses_the_module_alias():
        return cp.make()


    def lazy_import():
        from app.compatibility.legacy import build
        return build()


    def patches():
        return "app.compatibility.legacy.build"


    class Unrelated:
        def method(self):
            return self


    def __getattr__(name):
        raise AttributeError(name)
    ''')


def _skipped(focus: Focus, data: bytes = CONSUMER) -> set[str]:
    return {c.name for c in focus.skippable(data, top_level_chunks(data))}


def test_a_focus_on_names_leaves_out_what_does_not_mention_them():
    focus = Focus(["Engine"])
    assert _skipped(focus) == {"unrelated", "uses_the_module", "uses_the_module_alias", "lazy_import", "patches",
                               "Unrelated"}
    # `Motor` is bound to a word on a top-level line, and `engine` too: both are looked for


def test_a_focus_on_modules_keeps_their_dotted_path_and_local_forms():
    focus = Focus([], [("compatibility", "legacy"), ("compatibility", "shim")])
    assert _skipped(focus) == {"unrelated", "uses_the_name", "uses_the_local_name", "Unrelated"}


def test_local_names_are_matched_as_whole_words():
    data = _source("""
        from pkg.core import Engine as E


        def mentions():
            return E()


        def only_inside_a_longer_word():
            EXTRA = 1
            return EXTRA
        """)
    assert _skipped(Focus(["Engine"]), data) == {"only_inside_a_longer_word"}


def test_a_module_getattr_is_never_left_out():
    assert "__getattr__" not in _skipped(Focus(["Nothing"]))


def test_a_focus_allows_facts_of_a_narrower_one_only_if_it_would_leave_out_as_much():
    narrow, wide = Focus(["Engine"]), Focus(["Engine"], [("compatibility", "legacy")])
    skipped = [(c.start, c.end) for c in narrow.skippable(CONSUMER, top_level_chunks(CONSUMER))]
    assert narrow.allows(CONSUMER, skipped)
    assert not wide.allows(CONSUMER, skipped)      # `uses_the_module` now matters
    assert Focus(["Engine", "Unheard"]).allows(CONSUMER, skipped)
    assert wide.covers(narrow) and not narrow.covers(wide)
    assert Focus(["Engine"]).covers(Focus(["OldEngine"]))   # where OldEngine is, Engine is


# -- facts --------------------------------------------------------------------------------------

def test_partial_facts_bind_every_top_level_name_and_keep_every_import():
    whole = extract_file("app/consumer.py", "app.consumer", False, CONSUMER)
    part = extract_file("app/consumer.py", "app.consumer", False, CONSUMER, Focus(["Engine"]))
    assert not whole.skipped and part.skipped
    assert part.bindings == whole.bindings
    assert part.toplevel == whole.toplevel
    assert set(whole.imported_modules) <= set(part.imported_modules)   # the lazy import in a skipped def too
    assert part.dynamic_names == whole.dynamic_names
    assert {c.name for c in part.classes} == set()                       # `Unrelated` was not parsed
    # what mentions the focus is the same in both
    assert [f for f in part.functions if f.name.startswith("uses_the_")] == \
        [f for f in whole.functions if f.name in ("uses_the_name", "uses_the_local_name")]
    assert part.imports == tuple(i for i in whole.imports if i.scope != "lazy_import")


def test_a_wrong_guess_falls_back_to_parsing_the_whole_file():
    # a def's body with a column-0 line inside brackets: the scan ends the def there, the shortened source
    # does not parse, and the whole file is parsed instead
    data = _source("""
        def f():
            return g(1,
        2)


        def uses():
            return Engine
        """)
    facts = extract_file("m.py", "m", False, data, Focus(["Engine"]))
    assert facts.error is None and not facts.skipped
    assert {f.name for f in facts.functions} == {"f", "uses"}


def test_a_syntax_error_in_a_skipped_def_is_found_when_the_file_is_parsed_whole():
    data = _source("""
        from pkg.core import Engine


        def broken(:
            pass
        """)
    assert extract_file("m.py", "m", False, data, Focus(["Engine"])).error is None
    assert "syntax error" in extract_file("m.py", "m", False, data).error


# -- in a repository --------------------------------------------------------------------------

FAMILY = {
    "pkg/__init__.py": "",
    "pkg/core.py": """
        class Engine:
            def start(self):
                return 1
        """,
    "pkg/hub.py": """
        from pkg.core import Engine

        Hub = Engine
        """,
    # parsed in the first round (it names Engine); its class names only `Hub`, which is found to be a
    # family name in that round: the second round must parse the class it first left out
    "pkg/user.py": """
        from pkg.core import Engine
        from pkg.hub import Hub


        def make():
            return Engine()


        class Thin(Hub):
            pass


        def unrelated():
            return 2
        """,
}


def test_a_name_found_later_brings_back_what_an_earlier_round_left_out(tmp_path):
    write_tree(tmp_path, FAMILY)
    plan = load_plan(write_plan(tmp_path / "plan.toml", name="engine", root=".", packages=["pkg"],
                                canonical="pkg.core:Engine", family=["*Engine*"]))
    project = Project.load(plan.root, cache=False)
    inventory = take_inventory(project, plan)
    assert inventory.get("pkg.user", "Thin").kind == "wrapper"
    facts = project.parse(["pkg/user.py"])["pkg/user.py"]
    assert facts.skipped and facts.class_named("Thin") is not None   # `unrelated` is still left out


def test_cached_partial_facts_serve_a_narrower_focus_and_not_a_wider_one(tmp_path):
    write_tree(tmp_path, FAMILY)
    files = discover(tmp_path)
    first = Reader(tmp_path, files, jobs=1)
    first.facts(["pkg/user.py"], full=True, focus=Focus(["Engine"]))
    assert first.parsed == 1
    again = Reader(tmp_path, files, jobs=1)
    facts = again.facts(["pkg/user.py"], full=True, focus=Focus(["Engine"]))["pkg/user.py"]
    assert again.parsed == 0 and facts.skipped
    wider = again.facts(["pkg/user.py"], full=True, focus=Focus(["Engine", "Hub"]))["pkg/user.py"]
    assert again.parsed == 1 and wider.class_named("Thin") is not None
    whole = Reader(tmp_path, files, jobs=1).facts(["pkg/user.py"], full=True)["pkg/user.py"]
    assert not whole.skipped and whole.function_named("unrelated") is not None


def test_facts_found_to_serve_a_wider_focus_are_cached_as_serving_it(tmp_path, monkeypatch):
    write_tree(tmp_path, FAMILY)
    files = discover(tmp_path)
    narrow, wider = Focus(["Engine"]), Focus(["Engine"], [("pkg", "hub")])   # `pkg.hub` is named, not in a def
    first = Reader(tmp_path, files, jobs=1)
    held = first.facts(["pkg/user.py"], full=True, focus=narrow)
    facts = first.facts(["pkg/user.py"], full=True, focus=wider, held=held)["pkg/user.py"]
    assert first.parsed == 1 and facts.skipped            # checked against the wider focus, not parsed again
    del first                                             # (what it learnt is written when it goes away)
    checked = []
    monkeypatch.setattr(reader, "refresh_file", lambda *args: checked.append(args) or refresh_file(*args))
    again = Reader(tmp_path, files, jobs=1)
    cached = again.facts(["pkg/user.py"], full=True, focus=wider)["pkg/user.py"]
    assert again.parsed == 0 and not checked             # the cache says so: not even checked again
    assert cached.skipped == facts.skipped and Focus(*cached.focus).covers(wider)


def test_a_line_that_only_names_a_package_binds_only_what_can_be_the_module():
    data = _source("""
        import importlib
        import app as application
        from app.core import Engine
        from app import legacy
        x = app.Symbol("x")
        mod = importlib.import_module("app.legacy")


        def through_a_name_from_the_package():
            return Engine(x)


        def through_the_package_alias():
            return application.legacy.build()


        def through_the_module_name():
            return legacy.build()


        def through_the_imported_module():
            return mod.build()
        """)
    assert _skipped(Focus([], [("app", "legacy")]), data) == {"through_a_name_from_the_package"}


def test_a_run_asking_for_a_narrow_then_a_wider_search_parses_nothing_the_next_time(tmp_path):
    """Each run asks for `pkg/user.py`'s facts for `Engine`, then for `Engine` and `Hub` (holding the first
    facts): both are kept, so the next run, asking the same, parses nothing and gets the same facts."""
    write_tree(tmp_path, FAMILY)
    files = discover(tmp_path)
    narrow, wider = Focus(["Engine"]), Focus(["Engine", "Hub"])

    def one_run():
        reader = Reader(tmp_path, files, jobs=1)
        first = reader.facts(["pkg/user.py"], full=True, focus=narrow)
        second = reader.facts(["pkg/user.py"], full=True, focus=wider, held=first)
        return reader.parsed, first["pkg/user.py"], second["pkg/user.py"]

    parsed, first, second = one_run()
    assert parsed == 2 and first.skipped != second.skipped
    for _ in range(2):
        again, narrow_facts, wider_facts = one_run()
        assert again == 0
        assert (narrow_facts.to_tuple(), wider_facts.to_tuple()) == (first.to_tuple(), second.to_tuple())
