"""The English switch: stage names, high-tech fields, units and qualification kinds follow the active
language on the registry's pages (the data dictionary's English names, ``platform.labels``, the shared
filters); in Chinese the same places show the Chinese."""

from __future__ import annotations

import re

from django.template import Context, Template
from django.utils import translation

from gaoxin.data.dictionary import CHOICES_EN, FIELDS, QUALIFICATION_KINDS, QUALIFICATION_KINDS_EN, UNITS_EN
from gaoxin.web.platform import labels

ENTERPRISES = "/registry/enterprises/"
CJK = re.compile(r"[\u3400-\u9fff]")


def _cells(page: str, table_id: str) -> list[str]:
    """The text of the body cells of a table (names of firms and zones are data: callers pick columns)."""
    body = page[page.index(f'id="{table_id}"') :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    return [re.sub(r"<[^>]+>", "", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def _columns(page: str) -> list[list[str]]:
    body = page[page.index('id="enterprises"') :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows
    ]


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}">(.*?)</select>', page, re.S).group(1)
    return [t.strip() for t in re.findall(r"<option[^>]*>(.*?)</option>", select)]


def test_the_dictionary_names_every_choice_and_unit_in_english():
    for f in FIELDS:
        assert f.en and not CJK.search(f.en), f.id
        assert not f.unit or f.unit in UNITS_EN, (f.id, f.unit)
        for c in f.choices:
            if f.id != "kind":
                assert CHOICES_EN.get(c) and not CJK.search(CHOICES_EN[c]), c
    assert set(QUALIFICATION_KINDS_EN) == set(QUALIFICATION_KINDS)
    assert all(not CJK.search(v) for v in [*UNITS_EN.values(), *QUALIFICATION_KINDS_EN.values()])


def test_labels_and_filters_follow_the_language():
    template = Template('{% load gaoxin_format %}{{ v|money }}|{{ n|count }}|{{ p|count:"人" }}|'
                        '{{ t|choice }}|{{ u|unit_name }}|{{ r|unit:"employees" }}')  # fmt: skip
    ctx = Context({"v": 1234.5, "n": 3000, "p": 12, "t": "电子信息", "u": "万元", "r": 35})
    with translation.override("en"):
        assert template.render(ctx) == (
            "1,234.50 10k yuan|3,000 firms|12 people|Electronic information|10k yuan|35 people"
        )
        assert labels.qualification("hightech") == "High-tech enterprise"
    with translation.override("zh-hans"):
        assert template.render(ctx) == "1,234.50 万元|3,000 家|12 人|电子信息|万元|35 人"
        assert labels.qualification("hightech") == "高新技术企业"


def test_the_enterprise_list_and_profile_in_english_show_no_chinese_in_those_places(platform):
    client = platform.client("zone_admin")
    zh = client.get(ENTERPRISES).content.decode()
    assert "初创期" in _options(zh, "stage") or "成长期" in _options(zh, "stage")
    assert "电子信息" in _options(zh, "tech_field") and "高新技术企业" in _options(zh, "qualification")
    rows = _columns(zh)
    assert any(r[6].endswith("万元") for r in rows)  # revenue, in Chinese units
    assert any(r[2] for r in rows) and all(CJK.search(r[2]) for r in rows if r[2])  # the field as stored
    assert any(CJK.search(r[3]) for r in rows)  # the stage

    client.post("/i18n/setlang/", {"language": "en", "next": ENTERPRISES})
    en = client.get(ENTERPRISES).content.decode()
    for name in ("stage", "tech_field", "qualification", "grade"):
        options = _options(en, name)
        assert options and not any(CJK.search(o) for o in options), (name, options)
    rows = _columns(en)
    # columns: name, code, field, stage, score, grade, revenue, R&D (the firm's name is data)
    for r in rows:
        for cell in r[2:]:
            assert not CJK.search(cell), cell
    assert any(r[6].endswith("10k yuan") for r in rows) and any(r[3] for r in rows)

    profile = client.get(f"/registry/enterprises/{platform.listed.pk}/").content.decode()
    value = re.search(r"High-tech field</th><td>([^<]*)", profile).group(1)  # not its source (data)
    assert value == "Electronic information" or (value and not CJK.search(value)), value
    assert "Start-up" in profile or "Growth" in profile or "Stable" in profile
    reports = profile[profile.index('id="reports"') :]
    units = re.findall(r'<td class="hide-narrow muted">(.*?)</td>', reports)
    assert units and not any(CJK.search(u) for u in units) and "10k yuan" in units
