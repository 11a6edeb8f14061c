"""Parity with LibCST's `RenameCommand` tests (libcst/codemod/commands/tests/test_rename.py).

Every case of that file that moves a *name* from one module to another is driven through
our rewriter (`apply_edits` with one `Rename`). Where we agree, the expected text is
LibCST's own. Where we deliberately differ, the expected text is ours and `why` says why;
the recurring reasons:

- LATE: a use through a module binding (`d.e.f`, `alias.c`) looks the name up when it runs
  (what lets a test patch the module's attribute, and a module import sit in an import
  cycle). RenameCommand sometimes turns it into a name imported at import time
  (`from z import c` + `c(...)`); we keep reading it through the new module
  (`import z` + `z.c(...)`, or `from g.h import i` + `i.j`).
- PLACE: RenameCommand adds imports at the top of the module (its AddImportsVisitor); we
  put the new import right after the statement it replaces, so imports inside functions,
  `if TYPE_CHECKING:` and `try:` blocks stay where they were, and we keep the closing
  parenthesis layout of a multi-line import.

Not translated (they rename modules or local variables, not a name between modules):
rename_to_builtin, rename_attr_asname_2, rename_module_import(_2, _no_change),
rename_module_import_from_2, rename_local_variable, no_codemod, rename_import_prefix,
rename_import_from_prefix, rename_multiple_imports, every `:`-separator case, and
push_down_toplevel_names(_with_asname).
"""

from __future__ import annotations

import textwrap

import pytest
from codemod_cases import run

from codemods.framework.spec import EditSpec, Rename

LATE = "LATE: a use through a module stays a use through a module (read when it runs)"
PLACE = "PLACE: the new import goes next to the site it replaces"


def case(before: str, after: str, old: str, new: str, *, public: tuple = (), why: str = ""):  # type: ignore[no-untyped-def]
    return (
        textwrap.dedent(before).strip() + "\n",
        textwrap.dedent(after).strip() + "\n",
        old,
        new,
        public,
        why,
    )


