"""The English switch on the cultivation pages: the ladder's tiers are named by the data dictionary in
the reader's language (``platform.labels.qualification``, the one accessor the apps share)."""

from __future__ import annotations

from gaoxin.data.dictionary import QUALIFICATION_KINDS, QUALIFICATION_KINDS_EN


def test_the_ladder_page_names_its_tiers_in_english(ladder):
    client = ladder.client("zone_admin")
    zh = client.get("/cultivation/").content.decode()
    assert QUALIFICATION_KINDS["hightech"] in zh and QUALIFICATION_KINDS["gazelle"] in zh

    client.post("/i18n/setlang/", {"language": "en", "next": "/cultivation/"})
    en = client.get("/cultivation/").content.decode()
    for kind in ("tech_sme", "hightech", "gazelle"):
        assert QUALIFICATION_KINDS_EN[kind] in en and QUALIFICATION_KINDS[kind] not in en, kind
