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
