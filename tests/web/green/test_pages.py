"""The green pages render for the roles that use them and refuse the others."""


def test_pages_render(green):
    p = green.platform
    c = p.client("zone_admin")
    for url in (
        "/green/",
        "/green/figures/",
        "/green/import/",
        "/green/sets/",
        "/green/benchmarks/",
        "/green/lists/",
    ):
        assert c.get(url).status_code == 200, url
    assert c.get(f"/green/firm/{green.firms_a[0].pk}/").status_code == 200
    assert c.get(f"/green/firm/{green.firms_b[0].pk}/").status_code == 404
    assert p.client("enterprise").get("/green/mine/").status_code == 200
    assert p.client("enterprise").get("/green/").status_code == 403
