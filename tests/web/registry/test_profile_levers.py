"""The profile's "what would raise the score most" (issue 17, item 5): each value in the field's unit,
the step named for what it is, and the footnote saying what the table does (a reachable step, never the
cohort's best)."""

from __future__ import annotations

from django.urls import reverse

from gaoxin.scoring.explain import value_kind
from gaoxin.web.credit.models import Score
from gaoxin.web.credit.services import run_model

STEPS = {"同组第一四分位", "同组中位数", "同组第三四分位", "下一档", "满分所需数值"}


def test_levers_read_in_the_fields_units_with_their_step(platform):
    run = platform.run_a
    model = run_model(run)
    client = platform.client("zone_admin")
    firms = list(
        Score.objects.filter(run=run, vetoed=False)
        .order_by("total")
        .values_list("enterprise_id", flat=True)[:6]
    )
    seen = 0
    for pk in firms:
        response = client.get(reverse("registry:enterprise", args=[pk]))
        b = response.context["p"].breakdown
        html = response.content.decode()
        by_name = {}
        for ind in model.all_indicators:
            by_name[ind.name.zh] = value_kind(ind)
        for lv in b.levers:
            kind, unit = by_name[lv["name"]]
            suffix = {"money": " 万元", "ratio": "%"}.get(kind, f" {unit}" if unit else "")
            assert lv["target"].endswith(suffix), (lv, kind)
            assert lv["value"] == "—" or lv["value"].endswith(suffix), (lv, kind)
            assert lv["quartile"] in STEPS
            assert "同组最高" not in lv["quartile"]
            seen += 1
        if b.levers:
            assert "每一行把一项指标提升一个可以达到的台阶" in html
            assert "提升到同组的下一个四分位数" not in html  # the old footnote, which the table did not do
    assert seen > 0
