"""The English switch on the carriers pages: the self-evaluation's indicators, the admission form's
inputs and a review's rubric are named in the reader's language (Chinese where a zone's own model gives
no English)."""

from __future__ import annotations

import re

from django.utils import translation

from gaoxin.carriers import challenges as core_ch
from gaoxin.carriers import evaluation as core_eval
from gaoxin.carriers import incubators as core_inc
from gaoxin.web.carriers import services
from gaoxin.web.carriers.forms import ReviewForm

CJK = re.compile(r"[\u3400-\u9fff]")


def _section(page: str, section_id: str) -> str:
    start = page.index(f'<section class="card" id="{section_id}">')
    return page[start : page.index("</section>", start)]


def test_the_incubator_page_and_the_review_form_name_their_indicators_in_english(carriers):
    client = carriers.client("zone_admin")
    url = f"/carriers/incubators/{carriers.incubator.pk}/"
    self_ev = core_eval.default_self_evaluation().indicators[0]
    admission = core_eval.default_admission().indicators[0]
    assert self_ev.en and admission.en
    zh = _section(client.get(url).content.decode(), "self-evaluation")
    assert f'<th scope="row">{self_ev.zh}</th>' in zh
    assert admission.zh in _section(client.get(url).content.decode(), "admissions")

    client.post("/i18n/setlang/", {"language": "en", "next": url})
    page = client.get(url).content.decode()
    en = _section(page, "self-evaluation")
    assert f'<th scope="row">{self_ev.en}</th>' in en and self_ev.zh not in en
    assert admission.en in _section(page, "admissions") and admission.zh not in _section(page, "admissions")

    rubric = services.rubric(carriers.challenge)
    first = rubric[0]
    assert first == core_ch.DEFAULT_RUBRIC[0] and first.en  # the stored rubric keeps both names
    with translation.override("en"):
        assert ReviewForm(rubric=rubric).fields[f"c_{first.code}"].label.startswith(first.en)
    with translation.override("zh-hans"):
        assert ReviewForm(rubric=rubric).fields[f"c_{first.code}"].label.startswith(first.zh)


def test_the_conditions_of_an_incubator_and_a_listing_are_named_in_english(carriers):
    """The core names each condition in Chinese (``Check.label``); the pages name it in the reader's
    language, with its unit, and the reserve's nearest gap too."""
    client = carriers.client("zone_admin")
    url = f"/carriers/incubators/{carriers.incubator.pk}/"
    checks = services.incubator_views(carriers.platform.zone_a, services.today())[0].checks
    firms = next(c for c in checks if c.code == "firms")
    assert firms.label == "在孵企业数" and services.CHECK_NAMES_EN[firms.label] == "Incubated firms"
    zh = _section(client.get(url).content.decode(), "conditions")
    assert '<th scope="row">在孵企业数</th>' in zh and " 家</td>" in zh
    reserve_zh = _section(client.get("/carriers/reserve/").content.decode(), "reserve")

    client.post("/i18n/setlang/", {"language": "en", "next": url})
    en = _section(client.get(url).content.decode(), "conditions")
    assert '<th scope="row">Incubated firms</th>' in en and " firms</td>" in en
    assert '<th scope="row">在孵企业数</th>' not in en and " 家</td>" not in en
    assert all(services.CHECK_NAMES_EN.get(c) for c in core_inc.CRITERIA.values())  # graduation too
    names = re.findall(r'<th scope="row">(.*?)</th>', en)
    assert names and all(not CJK.search(n) for n in names), names  # every national condition
    reserve_en = _section(client.get("/carriers/reserve/").content.decode(), "reserve")
    assert ("差 " in reserve_zh or "缺数据" in reserve_zh) and "差 " not in reserve_en
    assert "缺数据" not in reserve_en and ("short by" in reserve_en or "no data" in reserve_en)
    rf = client.get(f"/carriers/reserve/{carriers.reserve.pk}/").content.decode()
    assert "最近一年营业收入" not in rf.split("<main", 1)[-1] and "Revenue of the last year" in rf


def test_the_challenge_page_names_experts_by_their_display_names(carriers):
    """Found by the walk-through: the experts and reviews showed account names (expert1, clerk)."""
    body = (
        carriers.client("zone_admin").get(f"/carriers/challenges/{carriers.challenge.pk}/").content.decode()
    )
    named = [u for u in carriers.experts.values() if u.display_name]
    assert named and all(u.display_name in body for u in named)
    assert not any(f"<li>{u.username}" in body or f"<td>{u.username}</td>" in body for u in named)
