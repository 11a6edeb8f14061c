"""elision: which statements LibCST reads, how masked lines come back, and the engine's fallback."""

from __future__ import annotations

import ast

from codemod_cases import run, src

from codemods.framework.elision import elide

WORDS = {"AppSettings", "legacy", "Settings"}


def masked_lines(text: str, words=WORDS) -> list[str]:
    view = elide(text, words)
    assert view is not None
    lines = text.splitlines()
    return [lines[number - 1].strip() for number in view.masked]


def test_statements_naming_no_word_are_masked_inside_definitions_only() -> None:
    text = src("""
        import os
        from app.legacy import AppSettings

        TIMEOUT = os.environ.get("T")


        def build():
            value = compute()
            other = value + 1
            return AppSettings(other)


        class Holder:
            size = 3

            def grow(self):
                self.size += 1
                return self.size
    """)
    view = elide(text, WORDS)
    assert masked_lines(text) == ["value = compute()", "other = value + 1", "size = 3",
                                  "def grow(self):", "self.size += 1", "return self.size"]
    assert len(view.text.splitlines()) == len(text.splitlines())
    ast.parse(view.text)
    assert "__elided__()  # refactor-elided:" in view.text  # a masked run stands as one statement
    assert view.restore(view.text) == text


def test_what_an_anchor_binds_stays_in_view_within_its_scope() -> None:
    text = src("""
        import importlib


        def check(obj):
            module = importlib.import_module("app.legacy")
            unrelated = 1
            info = getattr(module, "ConnectionInfo")
            return info


        def elsewhere(module):
            return module.name
    """)
    assert masked_lines(text) == ["unrelated = 1", "return info", "return module.name"]


def test_imports_an_anchor_binds_or_a_removable_part_uses_stay_in_view_everywhere() -> None:
    # an edit can remove a `try`'s handlers (or an emptied `if` with its condition), not a call's argument
    text = src("""
        from app.legacy import AppSettings, helper
        import json
        import logging


        def build():
            try:
                from app.legacy import AppSettings
            except ImportError:
                logging.warning("no settings")
            return AppSettings(json.dumps({}))


        def use():
            helper()
            logging.info("x")
            json.loads("{}")
    """)
    assert masked_lines(text) == ['json.loads("{}")']


def test_lines_shared_with_a_header_or_a_statement_that_stays_are_not_masked() -> None:
    text = src("""
        def one(): return 1


        def two():
            a = 1; b = AppSettings
            if a: c = 2
            elif b:
                d = 3
            else:
                e = 4
            return b
    """)
    assert masked_lines(text) == ["d = 3", "else:", "e = 4"][:1] + ["e = 4"]
    ast.parse(elide(text, WORDS).text)


def test_no_view_for_star_imports_unparsable_code_or_nothing_to_mask() -> None:
    assert elide("from app.legacy import *\n\ndef f():\n    x = 1\n", WORDS) is None
    assert elide("def f(:\n    x = 1\n", WORDS) is None
    assert elide("from app.legacy import AppSettings\n\nx = AppSettings\n", WORDS) is None


def test_restore_refuses_an_edit_that_removed_moved_or_reindented_a_masked_line() -> None:
    text = src("""
        def build():
            first = 1
            second = 2
            return AppSettings(first)
    """)
    view = elide(text, WORDS)
    lines = view.text.splitlines(keepends=True)
    assert view.restore("".join(lines).replace("AppSettings", "Settings")) == text.replace(
        "AppSettings", "Settings")
    assert view.restore("".join(lines[:1] + lines[2:])) is None            # removed
    assert view.restore("".join([lines[0], lines[2], lines[1], lines[3]])) is None  # moved
    assert view.restore("".join([lines[0], lines[1].lstrip(), *lines[2:]])) is None  # re-indented


def test_an_edit_reaching_a_masked_line_edits_the_whole_file() -> None:
    # the collapsed try's `else:` block moves out of it, re-indented: its masked statement with it
    text = src("""
        def build():
            try:
                from app.legacy import AppSettings
            except ImportError:
                AppSettings = None
            else:
                prepare()
            return AppSettings
    """)
    view = elide(text, WORDS)
    assert view is not None and [text.splitlines()[n - 1].strip() for n in view.masked] == ["prepare()"]
    viewed, whole = run(text), run(text, views=False)
    assert viewed == whole
    assert viewed.new_text == src("""
        def build():
            from app.settings import Settings
            prepare()
            return Settings
    """)


def test_a_handler_that_does_more_than_rebind_keeps_its_try_in_the_view_too() -> None:
    text = src("""
        def build():
            try:
                from app.legacy import AppSettings
            except ImportError:
                log()
                AppSettings = None
            return AppSettings
    """)
    viewed = run(text)
    assert viewed == run(text, views=False)
    assert "except ImportError:\n        log()" in (viewed.new_text or "")


def test_a_masked_run_reads_and_binds_the_imported_names_it_did() -> None:
    # `main`'s body is masked; without its read of `sys`, the second `import sys` looks unused (the first
    # is read at module level), and the unused-import edit this stage triggers would remove it
    text = src("""
        import json
        import sys
        from app import legacy

        sys.path.insert(0, ".")


        def build():
            return legacy.AppSettings()


        if __name__ == "__main__":
            import sys

            def main():
                print(sys.argv)
                json = None
    """)
    view = elide(text, WORDS, {"legacy"})
    assert "        __elided__(sys)  # refactor-elided:" in view.text
    assert "        json = __elided__()  # refactor-elided:" in view.text
    viewed = run(text)
    assert viewed == run(text, views=False)
    assert "    import sys\n" in (viewed.new_text or "")