CASES = {
    "rename_name": case(
        """
        from foo import bar

        def test() -> None:
            bar(5)
    """,
        """
        from baz import qux

        def test() -> None:
            qux(5)
    """,
        "foo.bar",
        "baz.qux",
    ),
    "rename_name_asname": case(
        """
        from foo import bar as bla

        def test() -> None:
            bla(5)
    """,
        """
        from baz import qux

        def test() -> None:
            qux(5)
    """,
        "foo.bar",
        "baz.qux",
    ),
    "rename_repeated_name_with_asname": case(
        """
        from foo import foo as bla

        def test() -> None:
            bla.bla(5)
    """,
        """
        from baz import qux

        def test() -> None:
            qux.bla(5)
    """,
        "foo.foo",
        "baz.qux",
    ),
    "rename_attr": case(
        """
        import a.b

        def test() -> None:
            a.b.c(5)
    """,
        """
        import d.e

        def test() -> None:
            d.e.f(5)
    """,
        "a.b.c",
        "d.e.f",
    ),
    "rename_attr_asname": case(
        """
        import foo as bar

        def test() -> None:
            bar.qux(5)
    """,
        """
        import baz

        def test() -> None:
            baz.quux(5)
    """,
        "foo.qux",
        "baz.quux",
    ),
    "rename_module_import_from": case(
        """
        from a import b

        class Foo(b.C):
            pass
    """,
        """
        from c import b

        class Foo(b.C):
            pass
    """,
        "a.b",
        "c.b",
    ),
    "rename_class": case(
        """
        from a.b import some_class

        class Foo(some_class):
            pass
    """,
        """
        from c.b import some_class

        class Foo(some_class):
            pass
    """,
        "a.b.some_class",
        "c.b.some_class",
    ),
    "rename_importfrom_same_module": case(
        """
        from a.b import Class_1, Class_2

        class Foo(Class_1):
            pass
    """,
        """
        from a.b import Class_3, Class_2

        class Foo(Class_3):
            pass
    """,
        "a.b.Class_1",
        "a.b.Class_3",
    ),
    "rename_importfrom_same_module_2": case(
        """
        from a.b import module_1, module_2

        class Foo(module_1.Class_1):
            pass
        class Fooo(module_2.Class_2):
            pass
    """,
        """
        from a.b import module_2, module_3

        class Foo(module_3.Class_3):
            pass
        class Fooo(module_2.Class_2):
            pass
    """,
        "a.b.module_1.Class_1",
        "a.b.module_3.Class_3",
        why=LATE,
    ),
    "import_same_module": case(
        """
        import logging
        logging.warn(1)
    """,
        """
        import logging
        logging.warning(1)
    """,
        "logging.warn",
        "logging.warning",
        public=(("logging", ("warning",)),),
    ),
    "import_same_dotted_module": case(
        """
        import a.b
        a.b.warn(1)
    """,
        """
        import a.b
        a.b.warning(1)
    """,
        "a.b.warn",
        "a.b.warning",
        public=(("a.b", ("warning",)),),
    ),
    "module_does_not_change": case(
        """
        from a import b

        class Foo(b):
            pass
    """,
        """
        from a import c

        class Foo(c):
            pass
    """,
        "a.b",
        "a.c",
    ),
    "other_imports_untouched": case(
        """
        import a, b, c

        class Foo(a.z):
            bar: b.bar
            baz: c.baz
    """,
        """
        import b, c
        import d

        class Foo(d.z):
            bar: b.bar
            baz: c.baz
    """,
        "a.z",
        "d.z",
        why=PLACE,
    ),
    "comma_import": case(
        """
        import a, b, c

        class Foo(a.z):
            bar: b.bar
            baz: c.baz
    """,
        """
        import a, b
        import d

        class Foo(a.z):
            bar: b.bar
            baz: d.baz
    """,
        "c.baz",
        "d.baz",
        why=PLACE,
    ),
    "other_import_froms_untouched": case(
        """
        from a import b, c, d

        class Foo(b):
            bar: c.bar
            baz: d.baz
    """,
        """
        from a import c, d
        from f import b

        class Foo(b):
            bar: c.bar
            baz: d.baz
    """,
        "a.b",
        "f.b",
    ),
    "comma_import_from": case(
        """
        from a import b, c, d

        class Foo(b):
            bar: c.bar
            baz: d.baz
    """,
        """
        from a import b, c
        from f import d

        class Foo(b):
            bar: c.bar
            baz: d.baz
    """,
        "a.d",
        "f.d",
    ),
    "comma_import_from_parens": case(
        """
        from a import (
            b,
            c,
            d,
        )
        from x import (y,)

        class Foo(b):
            bar: c.bar
            baz: d.baz
    """,
        """
        from a import (
            b,
            c,
        )
        from f import d
        from x import (y,)

        class Foo(b):
            bar: c.bar
            baz: d.baz
    """,
        "a.d",
        "f.d",
        why=PLACE,
    ),
    "no_removal_of_import_in_use": case(
        """
        import a

        class Foo(a.b):
            pass
        class Foo2(a.c):
            pass
    """,
        """
        import a
        import z

        class Foo(z.b):
            pass
        class Foo2(a.c):
            pass
    """,
        "a.b",
        "z.b",
        why=PLACE,
    ),
    "no_removal_of_dotted_import_in_use": case(
        """
        import a.b

        class Foo(a.b.c):
            pass
        class Foo2(a.b.d):
            pass
    """,
        """
        import a.b
        import z.b

        class Foo(z.b.c):
            pass
        class Foo2(a.b.d):
            pass
    """,
        "a.b.c",
        "z.b.c",
        why=PLACE,
    ),
    "no_removal_of_import_from_in_use": case(
        """
        from a import b

        class Foo(b.some_class):
            bar: b.some_other_class
    """,
        """
        from a import b
        import blah

        class Foo(blah.some_class):
            bar: b.some_other_class
    """,
        "a.b.some_class",
        "blah.some_class",
        why=LATE,
    ),
    "other_unused_imports_untouched": case(
        """
        import a
        import b

        class Foo(a.obj):
            pass
    """,
        """
        import c
        import b

        class Foo(c.obj):
            pass
    """,
        "a.obj",
        "c.obj",
    ),
    "complex_module_rename": case(
        """
        from a.b.c import d

        class Foo(d.e.f):
            pass
    """,
        """
        from g.h import i

        class Foo(i.j):
            pass
    """,
        "a.b.c.d.e.f",
        "g.h.i.j",
        why=LATE,
    ),
    "complex_module_rename_with_asname": case(
        """
        from a.b.c import d as ddd

        class Foo(ddd.e.f):
            pass
    """,
        """
        from g.h import i

        class Foo(i.j):
            pass
    """,
        "a.b.c.d.e.f",
        "g.h.i.j",
        why=LATE,
    ),
    "names_with_repeated_substrings": case(
        """
        from aa import aaaa

        class Foo(aaaa.Bar):
            pass
    """,
        """
        from b import c

        class Foo(c.Bar):
            pass
    """,
        "aa.aaaa",
        "b.c",
    ),
    "repeated_name": case(
        """
        from foo import foo

        def bar():
            foo(5)
    """,
        """
        from qux import qux

        def bar():
            qux(5)
    """,
        "foo.foo",
        "qux.qux",
    ),
    "rename_multiple_occurrences": case(
        """
        from a import b

        class Foo(b.some_class):
            pass
        class Foobar(b.some_class):
            pass
    """,
        """
        from c import d

        class Foo(d.some_class):
            pass
        class Foobar(d.some_class):
            pass
    """,
        "a.b.some_class",
        "c.d.some_class",
        why=LATE,
    ),
    "no_change_because_no_match_was_found": case(
        """
        from foo import bar
        bar(42)
    """,
        """
        from foo import bar
        bar(42)
    """,
        "baz.bar",
        "qux.bar",
    ),
    "import_parent_module": case(
        """
        import a
        a.b.c(a.b.c.d)
    """,
        """
        import z
        z.c(z.c.d)
    """,
        "a.b.c",
        "z.c",
        why=LATE,
    ),
    "import_parent_module_2": case(
        """
        import a.b
        a.b.c.d(a.b.c.d.x)
    """,
        """
        import z
        z.c(z.c.x)
    """,
        "a.b.c.d",
        "z.c",
        why=LATE,
    ),
    "import_parent_module_asname": case(
        """
        import a.b as alias
        alias.c(alias.c.d)
    """,
        """
        import z
        z.c(z.c.d)
    """,
        "a.b.c",
        "z.c",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rename_parity(name: str) -> None:
    before, after, old, new, public, _why = CASES[name]
    old_module, _, old_name = old.rpartition(".")
    new_module, _, new_name = new.rpartition(".")
    spec = EditSpec(
        renames=(Rename(old_module, old_name, new_module, new_name),), public_after=public
    )
    result = run(before, spec, module="consumer")
    assert result.error is None
    assert result.new_text == after
    assert result.findings == ()
    assert run(after, spec, module="consumer").status == "unchanged"
