"""The English switch on the benchmark pages: the model's indicator, category and field names (and the
core's standings, gaps and drivers, which carry the Chinese) follow the active language."""

from __future__ import annotations

from django.utils import translation
from django.utils.html import escape

from gaoxin.web.benchmark import services
from tests.web.benchmark.conftest import YEAR


def test_the_benchmark_pages_name_the_models_parts_in_the_readers_language(bench):
    p = bench.platform
    client = p.client("zone_admin")
    model = services.zone_model()
    ind = next(i for i in services.computable_indicators() if i.id == "rd_intensity")
    field = services.number_fields()[0]
    cat = model.top_categories[0]
    contributions = f"/benchmark/contributions/?indicator={ind.id}&year={YEAR}"
    home = f"/benchmark/?table={bench.table.pk}"

    zh = client.get(contributions).content.decode()
    assert f"<h2>{escape(ind.name.zh)} · {YEAR}</h2>" in zh
    zh_home = client.get(home).content.decode()
    assert f">{escape(field.name.zh)}</option>" in zh_home
    assert f"<td>{escape(cat.name.zh)}</td>" in zh_home  # a standing, named by the core in Chinese
    assert "<td>综合得分</td>" in zh_home

    client.post("/i18n/setlang/", {"language": "en", "next": home})
    en = client.get(contributions).content.decode()
    assert f"<h2>{escape(ind.name.en)} · {YEAR}</h2>" in en
    assert f">{escape(ind.name.en)}</option>" in en and f">{escape(ind.name.zh)}</option>" not in en
    en_home = client.get(home).content.decode()
    assert f">{escape(field.name.en)}</option>" in en_home
    assert f">{escape(field.name.zh)}</option>" not in en_home
    assert f"<td>{escape(cat.name.en)}</td>" in en_home and f"<td>{escape(cat.name.zh)}</td>" not in en_home
    assert "<td>Overall score</td>" in en_home
    with translation.override("en"):
        gap = services.benchmark(p.zone_a, YEAR, table=bench.table).gaps[0]
    assert gap.name == next(i.name.en for i in model.indicators if i.id == gap.indicator)


def test_the_peer_set_is_named_in_the_readers_language(bench):
    """The core names a peer set in Chinese (全部园区, 同省园区（江苏）…); the page names it again."""
    client = bench.platform.client("zone_admin")
    home = f"/benchmark/?table={bench.table.pk}&year={YEAR}"

    def peer_line(url: str) -> str:
        page = client.get(url).content.decode()
        start = page.index('id="peer-set"')
        return page[start : page.index("</p>", start)]

    zh = peer_line(home)
    assert "对标范围：全部园区（" in zh
    client.post("/i18n/setlang/", {"language": "en", "next": home})
    en = peer_line(home)
    assert "Peers: All zones (" in en and "全部园区" not in en
    top = peer_line(home + "&peers=top&top=5")
    assert "Top 5 by overall score (5)" in top and "综合得分" not in top


def test_the_facts_units_follow_the_language(bench):
    client = bench.platform.client("zone_admin")
    url = f"/benchmark/facts/?year={YEAR}"
    assert "<td>万元</td>" in client.get(url).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    en = client.get(url).content.decode()
    assert "<td>10k yuan</td>" in en and "<td>万元</td>" not in en and "<td>家</td>" not in en
