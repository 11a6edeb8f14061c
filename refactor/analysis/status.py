"""A family definition's status: what a stage does with it (the README's "Status")."""

from __future__ import annotations

CANONICAL = "canonical"                       # the one definition that stays
CANONICAL_REEXPORT = "canonical re-export"    # a package re-exporting the canonical under its own name
REPLACE = "replace"                           # an alias, thin wrapper, redirect or empty copy: rewritten
MAPPED = "mapped"                             # the plan's [map] names its replacement
KEPT = "kept"                                 # the plan keeps it
NEEDS_DECISION = "needs decision"             # behaviour of its own and no mapping: its stage is blocked

ALL = (CANONICAL, CANONICAL_REEXPORT, REPLACE, MAPPED, KEPT, NEEDS_DECISION)
REMOVED = frozenset({REPLACE, MAPPED, NEEDS_DECISION})   # a stage removes it (or is blocked by it)
STAYS = frozenset({CANONICAL, KEPT})                     # a class object that stays on purpose
CANONICAL_FORMS = frozenset({CANONICAL, CANONICAL_REEXPORT})
REPLACED = frozenset({REPLACE, MAPPED})                  # removed with a known replacement
