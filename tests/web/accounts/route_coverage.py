"""Which scoping matrix covers each app's routes: the declarations ``test_route_coverage.py`` reads.

Every URL pattern of the site (pages, exports, the API) is either

- requested by one of its app's scoping matrices (``MATRICES``: the modules, relative to ``tests/``,
  that prove each role reads only its own — zone staff of another zone get 404/403, an enterprise its
  own, a bank only the firms that consented or were listed to it); the test finds the request in the
  module's text, by the route's name (``reverse("app:name"…)``) or its path (``"/app/…/{obj.pk}/"``);
- deliberately public (``PUBLIC``, with the reason); or
- pending (``PENDING``): an app still being built names the routes its matrix does not request yet.
  An entry that a matrix now requests fails the test, so the list only shrinks.

A new route, or a new app, fails the test until one of the three says something about it. Whatever
the declarations say, every route not public refuses the anonymous visitor, and guessed ids are closed
to every role (the sweeps in the test).
"""

from __future__ import annotations

# app (the URL namespace; "api" for the JSON API, "" for the site's own) → its matrix modules.
MATRICES: dict[str, list[str]] = {
    "": [],  # the front page and the language switch, both public
    "accounts": [
        "web/accounts/test_scoping_matrix.py",
        "web/accounts/test_admin.py",
        "web/accounts/test_audit_log.py",
        "web/accounts/test_disable_orgs.py",
        "web/accounts/test_admin_duties.py",
    ],
    "registry": [
        "web/accounts/test_scoping_matrix.py",
        "web/consent/test_scoping_consent.py",
        "web/registry/test_scoping_registry.py",
        "web/registry/test_import_problems.py",
        "web/registry/test_correction_evidence.py",
    ],
    "credit": [
        "web/accounts/test_scoping_matrix.py",
        "web/consent/test_scoping_consent.py",
        "web/credit/test_uncertainty_runs.py",
    ],
    "cultivation": ["web/cultivation/test_scoping_cultivation.py"],
    "consent": ["web/consent/test_scoping_consent.py", "web/accounts/test_scoping_matrix.py"],
    "finance": ["web/finance/test_scoping_finance.py", "web/accounts/test_scoping_matrix.py"],
    "investment": ["web/investment/test_scoping_investment.py", "web/accounts/test_scoping_matrix.py"],
    "command": ["web/command/test_scoping_command.py", "web/accounts/test_scoping_matrix.py"],
    "policy": ["web/policy/test_scoping_policy.py", "web/accounts/test_scoping_matrix.py"],
    "carriers": ["web/carriers/test_scoping_carriers.py"],
    "green": ["web/green/test_scoping_green.py", "web/accounts/test_scoping_matrix.py"],
    "benchmark": ["web/benchmark/test_scoping_benchmark.py"],
    "supervision": ["web/supervision/test_supervision.py"],
    "api_pages": ["web/accounts/test_scoping_matrix.py"],
    "api": [
        "web/accounts/test_scoping_matrix.py",
        "web/consent/test_scoping_consent.py",
        "web/cultivation/test_scoping_cultivation.py",
        "web/finance/test_scoping_finance.py",
        "web/investment/test_scoping_investment.py",
        "web/command/test_scoping_command.py",
        "web/policy/test_scoping_policy.py",
        "web/carriers/test_scoping_carriers.py",
        "web/green/test_scoping_green.py",
        "web/benchmark/test_scoping_benchmark.py",
        "web/supervision/test_supervision.py",
        "web/api/test_docs_sign_in.py",  # /api/docs and /api/openapi.json, behind sign-in
    ],
}

# route (as Django writes it, without the leading slash) → why anyone may open it.
PUBLIC: dict[str, str] = {
    "": "the front page: signs the visitor in or sends them to their role's start page",
    "i18n/setlang/": "switching the interface language (Django's view; holds no data)",
    "accounts/login/": "signing in",
    "accounts/logout/": "signing out",
    "api/docs/assets/<str:name>": "the documentation page's scripts and styles, served by gaoxin",
    "api/": "the API's root: where the documentation is",
    "api/^(?P<rest>.*)$": "an unknown API path: the JSON 404",
}

# app → route → why its matrix does not request it yet (the app's helper removes entries as it adds rows).
_CARRIERS = (
    "carriers (issue 13): exercised by its flow and API tests, but its scoping matrix does not request it yet"
)
PENDING: dict[str, dict[str, str]] = {
    "carriers": {
        "carriers/challenges/needs-from-chains/": _CARRIERS,
        "carriers/imports/<int:pk>/problems.xlsx": _CARRIERS,
        "carriers/incubators/new/": _CARRIERS,
        "carriers/reserve/add/": _CARRIERS,
        "carriers/reserve/rewards-to-policy/": _CARRIERS,
        "carriers/reviews/": _CARRIERS,
        "carriers/templates/<str:kind>.xlsx": _CARRIERS,
    },
    "api": {
        "api/carriers/applications": _CARRIERS,
        "api/carriers/challenges": _CARRIERS,
        "api/carriers/challenges/<challenge_id>": _CARRIERS,
        "api/carriers/incubators": _CARRIERS,
        "api/carriers/incubators/<incubator_id>": _CARRIERS,
        "api/carriers/reserve": _CARRIERS,
        "api/carriers/reserve/<reserve_id>": _CARRIERS,
    },
}
