"""Headers: English id or Chinese label, units in brackets of either width, wrong and unknown units."""

from __future__ import annotations

import pytest

from gaoxin.io.headers import parse_header


@pytest.mark.parametrize(
    ("text", "field", "exp10"),
    [
        ("研发费用(元)", "rd_expense", -4),
        ("营业收入（万元）", "revenue", 0),
        ("rd_expense[千元]", "rd_expense", -1),
        ("净利润【百万元】", "net_profit", 2),
        ("资产总额 (亿元)", "total_assets", 4),
        ("实缴税费(人民币万元)", "taxes_paid", 0),
        (" revenue ", "revenue", 0),
        ("REVENUE", "revenue", 0),
        ("企业名称*", "name", 0),  # templates mark required columns with *
        ("研发\n费用\n(万元)", "rd_expense", 0),  # line breaks inside the header cell
    ],
)
def test_money_units(text: str, field: str, exp10: int) -> None:
    h = parse_header(text, 0)
    assert h.field is not None and h.field.id == field
    assert h.exp10 == exp10
    assert h.error is None


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("净资产（所有者权益）", "net_assets"),  # the label's own brackets are not a unit
        ("净资产(所有者权益)", "net_assets"),  # … in ASCII brackets too
        ("净资产（所有者权益）(万元)", "net_assets"),
        ("净资产(万元)", "net_assets"),  # the label without its gloss
        ("高新技术产品（服务）收入（元）", "hightech_revenue"),
        ("其他I类知识产权数", "other_class1_ip"),
    ],
)
def test_labels_with_brackets(text: str, field: str) -> None:
    h = parse_header(text, 0)
    assert h.field is not None and h.field.id == field
    assert h.error is None


def test_percent_on_a_ratio() -> None:
    for text in ("主导产品全国细分市场占有率(%)", "niche_market_share（％）"):
        h = parse_header(text, 0)
        assert h.field is not None and h.field.id == "niche_market_share"
        assert h.percent and h.error is None


def test_canonical_count_units_accepted_others_not() -> None:
    for text, field in [("职工总数(人)", "employees"), ("有效发明专利数（件）", "invention_patents"),
                        ("当年科技成果转化数(项)", "tech_transfers"), ("当年受到行政处罚次数(次)", "admin_penalties"),
                        ("从事特定细分市场年限(年)", "niche_years")]:  # fmt: skip
        h = parse_header(text, 0)
        assert h.field is not None and h.field.id == field and h.error is None
    wrong = parse_header("职工总数(个)", 0)
    assert wrong.field is not None and wrong.field.id == "employees"
    assert wrong.error is not None and "应为“人”" in wrong.error[0]


@pytest.mark.parametrize(
    "text", ["营业收入(美元)", "营业收入(%)", "主导产品全国细分市场占有率(元)", "年度(人)"]
)
def test_wrong_units_are_errors(text: str) -> None:
    h = parse_header(text, 0)
    assert h.field is not None
    assert h.error is not None


def test_note_on_a_date_is_a_warning_not_an_error() -> None:
    h = parse_header("成立日期（YYYY-MM-DD）", 0)
    assert h.field is not None and h.field.id == "established"
    assert h.error is None and h.note is not None


@pytest.mark.parametrize("text", ["备注", "营业收入2", "", "收入(万元)"])
def test_unknown(text: str) -> None:
    assert parse_header(text, 0).field is None


def test_every_dictionary_id_and_label_maps_to_its_field() -> None:
    from gaoxin.data.dictionary import FIELDS, field

    for f in FIELDS:
        for text in (f.id, f.zh, f" {f.zh} "):
            assert field(text) is f
            assert parse_header(text, 0).field is f
