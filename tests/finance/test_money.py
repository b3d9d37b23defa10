"""Exact money: parsing refuses what is not exact, the split sums to the amount to the fen."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.finance.money import FEN, MoneyError, floor_to, parse_money, split

SPLIT = {"government": D(2), "guarantor": D(6), "bank": D(2)}


def test_parse_money_accepts_exact_decimals_and_refuses_the_rest():
    assert parse_money("1,200.5") == D("1200.500000")
    assert parse_money(" 0.000001 ") == FEN
    assert parse_money("3.450000000") == D("3.45")  # trailing zeros are not precision
    for bad, code in (
        ("1.0000001", "too_precise"),
        ("abc", "not_a_number"),
        ("0", "not_positive"),
        ("-5", "not_positive"),
        ("NaN", "not_a_number"),
        (1.5, "float"),
    ):
        with pytest.raises(MoneyError) as exc:
            parse_money(bad)
        assert exc.value.code == code, bad
    assert parse_money("0", positive=False) == D(0)
    with pytest.raises(MoneyError):
        parse_money("-1", positive=False)


def test_split_2_6_2_by_hand():
    assert split(D("100"), SPLIT) == {"government": D("20"), "guarantor": D("60"), "bank": D("20")}
    # 100.000001: exact shares 20.0000002, 60.0000006, 20.0000002 → floors 20, 60.000000, 20 and one fen
    # left; the largest remainder (0.6 fen) is the guarantor's.
    assert split(D("100.000001"), SPLIT) == {
        "government": D("20.000000"),
        "guarantor": D("60.000001"),
        "bank": D("20.000000"),
    }
    # 0.000003 (3 fen): exact 0.6, 1.8, 0.6 fen → floors 0, 1, 0; two fens left: remainders .8 (guarantor),
    # .6 (government), .6 (bank) → guarantor and the first listed of the tie, government.
    assert split(D("0.000003"), SPLIT) == {
        "government": D("0.000001"),
        "guarantor": D("0.000002"),
        "bank": D("0"),
    }
    # equal weights, one fen: the party listed first gets it
    assert split(D("0.000001"), {"a": 1, "b": 1}) == {"a": FEN, "b": D(0)}


def test_split_refuses_amounts_finer_than_a_fen_and_bad_weights():
    with pytest.raises(MoneyError):
        split(D("0.0000001"), SPLIT)
    with pytest.raises(ValueError):
        split(D("1"), {"a": 0, "b": 0})


amounts = st.integers(min_value=0, max_value=10**13).map(lambda n: D(n) * FEN)
weights = st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=5).filter(
    lambda w: sum(w) > 0
)


@given(amounts, weights)
def test_shares_always_sum_to_the_amount_and_stay_within_a_fen_of_exact(amount, ws):
    parties = {f"p{i}": D(w) for i, w in enumerate(ws)}
    shares = split(amount, parties)
    assert sum(shares.values()) == amount
    total = sum(parties.values())
    for name, w in parties.items():
        exact = amount * w / total
        assert abs(shares[name] - exact) < FEN
        assert shares[name] == shares[name].quantize(FEN)
        assert shares[name] >= 0


def test_floor_to_step():
    assert floor_to(D("187.5"), D("10")) == D("180")
    assert floor_to(D("180"), D("10")) == D("180")
    assert floor_to(D("0.0000019"), FEN) == D("0.000001")
