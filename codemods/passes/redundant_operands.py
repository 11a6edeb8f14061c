"""`New or New` / `New and New` that a rename produced (`Old or New` became it): collapse to `New`.

Only plain names that some rename of the stage points to, with the same name on both sides: evaluating a
name twice and picking one is the name itself, so behaviour is unchanged. Anything else stays.
"""

from __future__ import annotations

import libcst as cst

from codemods.framework.context import FileJob


class RedundantOperandCollapser(cst.CSTTransformer):
    def __init__(self, job: FileJob) -> None:
        super().__init__()
        self.targets = {rename.new_name for rename in job.stage.renames.values()}

    def leave_BooleanOperation(self, original_node: cst.BooleanOperation, updated_node: cst.BooleanOperation
                               ) -> cst.BaseExpression:
        left, right = updated_node.left, updated_node.right
        if isinstance(left, cst.Name) and isinstance(right, cst.Name) and left.value == right.value \
                and left.value in self.targets:
            return left.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
        return updated_node
