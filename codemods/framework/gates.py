"""Whether a LibCST pass could change or report anything in a file, decided from its text.

LibCST's metadata (scopes, qualified names, positions) costs far more than Python's own parser,
and a stage's files are large, so a pass whose trigger cannot be in the file is skipped. Each
check over-approximates its pass: when it says no, the pass would have done nothing. A file
Python's parser cannot read here (syntax newer than this interpreter) gets every pass.
"""

from __future__ import annotations

import ast
import functools
import re
import symtable
import warnings
from collections import Counter

from codemods.framework.context import StageIndex

_STAR_IMPORT = re.compile(r"\bimport[\s\\]*\*")
_WORD = re.compile(r"[^\W\d]\w*")
_PATCH_WORDS = ("patch", "setattr", "delattr", "getattr", "hasattr")
_DOTTED_LITERAL = re.compile(r"""['"][A-Za-z_]\w*(?:\.[A-Za-z_]\w*){2,}['"]""")   # a string `"a.b.C"`


class Gates:
    def __init__(self, text: str, stage: StageIndex) -> None:
        self.text, self.stage = text, stage
        self._tree: ast.Module | None = None
        self._parsed = False
        self._walked: list[ast.AST] | None = None
        self.gone_named = any(module.rpartition(".")[2] in text for module in stage.gone)

    def _ast(self) -> ast.Module | None:
        if not self._parsed:
            self._parsed = True
            try:
                self._tree = python_parse(self.text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self._tree = None
        return self._tree

    def _nodes(self) -> list[ast.AST]:
        """Every node of the file, walked once for all the checks (call after `_ast()` gave a tree)."""
        if self._walked is None:
            self._walked = list(ast.walk(self._ast()))
        return self._walked

    def bases(self) -> bool:
        """`class_bases`: some class lists a renamed name (or a local alias of one) among its bases."""
        if not re.search(r"^[ \t]*class\s+\w+\s*\(", self.text, re.MULTILINE):
            return False
        tree = self._ast()
        if tree is None:
            return True
        nodes = self._nodes()
        names = _with_aliases({r.old_name for r in self.stage.spec.renames}, nodes)
        return any(_names_any(base, names) for node in nodes if isinstance(node, ast.ClassDef)
                   for base in node.bases)

    def dynamic_imports(self) -> bool:
        """`dynamic_imports`: an `import_module` of a literal naming a module the stage changes, or a
        `getattr` where a removed module is named."""
        if "import_module" in self.text:
            modules = set(self.stage.gone) | set(self.stage.deletions)
            if any(f"{quote}{module}{quote}" in self.text for module in modules for quote in "\"'"):
                return True
        if not (self.gone_named and "getattr" in self.text):
            return False
        tree = self._ast()
        if tree is None:
            return True
        nodes = self._nodes()
        lasts = _with_aliases({module.rpartition(".")[2] for module in self.stage.gone}, nodes)
        return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                   and node.args and _names_any(node.args[0], lasts) for node in nodes)

    def star_imports(self) -> bool:
        """`star_imports`: a star import where a removed module is named."""
        return self.gone_named and _STAR_IMPORT.search(self.text) is not None

    def string_targets(self) -> bool:
        """`string_targets`: a string (or a `patch.multiple` keyword) naming a renamed name, a name some
        file renamed, or a removed module."""
        patching = any(word in self.text for word in _PATCH_WORDS)
        if not patching and not _DOTTED_LITERAL.search(self.text) \
                and not (self.gone_named and ("/" in self.text or "\\" in self.text)):
            return False
        tree = self._ast()
        if tree is None:
            return True
        modules = {module.rpartition(".")[2] for module in self.stage.gone}
        words: set[str] = set()   # (a string names a name only as a whole word: `"pkg.mod.Name"`)
        for node in self._nodes():
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if any(module in node.value for module in modules):
                    return True
                words.update(_WORD.findall(node.value))
            elif patching and isinstance(node, ast.keyword) and node.arg is not None:
                if node.arg in modules:
                    return True
                words.add(node.arg)
        return bool(self.stage.string_names_in(frozenset(words)))


def imports_may_go_unused(original: str, edited: str) -> bool:
    """`unused_imports`: the edits bound a name by import that nothing else in the file names, or an import
    binding is named fewer times than before the edits (an import loses a use only where an occurrence of
    its name went). True when Python cannot read the code here."""
    try:
        bound, was_bound = _import_bindings(edited), _import_bindings(original)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True
    before, after = Counter(_WORD.findall(original)), Counter(_WORD.findall(edited))

    def count(name: str, code: str, words: Counter) -> int:
        return code.count(name) if "." in name else words[name]

    # a binding the edits made that nothing else names, or one named less than before
    return any(count(name, edited, after) < 2 for name in bound - was_bound) or any(
        count(name, edited, after) < count(name, original, before) for name in bound)


def _import_bindings(code: str) -> set[str]:
    """Names import statements bind (`import a.b` binds `a` but is used as `a.b`: its dotted name is kept)."""
    return {alias.asname or alias.name for node in ast.walk(python_parse(code))
            if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names if alias.name != "*"}


def repeated_operands(code: str, stage: StageIndex) -> bool:
    """`redundant_operands`: a name some rename points to may stand on both sides of an `or` or `and`
    (`New or New`), with only brackets, spaces, line breaks and comments between."""
    pattern = _repeated(frozenset(rename.new_name for rename in stage.renames.values()))
    return pattern is not None and pattern.search(code) is not None


@functools.lru_cache(maxsize=64)
def _repeated(names: frozenset[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    between = r"(?:[^\w#]|#[^\n]*)*"
    alternatives = "|".join(rf"\b{re.escape(n)}\b{between}\b(?:or|and)\b{between}\b{re.escape(n)}\b"
                            for n in sorted(names))
    return re.compile(alternatives)


def reports_gone_imports(code: str, stage: StageIndex) -> bool:
    """The edited code still names a removed module (what `package_exports` reports on, and imports
    `unused_imports` removes even when they were unused before)."""
    return any(module.rpartition(".")[2] in code for module in stage.gone)


def _with_aliases(names: set[str], nodes: list[ast.AST]) -> set[str]:
    """`names` and the local names an import binds to one of them (`import ... X as Y`: Y)."""
    return names | {alias.asname for node in nodes if isinstance(node, (ast.Import, ast.ImportFrom))
                    for alias in node.names if alias.asname and alias.name.rpartition(".")[2] in names}


def _names_any(expression: ast.expr, names: set[str]) -> bool:
    for node in ast.walk(expression):
        if (isinstance(node, ast.Name) and node.id in names) or (isinstance(node, ast.Attribute) and node.attr in names):
            return True
    return False


@functools.lru_cache(maxsize=4)
def python_parse(code: str) -> ast.Module:
    """`ast.parse` without the warnings the user's code raises (`SyntaxWarning: invalid escape sequence`).
    The engine reads a file's code several times (its view, then the gates of either pass and the import
    check): the tree of a code read lately is given again. Callers read the trees, never change them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(code)


def python_check(code: str) -> None:
    """Raise what Python's parser, or its symbol table, finds wrong with `code` (`SyntaxError` and the like),
    as `python_parse` would and more (a name both global and a parameter), in half its time: no syntax
    tree is built in Python objects. Without the user's code's warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        symtable.symtable(code, "<edited>", "exec")
