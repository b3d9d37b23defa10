"""The English switch on the carriers pages: the self-evaluation's indicators, the admission form's
inputs and a review's rubric are named in the reader's language (Chinese where a zone's own model gives
no English)."""

from __future__ import annotations

from django.utils import translation

from gaoxin.carriers import challenges as core_ch
from gaoxin.carriers import evaluation as core_eval
from gaoxin.web.carriers import services
from gaoxin.web.carriers.forms import ReviewForm


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
