"""The gaoxin_format template filters render the one display rule (hand-worked values)."""

from decimal import Decimal

from django.template import Context, Template


def render(source: str, **values) -> str:
    return Template("{% load gaoxin_format %}" + source).render(Context(values))


def test_num_filter():
    assert render("{{ v|num:2 }}", v=1904288.13) == "1,904,288.13"
    assert render("{{ v|num }}", v=1904288) == "1,904,288"
    assert render("{{ v|num:1 }}", v=Decimal("0.25")) == "0.3"
    assert render("{{ v|num }}", v=None) == "—"
    assert render("{{ v|num }}", v="n/a") == "n/a"  # a stray cell is shown, the page does not fail


def test_money_filter():
    assert render("{{ v|money }}", v=Decimal("1904288.125")) == "1,904,288.13 万元"
    assert render("{{ v|money }}", v=12) == "12.00 万元"


def test_pct_filter_one_rule():
    assert render("{{ v|pct }}", v=Decimal("0.00025")) == "0.03%"
    assert render("{{ v|pct }}", v=0.00025) == "0.03%"
    assert render("{{ v|pct:1 }}", v=Decimal("0.125")) == "12.5%"


def test_unit_filter_uses_the_data_dictionary():
    assert render('{{ v|unit:"revenue" }}', v=Decimal("3200.5")) == "3,200.50 万元"
    assert render('{{ v|unit:"employees" }}', v=1250) == "1,250 人"
    assert render('{{ v|unit:"职工总数" }}', v=35) == "35 人"
    assert render('{{ v|unit:"year" }}', v=2025) == "2025"
    assert render('{{ v|unit:"no_such_field" }}', v=1250) == "1,250"


def test_count_filter():
    assert render("{{ v|count }}", v=1204) == "1,204 家"
    assert render('{{ v|count:"件" }}', v=3) == "3 件"
    assert render("{{ v|count }}", v=None) == "—"
