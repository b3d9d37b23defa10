"""The model page reads in Chinese (issue 17, item 9): stage rules, values, penalties and the veto in
the data dictionary's words, the expression kept beside them and the model file below."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape


def test_the_model_page_shows_rules_in_words(platform):
    html = (
        platform.client("zone_admin")
        .get(reverse("credit:shipped_model", args=["national-2024"]))
        .content.decode()
    )
    stages = html.split('id="stages"')[1].split("</table>")[0]
    assert (
        "成立年限（年） &lt; 3" in stages
        and "营业收入（万元） &lt; 20,000" in stages
        and "所有企业" in stages
    )
    assert escape("age_years < 3") in stages  # the expression itself is kept, smaller
    row = html.split('data-indicator="rd_staff_share"')[1].split("</tr>")[0]
    assert "研发人员数（人） ÷ 职工总数（人）" in row
    veto = html.split('id="veto"')[1].split("</ul>")[0]
    assert "列入严重失信主体名单" in veto
    penalties = html.split('id="penalties"')[1].split("</table>")[0]
    assert "当年受到行政处罚次数（次）" in penalties
