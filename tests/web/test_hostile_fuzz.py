"""A bounded fuzzer over the API and the forms (issue 18, item 9): no request, however hostile its ids,
filters, amounts, dates or body, gets a server error. Deterministic (a fixed list of hostile values
and hypothesis with ``derandomize``), a few seconds, so a new endpoint cannot bring a 500 back.

What it sends: huge integers in ids and filters (``99999999999999999999999``), ``1e999``, ``NaN`` and a
10,000-digit amount, ``9999-12-31`` and impossible dates, NUL bytes and 10,000-character strings, and a
body over the upload limit (413). Each operation of the OpenAPI schema is called once per hostile value
of each of its parameters; every page of the site is then asked with hostile filters, and each of its
forms is posted back with hostile values in every field.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoxin.web.api.api import api

HUGE = "99999999999999999999999"
INTS = [HUGE, "-9223372036854775809", "-1", "1e999", "abc"]
NUMBERS = ["1e999", "NaN", "9" * 10_000, "1" + "0" * 400]
DATES = ["9999-12-31", "0001-01-01", "2025-02-30"]
TEXTS = ["长沙\x00零字节", "a" * 10_000, "<script>alert(1)</script>"]
# query names the pages read (filters, pagination, dates, choices)
PAGE_PARAMS = (
    "zone", "year", "page", "node", "until", "on", "since", "q", "status", "sort", "order", "stage",
    "run", "plan", "tier", "kind", "level", "limit", "offset", "amount", "chain", "month", "top", "peers",
)  # fmt: skip


def _values(schema: dict) -> list[str]:
    kinds = (
        {schema.get("type"), schema.get("format")}
        | {x.get("type") for x in schema.get("anyOf", [])}
        | {x.get("format") for x in schema.get("anyOf", [])}
    )
    if "date" in kinds:
        return DATES + INTS[:2]
    if "integer" in kinds:
        return INTS
    if "number" in kinds:
        return NUMBERS
    if "boolean" in kinds:
        return ["maybe", HUGE]
    return [*TEXTS, HUGE]


def _operations() -> list[tuple[str, str, dict]]:
    schema = api.get_openapi_schema()
    return [(m.upper(), path, op) for path, ops in schema["paths"].items() for m, op in ops.items()]


def _call(client, method: str, path: str, params: dict[str, str], body: str | None = None):
    url = path
    query = {}
    for name, value in params.items():
        if "{" + name + "}" in url:
            url = url.replace("{" + name + "}", value.replace("/", "%2F") or "0")
        else:
            query[name] = value
    url = re.sub(r"\{[^}]+\}", "1", url)
    if method == "GET":
        return client.get(url, query)
    target = url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    return getattr(client, method.lower())(target, data=body or "{}", content_type="application/json")


def _hostile_body(op: dict, schema: dict) -> list[str]:
    """JSON bodies with one hostile value per property (typed by the body's schema)."""
    content = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    ref = content.get("schema", {}).get("$ref", "")
    body = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}) if ref else {}
    props = body.get("properties", {})
    out = [
        '{"not": "the schema"}',
        "[1e999]",
        "{",
        json.dumps({k: 1e308 for k in props}).replace("1e+308", "1e999"),
    ]
    for name, prop in props.items():
        for v in _values(prop)[:6]:
            out.append(json.dumps({**{k: "1" for k in props}, name: v}))
        out.append(json.dumps({**{k: "1" for k in props}, name: 10**40}))
    return out


@pytest.fixture
def callers(platform):
    return {role: platform.client(role) for role in ("platform_admin", "zone_admin", "bank", "enterprise")}


def _assert_no_server_error(seen: list[tuple[int, str]]) -> None:
    errors = [where for status, where in seen if status >= 500]
    assert errors == [], f"{len(errors)} server errors of {len(seen)} requests, e.g. {errors[:10]}"


def test_every_api_operation_survives_hostile_parameters_and_bodies(callers):
    schema = api.get_openapi_schema()
    seen: list[tuple[int, str]] = []
    for i, (method, path, op) in enumerate(_operations()):
        params = op.get("parameters", [])
        # GETs as one of two roles in turn (the random mixes below try every role); writes as both
        for role in ("platform_admin", "bank") if method != "GET" else (("platform_admin", "bank")[i % 2],):
            client = callers[role]
            for p in params:
                for v in _values(p.get("schema", {})):
                    r = _call(client, method, path, {p["name"]: v})
                    seen.append((r.status_code, f"{role} {method} {path} {p['name']}={v[:30]!r}"))
            if method != "GET":
                for body in _hostile_body(op, schema):
                    r = _call(client, method, path, {}, body)
                    seen.append((r.status_code, f"{role} {method} {path} body={body[:60]!r}"))
    assert len(seen) > 300
    _assert_no_server_error(seen)


