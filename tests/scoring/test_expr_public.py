"""``expr.parse_tree``: the public, syntax-only entry point another language on the same grammar uses
(the policy engine's ``gaoxin.policy.lang``)."""

from __future__ import annotations

import pytest

from gaoxin.scoring.expr import MAX_DEPTH, Binary, ExprError, Name, parse, parse_tree


def test_parse_tree_checks_syntax_not_names():
    tree = parse_tree("unknown_name + 1")
    assert isinstance(tree, Binary) and isinstance(tree.left, Name) and tree.left.name == "unknown_name"
    with pytest.raises(ExprError, match="unknown"):
        parse("unknown_name + 1")  # the checked parser still refuses the name


@pytest.mark.parametrize("text", ["1 +", "(1", "a >", ""])
def test_parse_tree_refuses_bad_syntax(text):
    with pytest.raises(ExprError):
        parse_tree(text)


def test_parse_tree_refuses_nesting_beyond_the_limit():
    parse_tree("1" + " + 1" * (MAX_DEPTH - 2))
    with pytest.raises(ExprError, match="nested"):
        parse_tree("1" + " + 1" * (MAX_DEPTH + 1))
