"""Whether a LibCST pass could change or report anything in a file, decided from its text.

LibCST's metadata (scopes, qualified names, positions) costs far more than Python's own parser,
and a stage's files are large, so a pass whose trigger cannot be in the file is skipped. Each
check over-approximates its pass: when it says no, the pass would have done nothing. A file
Python's parser cannot read here (syntax newer than this interpreter) gets every pass.
"""

from __future__ import annotations

import ast
import re

from codemods._context import StageIndex

_STAR_IMPORT = re.compile(r"\bimport[\s\\]*\*")
_PATCH_WORDS = ("patch", "setattr", "delattr")


class Gates:
    def __init__(self, text: str, stage: StageIndex) -> None:
        self.text, self.stage = text, stage
        self._tree: ast.Module | None = None
        self._parsed = False
        self.gone_named = any(module.rpartition(".")[2] in text for module in stage.gone)

    def _ast(self) -> ast.Module | None:
        if not self._parsed:
            self._parsed = True
            try:
                self._tree = ast.parse(self.text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self._tree = None
        return self._tree

    def bases(self) -> bool:
        """`class_bases`: some class lists a renamed name (or a local alias of one) among its bases."""
        if not re.search(r"^[ \t]*class\s+\w+\s*\(", self.text, re.MULTILINE):
            return False
        tree = self._ast()
        if tree is None:
            return True
        names = {r.old_name for r in self.stage.spec.renames}
        nodes = list(ast.walk(tree))
        names |= {alias.asname for node in nodes if isinstance(node, (ast.Import, ast.ImportFrom))
                  for alias in node.names if alias.asname and alias.name.rpartition(".")[2] in names}
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
        lasts = {module.rpartition(".")[2] for module in self.stage.gone}
        nodes = list(ast.walk(tree))
        lasts |= {alias.asname for node in nodes if isinstance(node, (ast.Import, ast.ImportFrom))
                  for alias in node.names if alias.asname and alias.name.rpartition(".")[2] in lasts}
        return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                   and node.args and _names_any(node.args[0], lasts) for node in nodes)

    def star_imports(self) -> bool:
        """`star_imports`: a star import where a removed module is named."""
        return self.gone_named and _STAR_IMPORT.search(self.text) is not None

    def string_targets(self) -> bool:
        """`string_targets`: a string (or a `patch.multiple` keyword) naming a renamed name, a name some
        file renamed, or a removed module."""
        patching = any(word in self.text for word in _PATCH_WORDS)
        if not patching and not (self.gone_named and "/" in self.text):
            return False
        tree = self._ast()
        if tree is None:
            return True
        names = {r.old_name for r in self.stage.spec.renames}
        names |= {name for _, name in self.stage.local_renames}
        names |= {module.rpartition(".")[2] for module in self.stage.gone}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if any(name in node.value for name in names):
                    return True
            elif patching and isinstance(node, ast.keyword) and node.arg in names:
                return True
        return False


def reports_gone_imports(code: str, stage: StageIndex) -> bool:
    """`package_exports` reporting: the edited code still names a removed module."""
    return any(module.rpartition(".")[2] in code for module in stage.gone)


def _names_any(expression: ast.expr, names: set[str]) -> bool:
    for node in ast.walk(expression):
        if (isinstance(node, ast.Name) and node.id in names) or (isinstance(node, ast.Attribute) and node.attr in names):
            return True
    return False
