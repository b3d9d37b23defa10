"""Comparing runs after a new firm arrives (issue 17, item 6).

Two runs of zone A that differ by one new firm at the top of the growth cohort and one firm whose score
rose by 5: the page leads with score changes (1 up, 0 down), keeps the firms that only moved down a
place because the new firm entered apart (not "moved down"), lists the new firm apart, filters by
group, paginates, exports, and draws the distribution of score changes.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from gaoxin.web.credit.models import Score, ScoreRun
from gaoxin.web.credit.views import COMPARE_PAGE


@pytest.fixture
def two_runs(platform):
    """run X (the earlier) = run A without its best growth firm T, ranks below T one place higher, and
    the last growth firm L five points lower; then X → A: T is new, L's score rose by 5, the rest of
    the growth cohort fell a place only because T entered."""
    run_a = platform.run_a
    growth = list(Score.objects.filter(run=run_a, stage="growth").order_by("rank", "enterprise__uscc"))
    top, last = growth[0], growth[-1]
    assert growth[1].rank > top.rank and last.rank > top.rank
    run_x = ScoreRun.objects.get(pk=run_a.pk)
    run_x.pk = None
    run_x.save()
    copies = []
    for s in Score.objects.filter(run=run_a):
        if s.pk == top.pk:
            continue
        s.pk, s.run = None, run_x
        if s.stage == "growth":
            s.rank -= 1
            s.cohort_size -= 1
            if s.enterprise_id == last.enterprise_id:
                s.total -= 5
        copies.append(s)
    Score.objects.bulk_create(copies)
    return platform, run_x, run_a, top, last, len(growth) - 2


def _get(platform, run_x, run_a, **params):
    client = platform.client("zone_admin")
    return client.get(reverse("credit:compare"), {"a": run_x.pk, "b": run_a.pk, **params})


def test_score_changes_lead_and_entrant_shifts_are_kept_apart(two_runs):
    platform, run_x, run_a, top, last, passed = two_runs
    response = _get(platform, run_x, run_a)
    html = response.content.decode()
    result = response.context["result"]
    assert [m.enterprise_id for m in result.up] == [last.enterprise_id] and not result.down
    assert len(result.shifted) == passed and result.by_entrants == passed
    assert [r["enterprise_id"] for r in result.new] == [top.enterprise_id]
    counts = html.split('id="compare-counts"')[1].split("</p>")[0]
    assert "得分上升 1 家" in counts and "得分下降 0 家" in counts
    assert f"得分未变、排名变化 {passed} 家（其中 {passed} 家仅因同组有企业新增或退出）" in counts
    # the first row is the score change, then the entrant-only shifts; never "moved down"
    rows = re.findall(r'<tr data-kind="(\w+)"( data-by-entrants="1")?>', html)
    assert rows[0] == ("up", "") and all(k == "others" and e for k, e in rows[1:])
    assert len(rows) == min(COMPARE_PAGE, passed + 1)
    assert "仅因企业新增或退出而名次变化" in html
    assert top.enterprise.name in html.split('id="new"')[1]
    # the distribution chart: one firm whose score changed, by +5
    chart = json.loads(html.split('id="compare-chart" type="application/json">')[1].split("</script>")[0])
    assert chart["kind"] == "bar" and sum(chart["series"][0]["y"]) == 1


def test_filter_paginate_and_export(two_runs):
    platform, run_x, run_a, _top, last, passed = two_runs
    up = _get(platform, run_x, run_a, show="up").content.decode()
    assert re.findall(r'<tr data-kind="(\w+)"', up) == ["up"] and last.enterprise.name in up
    others = _get(platform, run_x, run_a, show="others")
    assert others.context["page"].paginator.count == passed
    if passed > COMPARE_PAGE:
        second = _get(platform, run_x, run_a, show="others", page=2)
        assert len(second.context["page"]) == min(COMPARE_PAGE, passed - COMPARE_PAGE)
    found = _get(platform, run_x, run_a, q=last.enterprise.uscc)
    assert [m.enterprise_id for m in found.context["page"]] == [last.enterprise_id]

    export = _get(platform, run_x, run_a, format="csv")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    header, body = table[0], table[1:]
    assert header[:3] == ["分类", "企业名称", "统一社会信用代码"]
    kinds = [r[0] for r in body]
    assert kinds.count("得分上升") == 1 and kinds.count("得分未变、排名变化") == passed
    assert kinds.count("新参评企业") == 1
    by_entrants = header.index("仅因新进或退出企业")
    assert all(r[by_entrants] == "是" for r in body if r[0] == "得分未变、排名变化")
    xlsx = _get(platform, run_x, run_a, format="xlsx", show="up")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
