"""The English switch on the green pages: the zone's indicators (the published levels), the energy
carriers and the basis of a coefficient set are named in the reader's language."""

from __future__ import annotations

import re

from gaoxin.green import zone as zone_rules
from gaoxin.green.coefficients import BASES


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
