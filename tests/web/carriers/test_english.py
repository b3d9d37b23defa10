"""The English switch on the carriers pages: the self-evaluation's indicators, the admission form's
inputs and a review's rubric are named in the reader's language (Chinese where a zone's own model gives
no English)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils import translation

from gaoxin.carriers import challenges as core_ch
from gaoxin.carriers import evaluation as core_eval
from gaoxin.carriers import incubators as core_inc
from gaoxin.web.carriers import services
from gaoxin.web.carriers.forms import ReviewForm
from gaoxin.web.carriers.models import IncubatedFirm, Incubator

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


def _cells(page: str, section_id: str, column: int) -> list[str]:
    """The text of column ``column`` of every body row of the section's table."""
    body = _section(page, section_id).split("<tbody>", 1)[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in rows]
    return [re.sub(r"<[^>]+>", "", c[column]).strip() for c in cells if len(c) > column]


def test_graduation_evidence_is_in_the_readers_language(carriers):
    """The core words what a graduate met in both languages (``Evidence.text`` and ``.en``); the zone
    home, the incubator page and the graduates page show the reader's."""
    client = carriers.client("zone_admin")
    graduates = list(
        IncubatedFirm.objects.filter(
            incubator__zone=carriers.platform.zone_a, graduation_year=services.today().year
        )
    )
    firm = graduates[0]
    stored = firm.graduation_evidence[0]
    assert stored["text"].startswith("高新技术企业证书") and stored["en"].startswith(
        "High-tech enterprise certificate"
    )
    incubator = f"/carriers/incubators/{firm.incubator_id}/"
    zh = _cells(client.get("/carriers/").content.decode(), "graduates", 3)
    assert stored["text"] in zh
    assert stored["text"] in client.get(incubator).content.decode()
    assert stored["text"] in client.get("/carriers/graduates/").content.decode()

    client.post("/i18n/setlang/", {"language": "en", "next": "/carriers/"})
    en = _cells(client.get("/carriers/").content.decode(), "graduates", 3)
    certificates = [
        g.graduation_evidence[0]["text"].split("证书 ", 1)[1].split("，", 1)[0] for g in graduates
    ]
    core_part = [re.sub("|".join(map(re.escape, certificates)), "", c) for c in en]  # the number is data
    assert stored["en"] in en and all(not CJK.search(c) for c in core_part), en
    criteria = _cells(client.get("/carriers/").content.decode(), "graduates", 2)
    assert "Recognised as a high-tech enterprise" in criteria and all(not CJK.search(c) for c in criteria)
    for url in (incubator, "/carriers/graduates/"):
        page = client.get(url).content.decode()
        assert stored["en"] in page and stored["text"] not in page and "高新技术企业证书" not in page


def test_every_graduation_criterion_and_a_title_risk_have_english(carriers):
    """Each criterion's evidence and each title risk comes from the core in both languages, the English
    free of Chinese; a record kept before the English was stored shows its Chinese."""
    record = core_inc.FirmRecord(
        hightech=[(dt.date(2023, 1, 1), dt.date(2025, 12, 31), "GR2023")],
        investment={2022: Decimal(300), 2023: Decimal(300)},
        revenue={2022: Decimal(600), 2023: Decimal(600)},
        listed_board="创业板",
        listed_on=dt.date(2024, 3, 1),
    )
    found = core_inc.detect_graduation(record, dt.date(2024, 12, 31)).evidence
    assert {e.criterion for e in found} == {"hightech", "investment", "revenue", "listed"}
    for e in found:
        assert CJK.search(e.text) and e.en and not CJK.search(e.en), e
    listed = next(e for e in found if e.criterion == "listed")
    assert listed.en == "Listed or quoted on ChiNext (2024-03-01)" and "创业板" in listed.text
    acquired = core_inc.detect_graduation(
        core_inc.FirmRecord(acquired_on=dt.date(2024, 5, 1)), dt.date(2024, 12, 31)
    )
    assert acquired.first.en == "Merged or acquired (2024-05-01)"
    for risk in (
        core_eval.title_risk(["D", "D"]),
        core_eval.title_risk(["D"]),
        core_eval.title_risk(["B"], watch_margin=Decimal(5), margin=Decimal(2)),
    ):
        assert risk.level != "ok" and CJK.search(risk.text) and risk.en and not CJK.search(risk.en)
    from gaoxin.web.carriers.templatetags.carriers_tags import evidence, evidences

    old = {"text": "被兼并收购（2020-01-01）"}  # stored before the English was kept
    with translation.override("en"):
        assert (
            evidence(old) == old["text"]
            and evidences([{"text": "甲", "en": "A"}, {"text": "乙", "en": "B"}]) == "A; B"
        )
    with translation.override("zh-hans"):
        assert evidences([{"text": "甲", "en": "A"}, {"text": "乙", "en": "B"}]) == "甲；乙"


def test_a_title_risk_is_shown_in_the_readers_language(carriers):
    c = carriers.client("zone_admin")
    special = Incubator.objects.get(zone=carriers.platform.zone_a, code="FH-002")
    special.level = "national"
    special.save()
    c.post(
        f"/carriers/incubators/{special.pk}/action/",
        {"action": "official_grade", "year": services.today().year - 1, "grade": "D"},
    )
    url = f"/carriers/incubators/{special.pk}/"
    assert "连续两次评价不合格" in c.get(url).content.decode()
    c.post("/i18n/setlang/", {"language": "en", "next": url})
    page = c.get(url).content.decode()
    risk = page[page.index('id="risk">') : page.index("</p>", page.index('id="risk">'))]
    assert "Failed two evaluations in a row" in risk and not CJK.search(risk)
    home = c.get("/carriers/").content.decode()
    assert "Failed two evaluations in a row" in home and "连续两次评价不合格" not in home
