"""What the apps' scoping matrices share: the roles, what counts as allowed and as denied, a client
per role, and the check of one role against every page's readers.

A matrix names, for each URL, the roles that may read it (written from the issue's rules, not from
``scoping.visible``); ``assert_reads_exactly_its_own`` fails on a leak (a role outside the readers that
is not denied) and on a refusal (a reader that is not let in).
"""

from __future__ import annotations

from django.test import Client

ALLOWED = {200}
DENIED = {302, 401, 403, 404}
ROLES = [
    "anonymous",
    "platform_admin",
    "zone_admin",
    "clerk",
    "enterprise",
    "bank",
    "zone_admin_b",
    "enterprise_b",
    "bank_b",
]


def client_for(p, role: str) -> Client:
    """A client signed in as ``role`` of the platform fixture ``p`` (none for ``anonymous``)."""
    return Client() if role == "anonymous" else p.client(role)


def assert_reads_exactly_its_own(p, role: str, targets: dict[str, set[str]], denied=DENIED) -> None:
    """``role`` reads every URL of ``targets`` it is a reader of, and is denied every other one."""
    client = client_for(p, role)
    leaks, refusals = [], []
    for url, readers in targets.items():
        status = client.get(url).status_code
        if role in readers and status not in ALLOWED:
            refusals.append((url, status))
        if role not in readers and status not in denied:
            leaks.append((url, status))
    assert not leaks, f"{role} reads what is not theirs: {leaks}"
    assert not refusals, f"{role} is refused what is theirs: {refusals}"