def test_a_body_over_the_limit_is_413_not_500(callers, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    big = json.dumps({"note": "x" * (2 * 1024 * 1024)})
    posts = [path for method, path, _op in _operations() if method == "POST" and "{" not in path]
    assert posts  # the writes that read a body before they look anything up
    for path in posts:
        r = _call(callers["bank"], "POST", path, {}, big)
        assert r.status_code == 413, (path, r.status_code)
        assert r.json()["detail"] == "请求过大。"


@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_mixes_of_hostile_parameters(callers, data):
    """Several hostile parameters at once, on a random operation, as a random role."""
    method, path, op = data.draw(st.sampled_from([o for o in _operations() if o[0] == "GET"]))
    params = {
        p["name"]: data.draw(st.sampled_from(_values(p.get("schema", {})))) for p in op.get("parameters", [])
    }
    role = data.draw(st.sampled_from(sorted(callers)))
    r = _call(callers[role], method, path, params)
    assert r.status_code < 500, (role, method, path, params)


# --- the pages and their forms -------------------------------------------------------------------


class _Forms(HTMLParser):
    """The POST forms of a page: action and field names (inputs, selects, text areas)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[str]]] = []
        self._open: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._open = (a.get("action") or "", [])
            self.forms.append(self._open)
        elif tag in ("input", "select", "textarea") and self._open is not None and a.get("name"):
            self._open[1].append(a["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def _pages(resolver=None, prefix: str = "") -> list[str]:
    """Every URL of the site without arguments (the API and the admin aside)."""
    out = []
    for p in (resolver or get_resolver()).url_patterns:
        route = str(p.pattern)
        if isinstance(p, URLResolver):
            if route.startswith(("api/", "admin/", "static/")):
                continue
            out += _pages(p, prefix + route)
        elif isinstance(p, URLPattern) and "<" not in route and "(?P" not in route:
            path = "/" + prefix + route.lstrip("^").rstrip("$")
            if not path.endswith(("logout/", "logout", ".js", ".css")):
                out.append(path)
    return sorted(set(out))


def test_every_page_and_form_survives_hostile_filters_and_fields(callers):
    """Each page with every filter hostile at once (as an administrator, who sees every page, and as
    zone staff), and each form of it posted back with a hostile value in every field."""
    seen: list[tuple[int, str]] = []
    forms: Counter = Counter()
    for page in _pages():
        for role, values in (("platform_admin", (HUGE, "9999-12-31")), ("zone_admin", (HUGE,))):
            for v in values:
                r = callers[role].get(page, dict.fromkeys(PAGE_PARAMS, v))
                seen.append((r.status_code, f"{role} GET {page}?(every filter)={v!r}"))
        r = callers["zone_admin"].get(page, {"zone": "\x00"})
        assert r.status_code == 400, (page, r.status_code)  # refused before any view
        client = callers["platform_admin"]
        first = client.get(page)
        seen.append((first.status_code, f"GET {page}"))
        if first.status_code != 200 or "text/html" not in first.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(first.content.decode("utf-8", "replace"))
        for action, names in parser.forms:
            target = action if action.startswith("/") else page
            if target.endswith(("logout/", "logout")) or not names:
                continue
            forms[target] += 1
            for v in (HUGE, "9" * 10_000, "9999-12-31", "\x00"):
                r = client.post(target, {n: v for n in names if n != "csrfmiddlewaretoken"})
                seen.append((r.status_code, f"POST {target} every field={v[:20]!r}"))
    assert len(forms) >= 10, forms
    _assert_no_server_error(seen)


def _routes(resolver=None, prefix: str = "") -> list[str]:
    """Every route of the site with its converters (``<int:pk>`` …), the API and the admin aside."""
    out = []
    for p in (resolver or get_resolver()).url_patterns:
        route = str(p.pattern)
        if isinstance(p, URLResolver):
            if not route.startswith(("api/", "admin/", "static/")):
                out += _routes(p, prefix + route)
        elif isinstance(p, URLPattern) and "<int:" in route:
            out.append("/" + prefix + route)
    return sorted(set(out))


def test_a_huge_id_in_any_page_address_is_not_a_server_error(callers):
    seen: list[tuple[int, str]] = []
    for route in _routes():
        if "logout" in route:
            continue
        url = re.sub(r"<int:[^>]+>", HUGE, route)
        url = re.sub(r"<(?:str|slug):[^>]+>", "x", url)
        for role in ("platform_admin", "bank"):
            for method in ("get", "post"):
                r = getattr(callers[role], method)(url)
                seen.append((r.status_code, f"{role} {method.upper()} {url}"))
    assert len(seen) > 100
    _assert_no_server_error(seen)
