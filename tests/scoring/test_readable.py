"""A model's expressions in words (issue 17, item 9): field labels of the data dictionary, not ids."""

from __future__ import annotations

from gaoxin.scoring.expr import parse
from gaoxin.scoring.readable import in_words


def test_fields_read_as_their_dictionary_labels_with_units():
    assert in_words(parse("revenue < 20000", "bool")) == "营业收入（万元） < 20,000"
    assert in_words(parse("age_years < 3", "bool")) == "成立年限（年） < 3"
    assert in_words(parse("true", "bool")) == "所有企业"
    assert in_words(parse("serious_dishonesty", "bool")) == "列入严重失信主体名单"
    assert in_words(parse("admin_penalties >= 3", "bool")) == "当年受到行政处罚次数（次） ≥ 3"


def test_operators_functions_and_brackets():
    assert in_words(parse("rd_staff / employees")) == "研发人员数（人） ÷ 职工总数（人）"
    assert (
        in_words(parse("(total_assets - net_assets) / total_assets"))
        == "（资产总额（万元） − 净资产（所有者权益）（万元）） ÷ 资产总额（万元）"
    )
    assert in_words(parse("growth(revenue)")) == "营业收入（万元）增长率"
    assert in_words(parse("prev(revenue)")) == "上年营业收入（万元）"
    assert in_words(parse("has(gazelle) or has(unicorn)", "bool")) == "具有瞪羚企业资质 或 具有独角兽企业资质"
    assert in_words(parse("revenue >= 2000 and not has(hightech)", "bool")) == (
        "营业收入（万元） ≥ 2,000 且 并非（具有高新技术企业资质）"
    )
    # a − (b − c) keeps its brackets; (a − b) − c needs none
    assert (
        in_words(parse("revenue - (taxes_paid - rd_expense)"))
        == "营业收入（万元） − （实缴税费（万元） − 研发费用（万元））"
    )
    assert (
        in_words(parse("revenue - taxes_paid - rd_expense"))
        == "营业收入（万元） − 实缴税费（万元） − 研发费用（万元）"
    )
    # a ratio field is compared as a fraction: no % after its name
    assert in_words(parse("niche_market_share >= 0.3", "bool")) == "主导产品全国细分市场占有率 ≥ 0.3"


def test_english():
    assert in_words(parse("revenue < 20000", "bool"), "en") == "Operating revenue (万元) < 20,000"
    assert (
        in_words(parse("has(hightech) and age_years < 3", "bool"), "en")
        == "holds hightech and age (years) < 3"
    )
