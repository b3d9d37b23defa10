"""The English switch is complete: names that come in both languages are shown through
``platform.labels.label`` (``|label`` in templates), never by picking ``.zh`` by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from gaoxin.scoring.model import Label, load_model
from gaoxin.web.platform.labels import english, label

WEB = Path(__file__).resolve().parents[3] / "src" / "gaoxin" / "web"
# The apps whose pages and views must not pick a language by hand (the platform's own templates too).
APPS = ("accounts", "registry", "credit", "api", "cultivation", "consent", "finance", "investment", "command")
HAND_PICKED = re.compile(r"\.zh\b|\bname_zh\b|\w_zh\b")


def _checked_files() -> list[Path]:
    files = list((WEB / "templates").rglob("*.html"))
    for app in APPS:
        files += (WEB / app / "templates").rglob("*.html")
        files += [p for p in (WEB / app).glob("views*.py")] + list((WEB / app).glob("views/*.py"))
        files += list((WEB / app).glob("forms.py"))
    return files


def test_no_template_view_or_form_of_the_old_apps_picks_chinese_by_hand():
    files = _checked_files()
    assert len(files) > 80  # the scan does see the pages
    found = [
        f"{p.relative_to(WEB)}:{n}: {line.strip()[:100]}"
        for p in files
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if HAND_PICKED.search(line)
    ]
    assert found == [], "use |label (templates) or platform.labels.label (Python):\n" + "\n".join(found)


def test_the_scan_would_see_one():
    assert HAND_PICKED.search("<td>{{ m.name.zh }}</td>") and HAND_PICKED.search("x.label_zh")
    assert not HAND_PICKED.search("{{ m.name|label }} zhongguancun")


def test_label_picks_the_active_language_and_falls_back_to_chinese():
    name = Label("国家指引", "National guideline")
    with translation.override("zh-hans"):
        assert label(name) == "国家指引" and not english()
    with translation.override("en"):
        assert english() and label(name) == "National guideline"
        assert label(Label("只有中文", "")) == "只有中文"  # no English text: the Chinese one
        assert label(("甲", "A")) == "A" and label(None) == "" and label(42) == "42"
    with translation.override("zh-hans"):
        assert label(("甲", "A")) == "甲"


def test_the_label_filter():
    t = Template("{% load gaoxin_format %}{{ n|label }}")
    name = Label("高新技术企业", "High-tech enterprise")
    with translation.override("zh-hans"):
        assert t.render(Context({"n": name})) == "高新技术企业"
    with translation.override("en"):
        assert t.render(Context({"n": name})) == "High-tech enterprise"


@pytest.mark.django_db
def test_the_models_page_names_the_model_in_the_readers_language(platform):
    model = load_model("national-2024")
    c = platform.client("zone_admin")
    with translation.override(translation.get_language()):  # the pages' language does not leak out
        assert model.name.zh in c.get("/credit/models/").content.decode()
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = c.get("/credit/models/").content.decode()
    assert model.name.en in page and model.name.zh not in page
