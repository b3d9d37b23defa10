"""USCC check characters (GB 32100-2015), worked by hand, and the vectorised check agreeing with them."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.io import uscc
from gaoxin.io.read import read_file
from gaoxin.io.validate import uscc_ok
from tests.io.helpers import code, where, write_csv

# Values: 0-9 → 0-9, A10 … H17, J18 … N22, P23 Q24 R25 T26 U27 W28 X29 Y30.
# Weights 3^i mod 31: 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
#
# 91350100M000100Y4: 9·1 + 1·3 + 3·9 + 5·27 + 1·26 + M(21)·20 + 1·8 + Y(30)·30 + 4·28
#   = 9 + 3 + 27 + 135 + 26 + 420 + 8 + 900 + 112 = 1640; 1640 mod 31 = 28; 31 − 28 = 3 → "3".
# 91350100M00010000: the same up to position 14 = 628; 628 mod 31 = 8; 31 − 8 = 23 → "P".
# 91350100M0001000D: 628 + D(13)·28 = 992 = 32·31; mod 31 = 0; 31 − 0 = 31, written "0".
HAND_WORKED = {
    "91350100M000100Y4": "3",
    "91350100M00010000": "P",
    "91350100M0001000D": "0",
}


def test_hand_worked_check_characters() -> None:
    for first17, check in HAND_WORKED.items():
        assert uscc.check_char(first17) == check
        assert uscc.problem(first17 + check) is None


def test_changed_check_character_names_the_expected_one() -> None:
    reason = uscc.problem("91350100M000100Y44")
    assert reason is not None
    assert "应为 3" in reason and "实为 4" in reason


def test_other_rejections() -> None:
    assert "18位" in uscc.problem("91350100M000100Y4")  # 17 characters
    assert "I" in uscc.problem("91350100I000100Y43")  # I is not in the alphabet
    assert uscc.problem("") == "统一社会信用代码为空"
    assert uscc.normalize("  91350100m000100y43 ") == "91350100M000100Y43"


def test_reader_normalizes_and_rejects(tmp_path) -> None:
    rows = [
        ["uscc", "name", "zone"],
        [" 91350100m000100y43 ", "甲", "FZ"],  # lower case and spaces: accepted, normalized
        ["91350100M000100Y44", "乙", "FZ"],  # wrong check character
        ["91350100M000100Y4", "丙", "FZ"],  # too short
    ]
    result = read_file(write_csv(tmp_path / "e.csv", rows))
    assert result.dataset.enterprises["uscc"].to_list() == ["91350100M000100Y43"]
    (bad_check,) = where(result, row=3)
    assert bad_check.column == "uscc" and bad_check.value == "91350100M000100Y44"
    assert "第18位应为 3" in bad_check.reason
    (short,) = where(result, row=4)
    assert "应为18位，实为17位" in short.reason


alphabet = st.sampled_from(uscc.ALPHABET + "IOSVZ-a ")


@given(st.lists(alphabet, min_size=16, max_size=19).map("".join))
def test_vectorised_check_agrees_with_uscc_problem(raw: str) -> None:
    head = raw[:17]
    fixed = head + uscc.check_char(head) if len(head) == 17 and all(c in uscc.VALUE for c in head) else raw
    codes = [raw, fixed]
    got = pl.DataFrame({"c": codes}).select(uscc_ok(pl.col("c"))).to_series().to_list()
    assert got == [uscc.problem(c) is None for c in codes]


def test_helper_codes_are_valid() -> None:
    assert all(uscc.is_valid(code(i)) for i in range(100))
