"""Figures kept in the cache under what they are computed from: one way for every page.

A page figure that is costly at 100,000 firms (a zone's tier counts, a finished run's aggregates, a
comparison of two runs) and that depends only on inputs with a version (the register's version,
finished runs, the reader's scope) is kept under a key made of those inputs: a change of any input is
a new key, so nothing is ever invalidated by hand and a stale figure cannot be served. The lifetime is
an upper bound only (memory). The cache is Django's (per process unless the operator configures a
shared one): the versions are read from the database, so a worker's import is seen by every web process.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

T = TypeVar("T")
DAY = 24 * 3600


def key_of(namespace: str, parts) -> str:
    """``namespace`` and a hash of ``parts`` (anything JSON can write, dates and the like as text)."""
    raw = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return f"{namespace}:{hashlib.sha256(raw.encode()).hexdigest()}"


def remember(
    namespace: str, parts, compute: Callable[[], T], seconds: int = DAY, *, scope: QuerySet | None = None
) -> T:
    """The cached value under ``namespace`` and ``parts``, or ``compute()`` kept there.

    ``scope``: the reader's scoped queryset the figure is read from; its SQL joins the key
    (``scope_of``), and a scope that sees nothing is computed, not kept."""
    from django.core.cache import cache

    if scope is not None:
        where = scope_of(scope)
        if where is None:
            return compute()
        parts = [parts, where]
    key = key_of(namespace, parts)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return found


def scope_of(qs: QuerySet) -> str | None:
    """What a scoped queryset reads, as text (its SQL with parameters), for a cache key: two readers
    share a cached figure only when they read exactly the same rows. None: the scope sees nothing."""
    try:
        return str(qs.query)
    except EmptyResultSet:
        return None
