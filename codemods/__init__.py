"""LibCST codemods that fold a family of duplicate definitions into its canonical.

Each module is one concern and usable alone; `apply_edits` runs them all over a set of
files for one stage. Only the names below are the public interface.
"""

from codemods.engine import apply_edits
from codemods.spec import EditSpec, FileContext, FileResult, Finding, Rename

__all__ = ["EditSpec", "FileContext", "FileResult", "Finding", "Rename", "apply_edits"]
