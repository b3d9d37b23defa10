"""The English switch on the policy pages: the department facts a policy reads are named by the data
dictionary in the reader's language (a policy's own inputs keep the Chinese its file gives)."""

from __future__ import annotations

from gaoxin.data.dictionary import BY_ID
from gaoxin.web.policy import services
from tests.web.policy.test_facts_import import TEXT


def _stored(page: str) -> str:
    start = page.index('id="stored"')
    return page[start : page.index("</table>", start)]


def test_the_facts_page_names_the_department_facts_in_english(platform):
    p = services.save_draft(platform.zone_a, TEXT, platform.users["zone_admin"])
    client = platform.client("zone_admin")
    url = f"/policy/{p.pk}/facts/"
    above, contribution = BY_ID["above_scale"], BY_ID["local_contribution"]
    zh = _stored(client.get(url).content.decode())
    assert f"<td>{above.zh}</td>" in zh and f"<td>{contribution.zh}</td><td>万元</td>" in zh
    assert "<td>市级奖励金额</td>" in zh

    client.post("/i18n/setlang/", {"language": "en", "next": url})
    en = _stored(client.get(url).content.decode())
    assert f"<td>{above.en}</td>" in en and f"<td>{contribution.en}</td><td>10k yuan</td>" in en
    assert above.zh not in en and contribution.zh not in en
    assert "<td>市级奖励金额</td>" in en  # the policy's own input: only the Chinese its file gives
