"""Read code written for a newer Python than the one running the tool.

LibCST's parser follows newer grammars (PEP 701 f-strings, PEP 695 type parameters and `type`
statements, `except*`) than `ast` of an older interpreter. We parse such a file with LibCST and
lower those constructs to older equivalents that keep every line number, then hand the result to
`ast`. Only what imports and references need survives: f-string texts become their expressions.
"""

from __future__ import annotations

import libcst as cst


class _Unconcatenate(cst.CSTTransformer):
    """`"a" f"{b}" "c"` becomes the tuple `("a", f"{b}", "c")` (same lines): an f-string lowered to a tuple
    cannot stay part of an implicit concatenation, which only joins strings."""

    def __init__(self, module: cst.Module) -> None:
        self._module = module

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        return False   # the whole chain is rewritten at once (its parts are visited there)

    def leave_ConcatenatedString(self, original: cst.ConcatenatedString, updated: cst.ConcatenatedString
                                 ) -> cst.BaseExpression:
        parts, node = [(updated.left, updated.whitespace_between)], updated.right
        while isinstance(node, cst.ConcatenatedString) and not node.lpar:
            parts.append((node.left, node.whitespace_between))
            node = node.right
        parts.append((node, None))
        if not any(_holds_fstring(part) for part, _ in parts):
            return updated
        code = self._module.code_for_node
        text = "".join(code(part.visit(self)) + ("," + code(space) if space is not None else "")
                       for part, space in parts)
        lowered = cst.parse_expression(f"({text},)", config=self._module.config_for_parsing)
        return lowered.with_changes(lpar=updated.lpar, rpar=updated.rpar) if updated.lpar else lowered


def _holds_fstring(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.FormattedString) or (
        isinstance(node, cst.ConcatenatedString) and (_holds_fstring(node.left) or _holds_fstring(node.right)))


class _Lower(cst.CSTTransformer):
    def __init__(self, module: cst.Module) -> None:
        self._module = module

    def leave_FormattedString(self, original: cst.FormattedString, updated: cst.FormattedString
                              ) -> cst.BaseExpression:
        # Each expression keeps the line it had inside the f-string: newlines of the text before it
        # are replayed as blank lines in the tuple that replaces the string.
        code = self._module.code_for_node
        text, seen, emitted, any_expression = "(", 0, 0, False
        for old, new in zip(original.parts, updated.parts):
            if not isinstance(old, cst.FormattedStringExpression):
                seen += code(old).count("\n")
                continue
            before = code(old.whitespace_before_expression).count("\n")
            expression = code(new.expression)
            text += "\n" * max(0, seen + before - emitted) + expression + ", "
            emitted = max(emitted, seen + before) + expression.count("\n")
            seen += code(old).count("\n")
            any_expression = True
        total = code(original).count("\n")
        text += ("" if any_expression else "None") + "\n" * max(0, total - emitted) + ")"
        return cst.parse_expression(text, config=self._module.config_for_parsing)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        if getattr(updated, "type_parameters", None) is not None:
            return updated.with_changes(type_parameters=None)
        return updated

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        if getattr(updated, "type_parameters", None) is not None:
            return updated.with_changes(type_parameters=None)
        return updated

    def leave_TypeAlias(self, original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:
        return cst.Assign(targets=[cst.AssignTarget(target=updated.name)], value=updated.value)

    def leave_TryStar(self, original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:
        handlers = [cst.ExceptHandler(body=h.body, type=h.type, name=h.name, leading_lines=h.leading_lines)
                    for h in updated.handlers]
        return cst.Try(body=updated.body, handlers=handlers, orelse=updated.orelse,
                       finalbody=updated.finalbody, leading_lines=updated.leading_lines)


def lower(text: str) -> str:
    """Return `text` rewritten into syntax an older `ast` accepts, with the same line numbers.

    Raises `libcst.ParserSyntaxError` when LibCST cannot parse it either.
    """
    module = cst.parse_module(text)
    module = module.visit(_Unconcatenate(module))
    return module.visit(_Lower(module)).code
