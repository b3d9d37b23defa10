"""Every route of the site is covered by a scoping matrix, deliberately public, or declared pending.

The routes are read from Django's resolver, recursively (the site's apps and the JSON API mounted
under ``api/``), and cross-checked with the API's own operations, so a page, an export or an endpoint
added without a matrix row fails here. The declarations are in ``route_coverage.py``. Whatever they
say, two sweeps run over every route: the anonymous visitor is refused everything that is not public,
and an id that does not exist opens nothing to any role.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.web.matrix import ROLES as MATRIX_ROLES

from .route_coverage import MATRICES, PENDING, PUBLIC

TESTS = Path(__file__).resolve().parents[2]
DENIED = {302, 401, 403, 404, 405}  # 405: a GET on a POST-only route, nothing read
GUESS = 10**9
ROLES = [r for r in MATRIX_ROLES if r != "anonymous"]


def routes() -> dict[str, str]:
    """route (as written in the URL configuration, no leading slash) → its app (URL namespace)."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, app: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or app)
            elif isinstance(p, URLPattern):
                found.setdefault(prefix + str(p.pattern), app)

    walk(get_resolver().url_patterns, "", "")
    return found


def _path_regex(route: str) -> re.Pattern:
    """How a test writes a request to ``route``: literal parts, anything for each ``<param>``."""
    parts = re.split(r"<[^>]+>", route)
    param = r"(?:\{[^}]*\}|[^/\"'\s{}])+"  # an f-string's {obj.pk}, or a literal id
    body = param.join(re.escape(part) for part in parts)
    return re.compile(r"[\"']" + body + r"(?=[\"'?#])")


def _name_regex(app: str, name: str) -> re.Pattern:
    return re.compile(rf"[\"']{re.escape(app)}:{re.escape(name)}[\"']")


def names() -> dict[str, str]:
    """route → its URL name (``app:name``) where it has one; API names repeat, so they do not count."""
    out: dict[str, str] = {}

    def walk(patterns, prefix: str, app: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or app)
            elif p.name and app != "api":
                out[prefix + str(p.pattern)] = f"{app}:{p.name}" if app else p.name

    walk(get_resolver().url_patterns, "", "")
    return out


def requested_by(route: str, app: str, sources: list[str]) -> bool:
    name = names().get(route)
    by_name = _name_regex(*name.split(":")) if name and ":" in name else None
    by_path = _path_regex("/" + route)
    return any(by_path.search(text) or (by_name and by_name.search(text)) for text in sources)


def uncovered() -> tuple[list[str], list[str], list[str]]:
    """(routes nobody covers, pending routes a matrix now requests, declared modules that are missing)"""
    missing_modules = sorted(m for modules in MATRICES.values() for m in modules if not (TESTS / m).is_file())
    gaps, stale = [], []
    for route, app in sorted(routes().items()):
        if route in PUBLIC:
            continue
        sources = [(TESTS / m).read_text() for m in MATRICES.get(app, []) if (TESTS / m).is_file()]
        covered = requested_by(route, app, sources)
        pending = route in PENDING.get(app, {})
        if covered and pending:
            stale.append(f"{app}: {route}")
        elif not covered and not pending:
            gaps.append(f"{app or '(site)'}: /{route}")
    return gaps, stale, missing_modules


def test_every_route_is_covered_by_a_scoping_matrix_public_or_pending():
    gaps, stale, missing = uncovered()
    assert not missing, f"declared matrix modules that do not exist: {missing}"
    assert not gaps, (
        "routes no scoping matrix requests (add rows to the app's matrix, or declare them in "
        "tests/web/accounts/route_coverage.py):\n" + "\n".join(gaps)
    )
    assert not stale, "pending routes a matrix now requests (remove them from PENDING):\n" + "\n".join(stale)


def test_every_app_and_every_declaration_names_something_real():
    everything = routes()
    apps = set(everything.values())
    assert apps <= set(MATRICES), f"apps with no declaration in MATRICES: {sorted(apps - set(MATRICES))}"
    assert set(PUBLIC) <= set(everything), sorted(set(PUBLIC) - set(everything))
    for app, pending in PENDING.items():
        assert set(pending) <= {r for r, a in everything.items() if a == app}, (app, sorted(pending))
        assert all(reason.strip() for reason in pending.values()), app
    assert all(reason.strip() for reason in PUBLIC.values())


def test_the_api_operations_are_all_routes():
    """The JSON API's operations, as django-ninja registers them, all appear among the routes above."""
    from gaoxin.web.api.api import api

    everything = set(routes())
    operations = set()
    for prefix, router in api._routers:
        for path in router.path_operations:
            full = "api/" + (prefix.strip("/") + "/" + path.lstrip("/")).strip("/")
            operations.add(re.sub(r"\{(?:\w+:)?(\w+)\}", r"<\1>", full))
    assert operations and operations <= everything, sorted(operations - everything)


def test_the_route_matching_itself():
    """The detector: a request written either way counts; a longer or shorter path does not."""
    src = ['x = f"/policy/awards/{own.pk}/waive/"', 'reverse("credit:run", args=[1])', '"/api/lists"']
    assert requested_by("policy/awards/<int:pk>/waive/", "policy", src)
    assert not requested_by("policy/awards/<int:pk>/", "policy", src)
    assert requested_by("credit/runs/<int:pk>/", "credit", src)
    assert requested_by("api/lists", "api", src)
    assert not requested_by("api/lists/<list_id>", "api", src)
    assert not requested_by("api/lists/<list_id>/csv", "api", src)


def _sample(route: str) -> str:
    """A URL for ``route`` with every parameter an id that does not exist (or an unknown word)."""

    def fill(m: re.Match) -> str:
        spec = m.group(1)
        return "nosuchthing" if spec.startswith(("str:", "slug:")) else str(GUESS)

    return "/" + re.sub(r"<([^>]+)>", fill, route)


def _closed_routes() -> list[str]:
    return sorted(r for r in routes() if r not in PUBLIC and "(?P" not in r)


@pytest.mark.django_db
def test_the_anonymous_visitor_is_refused_every_route_that_is_not_public():
    client, opened = Client(), []
    for route in _closed_routes():
        for url in {_sample(route), _sample(route).replace(str(GUESS), "1")}:
            status = client.get(url).status_code
            if status not in DENIED:
                opened.append(f"{url}: {status}")
    assert not opened, "\n".join(opened)


@pytest.mark.parametrize("role", ROLES)
def test_an_id_that_does_not_exist_opens_nothing(platform, role):
    client = platform.client(role)
    opened = []
    for route in _closed_routes():
        if "<" not in route:
            continue
        url = _sample(route)
        status = client.get(url).status_code
        if status not in DENIED | {400}:  # 400: the API refusing a word where it wants a number
            opened.append(f"{url}: {status}")
    assert not opened, f"{role}:\n" + "\n".join(opened)
