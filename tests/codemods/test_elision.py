"""elision: which statements LibCST reads, how masked lines come back, and the engine's fallback."""

from __future__ import annotations

import ast

from codemod_cases import run, src

from codemods.framework.elision import Words, elide

# as for a stage that renames app.legacy.AppSettings to Settings and deletes it from `legacy`
WORDS = Words(frozenset({"AppSettings", "Settings"}), frozenset({"legacy", "settings"}))


def masked_lines(text: str, words: Words = WORDS) -> list[str]:
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
    assert masked_lines(text) == ["value = compute()", "other = value + 1", "size = 3", "",
                                  "def grow(self):", "self.size += 1", "return self.size"]
    ast.parse(view.text)
    shown = view.text.splitlines()
    assert shown[7].startswith("    __elided__()  # refactor-elided:")  # a masked run stands as one line
    assert shown[12].startswith("    __elided__()  # refactor-elided:")
    assert len(shown) == len(text.splitlines()) - 5
    assert [view.original_line(n) for n in (7, 8, 9, 10, 12, 13)] == [7, 8, 10, 11, 13, 14]
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


def test_imports_read_only_by_masked_statements_stay_used() -> None:
    # `helper`, imported beside the renamed name, and `logging`, read by the handler the collapse removes,
    # are read elsewhere only by masked statements: their placeholders read them, so neither import goes
    text = src("""
        import logging

        from app.legacy import AppSettings, helper


        def build():
            try:
                from app.legacy import AppSettings
            except ImportError:
                logging.warning("no settings")
                AppSettings = None
            return AppSettings


        def use():
            helper()
            logging.info("x")
    """)
    view = elide(text, WORDS)
    assert "    __elided__(helper, logging)  # refactor-elided:" in view.text
    viewed = run(text)
    assert viewed == run(text, views=False)
    assert "import logging\n" in (viewed.new_text or "") and "import helper\n" in (viewed.new_text or "")


def test_a_module_word_counts_in_strings_imports_and_reads_through_an_import_only() -> None:
    text = src("""
        import app


        def build(self):
            legacy = 3
            self.legacy = legacy
            app.legacy.prepare()
            patch("app.legacy.helper")
            return self


        def load():
            from app import legacy
            return legacy.helper()
    """)
    assert masked_lines(text) == ["legacy = 3", "self.legacy = legacy", "return self"]


def test_a_string_naming_a_module_counts_however_its_source_writes_it() -> None:
    # (escapes, literals side by side across a comment, a prefix: the value holds `app.legacy`, the
    # source does not write it out; the walk looks into a statement only where its lines may)
    text = src("""
        def build():
            first = 1
            patch("app.\\x6cegacy.helper")
            second = 2
            patch("app.leg"   # split
                  "acy.helper")
            third = 3
            patch("app.leg" f"acy.{first}")
            fourth = 4
            patch("app.le\\
        gacy.helper")
            fifth = 5
            patch("app.other", "legacies", 'legacy_not')
            return first
    """)
    assert masked_lines(text) == ["first = 1", "second = 2", "third = 3", "fourth = 4",
                                  'fifth = 5', 'patch("app.other", "legacies", \'legacy_not\')', "return first"]


def test_an_attribute_read_naming_a_module_as_python_normalizes_it_counts() -> None:
    text = src("""
        import app


        def build():
            first = 1
            app.\uff4c\uff45\uff47\uff41\uff43\uff59.prepare()
            return first
    """)
    assert masked_lines(text) == ["first = 1", "return first"]


def test_a_module_a_name_is_imported_through_counts_in_imports_only() -> None:
    words = Words(frozenset({"AppSettings", "Settings"}), frozenset({"settings"}), frozenset({"legacy"}))
    text = src("""
        def build():
            value = "app.legacy.helper"
            return AppSettings


        def load():
            from app import legacy
            return legacy.AppSettings
    """)
    assert masked_lines(text, words) == ['value = "app.legacy.helper"']


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
    # `a = 1` shares its line with an anchor, so it counts as one and binds `a`; `if a: c = 2` is on one line
    assert masked_lines(text) == ["d = 3", "e = 4"]
    ast.parse(elide(text, WORDS).text)


def test_no_view_for_star_imports_unparsable_code_or_nothing_to_mask() -> None:
    assert elide("from app.legacy import *\n\ndef f():\n    x = 1\n", WORDS) is None
    assert elide("def f(:\n    x = 1\n", WORDS) is None
    assert elide("from app.legacy import AppSettings\n\nx = AppSettings\n", WORDS) is None


def test_restore_refuses_an_edit_that_removed_reordered_or_changed_a_placeholder() -> None:
    text = src("""
        def build():
            first = 1
            second = 2
            value = AppSettings(first)
            third = 3
            return value
    """)
    view = elide(text, WORDS)
    lines = view.text.splitlines(keepends=True)
    assert len(lines) == 5 and "__elided__" in lines[1] and "__elided__" in lines[3]
    assert view.restore("".join(lines).replace("AppSettings", "Settings")) == text.replace(
        "AppSettings", "Settings")
    assert view.restore("".join(lines[:1] + lines[2:])) is None                               # removed
    assert view.restore("".join([lines[0], lines[3], lines[2], lines[1], lines[4]])) is None  # reordered
    assert view.restore("".join([lines[0], lines[1], *lines[1:]])) is None                    # repeated
    assert view.restore("".join([lines[0], lines[1].lstrip(), *lines[2:]])) is None           # re-indented


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
    view = elide(text, WORDS)
    assert "        json = __elided__(sys)  # refactor-elided:" in view.text
    viewed = run(text)
    assert viewed == run(text, views=False)
    assert "    import sys\n" in (viewed.new_text or "")


def test_a_masked_run_that_writes_an_imported_name_as_python_normalizes_it_still_reads_it() -> None:
    # (`ｓｙｓ` in full-width letters is the name `sys` to Python: NFKC)
    text = src("""
        import sys
        from app import legacy


        def build():
            print(\uff53\uff59\uff53.argv)
            return legacy.AppSettings()
    """)
    view = elide(text, WORDS)
    assert "    __elided__(sys)  # refactor-elided:" in view.text


def test_a_local_name_an_import_gives_a_renamed_name_stays_in_view() -> None:
    text = src("""
        def build():
            from app.legacy import AppSettings as Loaded
            value = Loaded()
            return value


        def other():
            return 1
    """)
    assert masked_lines(text) == ["return value", "return 1"]
    viewed = run(text)
    assert viewed == run(text, views=False) and "value = Settings()" in (viewed.new_text or "")


def test_line_numbers_in_findings_and_their_messages_are_the_files() -> None:
    # the masked run (two lines) stands as one line: line 7 is line 6 of the view
    text = src("""
        from app.legacy import AppSettings


        def build():
            first = 1
            second = 2
            from app.other import AppSettings
            assert AppSettings is not None
            from app.legacy import (
                AppSettings,
            )
            return AppSettings


        def use():
            return AppSettings
    """)
    view = elide(text, WORDS)
    assert view is not None and view.runs == ((5, 6),)
    viewed = run(text)
    assert viewed == run(text, views=False)
    assert [str(f) for f in viewed.findings] == [
        "app/consumer.py:1: cannot rename AppSettings: also bound at line 7"]


def test_a_placeholder_binds_no_name_declared_global() -> None:
    text = src("""
        import json
        from app.legacy import AppSettings


        def reset():
            global json
            json = None
            json.dumps({})
            return AppSettings
    """)
    view = elide(text, WORDS)
    assert "    __elided__(json)  # refactor-elided:" in view.text
    assert run(text) == run(text, views=False)
