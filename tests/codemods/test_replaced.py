"""replaced: an attribute swapped for a block, put back whatever happens; a nested block leaves it to the outer."""

from __future__ import annotations

import types

import pytest

from codemods.framework.replaced import replaced


def test_an_attribute_is_swapped_for_the_block_and_put_back_whatever_happens() -> None:
    owner = types.SimpleNamespace(hook="library's")
    with replaced(owner, "hook", "ours"):
        assert owner.hook == "ours"
        with replaced(owner, "hook", "ours"):
            assert owner.hook == "ours"
        assert owner.hook == "ours"   # (the nested block left it to this one)
    assert owner.hook == "library's"
    with pytest.raises(KeyError), replaced(owner, "hook", "ours"):
        raise KeyError("inside")
    assert owner.hook == "library's"
