"""The English switch on the finance pages: the product form's stages, high-tech fields and
qualifications are shown in the reader's language (the stored values stay the model's ids and the
dictionary's Chinese)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape

from gaoxin.data.dictionary import CHOICES_EN, QUALIFICATION_KINDS, QUALIFICATION_KINDS_EN
from gaoxin.web.credit.services import shipped_model


def test_the_product_form_names_stages_and_qualifications_in_english(fin):
    client = fin.p.client("zone_admin")
    url = reverse("finance:product_new")
    model = shipped_model("national-2024")
    stage = model.stages[0]
    zh = client.get(url).content.decode()
    for text in (stage.name.zh, QUALIFICATION_KINDS["hightech"], "电子信息"):
        assert escape(text) in zh, text

    client.post("/i18n/setlang/", {"language": "en", "next": url})
    en = client.get(url).content.decode()
    for text in (stage.name.en, QUALIFICATION_KINDS_EN["hightech"], CHOICES_EN["电子信息"]):
        assert escape(text) in en, text
    for text in (stage.name.zh, QUALIFICATION_KINDS["hightech"]):
        assert escape(text) not in en, text
    assert 'value="hightech"' in en and 'value="电子信息"' in en  # what is stored does not change
