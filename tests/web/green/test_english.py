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
