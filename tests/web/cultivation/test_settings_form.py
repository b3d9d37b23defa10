"""The ladder settings as a form in Chinese, the YAML kept for those who want it (issue 17, item 9).

Each setting of ``gaoxin.cultivation.config`` has a labelled field with its unit and the rules' default
beside it (ratios as percentages, money in 万元); saving stores only what differs from the defaults,
keeps what the form does not cover, and the next assessment uses it. Staff who may not edit read the
same settings as a labelled table, not a key dump.
"""

from __future__ import annotations

import re

from django.urls import reverse

from gaoxin.cultivation.config import TIERS, LadderConfig, load_config
from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.cultivation.forms import SETTINGS
from gaoxin.web.cultivation.models import LadderRun, LadderSettings
from tests.web.conftest import YEAR

URL = reverse("cultivation:settings")


def _form_data(page_html: str) -> dict:
    """What the browser would send for the form as the page shows it (the values in force)."""
    form = page_html.split('id="settings-fields"')[1].split("</form>")[0]
    data: dict = {}
    for m in re.finditer(r"<input ([^>]*)>", form):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        if attrs.get("type") == "checkbox":
            if " checked" in m.group(1):
                data[attrs["name"]] = "on"
        elif "name" in attrs:
            data[attrs["name"]] = attrs.get("value", "")
    for m in re.finditer(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', m.group(2))
        data[m.group(1)] = chosen.group(1) if chosen else ""
    return data


def _outside_yaml(html: str) -> str:
    before, _sep, rest = html.partition('id="settings-yaml"')
    return before + rest.partition("</details>")[2]


def test_every_setting_has_a_chinese_field_with_its_default(platform):
    html = platform.client("zone_admin").get(URL).content.decode()
    shown = _outside_yaml(html)
    assert shown.count("<tr data-setting=") == len(SETTINGS)
    # labels in Chinese; no English key is shown outside the YAML
    for word in (
        "复合增长率的计算年数",
        "营业收入年复合增长率",
        "基期营业收入",
        "科技领军企业",
        "高新技术企业",
    ):
        assert word in shown, word
    for key in ("cagr", "base_revenue", "min_rd_ratio", "sme_rules", "hightech_capability_basis"):
        assert f">{key}" not in shown and f"{key}:" not in shown, key
    # ratios as percentages, money in 万元: the gazelle's 20 % growth and 1,000 万元 base year
    row = shown.split('data-setting="gazelle__cagr"')[1].split("</tr>")[0]
    assert 'value="20"' in row and "%" in row and "20.00%" in row
    row = shown.split('data-setting="gazelle__base_revenue"')[1].split("</tr>")[0]
    assert 'value="1000"' in row and "1,000.00 万元" in row
    row = shown.split('data-setting="unicorn__valuation_usd"')[1].split("</tr>")[0]
    assert 'value="1000000000"' in row  # never 1E+9 in a box a person edits
    # the YAML is still there, folded
    assert 'id="settings-yaml"' in html and 'name="config"' in html


def test_sending_the_form_unchanged_stores_nothing_but_the_defaults(platform):
    client = platform.client("zone_admin")
    data = _form_data(client.get(URL).content.decode())
    assert client.post(URL, data).status_code == 302
    assert LadderSettings.objects.get(zone=platform.zone_a).config == {}


def test_a_change_in_the_form_stores_only_that_change_and_keeps_the_rest(platform):
    client = platform.client("zone_admin")
    # what the form does not cover (an override, the gazelle's alternatives) was set as YAML
    yaml_text = (
        "overrides:\n  sme_2026.specialized.debt_ratio_max: 0.7\ngazelle:\n  alternatives: [[5, 60000]]\n"
    )
    assert client.post(URL, {"config": yaml_text}).status_code == 302
    data = _form_data(client.get(URL).content.decode())
    data["gazelle__cagr"] = "25"  # percent
    data["near__hightech"] = "10"
    data["leading__min_revenue"] = "80000"  # 万元
    data["sme_rules"] = "2026"
    data.pop("leading__requires_hightech", None)  # untick
    response = client.post(URL, data)
    assert response.status_code == 302
    config = LadderSettings.objects.get(zone=platform.zone_a).config
    assert config == {
        "overrides": {"sme_2026.specialized.debt_ratio_max": 0.7},
        "gazelle": {"alternatives": [[5, 60000]], "cagr": 0.25},
        "near": {"hightech": 0.1},
        "leading": {"min_revenue": 80000.0, "requires_hightech": False},
        "sme_rules": "2026",
    }
    loaded = load_config(config)
    assert loaded.gazelle.cagr == 0.25 and loaded.near_for("hightech") == 0.1
    assert loaded.near_for("gazelle") == LadderConfig().near_for("gazelle")
    assert AuditEvent.objects.filter(action="ladder_settings").count() == 2
    # the page now shows the stored values in the form
    row = client.get(URL).content.decode().split('data-setting="gazelle__cagr"')[1].split("</tr>")[0]
    assert 'value="25"' in row
    client.post(reverse("cultivation:runs"), {"year": YEAR})
    assert LadderRun.objects.get().config == config


def test_a_wrong_value_in_the_form_saves_nothing(platform):
    client = platform.client("zone_admin")
    data = _form_data(client.get(URL).content.decode())
    data["gazelle__cagr"] = "-5"
    data["gazelle__years"] = "三"
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="settings-error"' in html
    row = html.split('data-setting="gazelle__years"')[1].split("</tr>")[0]
    assert 'class="error"' in row
    assert not LadderSettings.objects.exists()


def test_staff_who_may_not_edit_read_the_settings_in_words(platform):
    client = platform.client("zone_admin")
    data = _form_data(client.get(URL).content.decode())
    data["gazelle__cagr"] = "30"
    client.post(URL, data)
    html = platform.client("clerk").get(URL).content.decode()
    table = html.split('id="settings-readable"')[1].split("</table>")[0]
    assert table.count("<td>") >= len(SETTINGS) * 2
    changed = re.findall(r'<tr class="changed"><td>(.*?)</td><td>(.*?)</td>', table)
    assert [value for _label, value in changed] == ["30.00%"]
    assert all(name in table for name in ("瞪羚企业", "独角兽企业")) or len(TIERS) == 0
    assert 'id="settings-fields"' not in html
