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


def test_the_policy_page_states_each_clause_amount_in_words(platform):
    """A clause's amount in the data dictionary's labels (研发费用), not the file's field ids."""
    p = services.save_draft(platform.zone_a, TEXT, platform.users["zone_admin"])
    body = platform.client("zone_admin").get(f"/policy/{p.pk}/").content.decode()
    clauses = body[body.index("<tbody>") : body.index("</tbody>")]
    for c in p.clauses.all():
        assert c.amount in clauses
    assert "local_contribution" not in clauses and "<code>" not in clauses
    assert BY_ID["local_contribution"].zh in clauses
