"""YAML bombs (issue 18, item 4): one bounded loader (``gaoxin.data.safe_yaml``) behind every text a
user can hand the platform — scoring models, policies, loan products, the ladder's configuration."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.cultivation.config import ConfigError, load_config
from gaoxin.data import safe_yaml
from gaoxin.finance.products import ProductError, loads_product
from gaoxin.policy.model import PolicyError, loads_policy
from gaoxin.scoring.model import ModelError, loads

# 342 bytes that stand for 9**9 (387,420,489) strings
LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)
DEEP = "[" * 50_000
BOMBS = {
    "laughs": LAUGHS,
    "deep": DEEP,
    "huge": "x: " + "y" * (safe_yaml.MAX_BYTES + 1),
    "digits": "x: " + "9" * 10_000,  # int() refuses more than 4,300 digits
}


@pytest.mark.parametrize("bomb", BOMBS)
def test_the_loader_refuses_each_bomb_naming_the_limit(bomb):
    # A YamlLimit (not a MemoryError or a hang) means it was refused while composing, before expanding.
    with pytest.raises(safe_yaml.YamlLimit) as e:
        safe_yaml.load(BOMBS[bomb])
    assert ("limit max_" in e.value.problem or "digits" in e.value.problem) and isinstance(
        e.value, yaml.YAMLError
    )


def test_ordinary_anchors_and_nesting_still_load():
    assert safe_yaml.load("base: &b {w: 1}\nx: *b\ny: [*b, *b]\n") == {
        "base": {"w": 1},
        "x": {"w": 1},
        "y": [{"w": 1}] * 2,
    }
    assert safe_yaml.load("[" * 60 + "]" * 60) is not None
    assert safe_yaml.load('{"json": [1, 2.5, "三"]}') == {"json": [1, 2.5, "三"]}


@settings(max_examples=40, derandomize=True, deadline=None)
@given(st.integers(min_value=1, max_value=140))
def test_depth_is_refused_exactly_past_the_limit(depth):
    text = "[" * depth + "]" * depth
    if depth <= safe_yaml.MAX_DEPTH:
        assert safe_yaml.load(text) is not None
    else:
        with pytest.raises(safe_yaml.YamlLimit):
            safe_yaml.load(text)


@settings(max_examples=40, derandomize=True, deadline=None)
@given(st.integers(min_value=2, max_value=12), st.integers(min_value=2, max_value=9))
def test_alias_expansion_is_refused_exactly_past_the_node_limit(levels, width):
    text = "l0: &l0 x\n" + "".join(
        f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]\n" for i in range(1, levels)
    )
    # nodes once expanded: the root mapping, its keys, and each level's tree (1 + width × previous)
    sizes = [1]
    for _ in range(1, levels):
        sizes.append(1 + width * sizes[-1])
    total = 1 + levels + sum(sizes)
    if total <= safe_yaml.MAX_NODES:
        assert len(safe_yaml.load(text)) == levels
    else:
        with pytest.raises(safe_yaml.YamlLimit):
            safe_yaml.load(text)


@pytest.mark.parametrize("bomb", ["laughs", "deep", "digits"])
def test_every_loader_of_user_text_refuses_a_bomb_with_a_reason(bomb, tmp_path):
    text = BOMBS[bomb]
    for load, error in (
        (loads, ModelError),
        (loads_policy, PolicyError),
        (loads_product, ProductError),
    ):
        with pytest.raises(error) as e:
            load(text)
        assert "limit max_" in str(e.value) or "digits" in str(e.value), load
    path = tmp_path / "ladder.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert "limit max_" in str(e.value) or "digits" in str(e.value)
