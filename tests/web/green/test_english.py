"""The English switch on the green pages: the zone's indicators (the published levels), the energy
carriers and the basis of a coefficient set are named in the reader's language."""

from __future__ import annotations

import re
from decimal import Decimal as D

from gaoxin.green import zone as zone_rules
from gaoxin.green.coefficients import BASES
from gaoxin.web.green import services


def _section(page: str, section_id: str) -> str:
    start = page.index(f'id="{section_id}"')
    return page[start : page.index("</section>", start)]


def _first_cells(section: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<tr><td>(.*?)</td>", section, re.S)]


def test_the_zone_page_and_the_sets_name_indicators_and_carriers_in_english(green):
    client = green.platform.client("zone_admin")
    level = zone_rules.indicators()["intensity_va"][0]
    assert level.en
    zh_home = _section(client.get("/green/").content.decode(), "indicators")
    assert level.zh in _first_cells(zh_home) and "吨标准煤/万元" in zh_home
    zh_sets = client.get("/green/sets/").content.decode()
    assert "<tr><td>电力</td>" in zh_sets and f'<p class="muted">{BASES["equivalent"][0]} · ' in zh_sets

    client.post("/i18n/setlang/", {"language": "en", "next": "/green/"})
    en_home = _section(client.get("/green/").content.decode(), "indicators")
    cells = _first_cells(en_home)
    assert level.en in cells and level.zh not in en_home
    assert all(not re.search(r"[\u3400-\u9fff]", c) for c in cells), cells
    assert "tce per 10k yuan" in en_home
    en_sets = client.get("/green/sets/").content.decode()
    assert "<tr><td>electricity</td>" in en_sets and "<tr><td>电力</td>" not in en_sets
    assert f'<p class="muted">{BASES["equivalent"][1]} · ' in en_sets


def test_the_coefficient_sets_are_named_in_english(green):
    """A stored set keeps only its Chinese name; the pages name it from its file (``name_en``)."""
    from gaoxin.green.coefficients import parse_emissions, parse_set
    from gaoxin.web.green import services

    choice = services.ensure_sets(green.platform.zone_a)
    c, e = parse_set(choice.coefficients.text), parse_emissions(choice.emissions.text)
    assert c.name_en and e.name_en and c.name != c.name_en
    client = green.platform.client("zone_admin")
    zh_sets = client.get("/green/sets/").content.decode()
    assert f"<strong>{c.name}</strong>" in zh_sets and f"<strong>{e.name}</strong>" in zh_sets

    client.post("/i18n/setlang/", {"language": "en", "next": "/green/"})
    en_sets = client.get("/green/sets/").content.decode()
    assert f"<strong>{c.name_en}</strong>" in en_sets and f"<strong>{e.name_en}</strong>" in en_sets
    assert (
        f"<h2>{c.name_en} <code>" in en_sets
        and f">{c.name_en}（{choice.coefficients.ref}）</option>" in en_sets
    )
    for zh_name in (c.name, e.name):  # (a set's source note is free text: it may quote the Chinese)
        assert f"<strong>{zh_name}</strong>" not in en_sets and f"<h2>{zh_name} <code>" not in en_sets
        assert f">{zh_name}（" not in en_sets
    used = _section_p(client.get("/green/").content.decode(), "sets-used")
    assert c.name_en in used and e.name_en in used and c.name not in used


def _section_p(page: str, p_id: str) -> str:
    start = page.index(f'id="{p_id}"')
    return page[start : page.index("</p>", start)]


def test_a_figures_benchmark_position_is_named_in_english(green):
    """The core names the positions as a ``(zh, en)`` pair; the figures' rows pick by the language."""
    from django.utils import translation

    from gaoxin.green.benchmarks import POSITIONS
    from gaoxin.web.green import services
    from gaoxin.web.green.models import Figure

    figure = Figure(position="below")
    with translation.override("zh-hans"):
        assert services.figure_rows([figure])[0]["position"] == POSITIONS["below"][0] == "未达基准水平"
    with translation.override("en"):
        assert services.figure_rows([figure])[0]["position"] == POSITIONS["below"][1]


CJK = re.compile(r"[\u3400-\u9fff]")


def test_the_green_list_criteria_and_reasons_are_in_the_readers_language(green):
    """The core words each criterion and each reason a firm misses it in both languages
    (``Criteria.texts``, ``Assessment.reasons_en``); the lists page and a published list show the
    reader's, the Chinese page still the Chinese."""
    p = green.platform
    client = p.client("zone_admin")
    query = "/green/lists/?year=2025&max_intensity=0.4&min_renewable_share=50&min_position=benchmark"
    zh = client.get(query).content.decode()
    criteria_zh = _section(zh, "criteria")
    assert "万元增加值综合能耗 ≤ 0.4 吨标准煤/万元" in criteria_zh and "能效达到标杆水平" in criteria_zh
    failing_zh = _section(zh, "failing")
    assert "可再生电力占比" in failing_zh or "能效对标" in failing_zh
    published = services.publish_green_list(
        p.zone_a,
        2025,
        "绿色名单",
        services.parse_criteria({"max_intensity": "0.4"}),
        [p.bank_a],
        p.users["zone_admin"],
    )
    assert "万元增加值综合能耗 ≤ 0.4" in client.get(f"/green/lists/{published.pk}/").content.decode()

    client.post("/i18n/setlang/", {"language": "en", "next": query})
    en = client.get(query).content.decode()
    shown = re.search(r"</form>\s*<p>(.*?)</p>", _section(en, "criteria"), re.S).group(1)
    assert "Energy per 10k yuan of value added ≤ 0.4 tce/10k yuan" in shown
    assert "Energy efficiency at the benchmark level" in shown and not CJK.search(shown), shown
    reasons = [r.split("</a>", 1)[1] for r in re.findall(r"<li>(.*?)</li>", _section(en, "failing"), re.S)]
    assert reasons and all(not CJK.search(r) for r in reasons), reasons
    assert any("Renewable power share" in r or "Energy efficiency benchmark" in r for r in reasons)
    form = client.get("/green/lists/?year=2025&max_intensity=9").content.decode()  # every firm passes
    title = re.search(r'name="title" size="40" required value="([^"]*)"', form).group(1)
    assert title == "2025 green and low-carbon enterprise list"
    listed = client.get(f"/green/lists/{published.pk}/").content.decode()
    assert (
        "Energy per 10k yuan of value added ≤ 0.4 tce/10k yuan" in listed
        and "万元增加值综合能耗" not in listed
    )


def test_every_criterion_and_reason_has_english():
    c = zone_rules.Criteria(
        max_intensity=D("0.4"),
        min_renewable_share=D("0.3"),
        min_non_fossil_share=D("0.2"),
        max_carbon_per_tce=D("2.1"),
        min_position="baseline",
    )
    texts = c.texts()
    assert [t.zh for t in texts] == c.describe() and len(texts) == 5
    assert all(t.en and not CJK.search(t.en) for t in texts)
    missing = zone_rules.assess(
        c, intensity=None, renewable_share=None, non_fossil_share=None, carbon_per_tce=None, position=None
    )
    failed = zone_rules.assess(
        c,
        intensity=D("0.9"),
        renewable_share=D("0.1"),
        non_fossil_share=D("0.1"),
        carbon_per_tce=D("3"),
        position="below",
    )
    for a in (missing, failed):
        assert not a.passed and len(a.reasons) == len(a.reasons_en) == 5
        assert all(
            CJK.search(zh) and en and not CJK.search(en)
            for zh, en in zip(a.reasons, a.reasons_en, strict=True)
        )
    assert failed.reasons_en[0] == "Energy per 10k yuan of value added: 0.9000, required 0.4"
    assert missing.texts[-1].en == "Energy efficiency benchmark: no data"
