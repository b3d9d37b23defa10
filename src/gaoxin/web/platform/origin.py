"""Where the work in hand comes from: the client IP of the request being served, or of the request that
enqueued the background job being run (issue 17, item 8: an IP for every audit entry).

A context variable, so it belongs to the thread (or task) doing the work and nothing leaks between
requests: ``platform.boundary.BoundaryMiddleware`` sets it for each request from ``REMOTE_ADDR``;
``platform.jobs.submit`` stores it on the ``Job`` (``Job.ip``); the worker (``platform.tasks.execute``)
sets it again from the job while the job's work runs. ``accounts.scoping.audit`` reads it when it is
handed a user rather than a request, so an entry written by a service or a job carries the IP too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_ip: ContextVar[str | None] = ContextVar("gaoxin_client_ip", default=None)


def client_ip() -> str | None:
    """The IP of the request being served, or of the request that enqueued the running job; else None."""
    return _ip.get()


@contextmanager
def acting_for(ip: str | None) -> Iterator[None]:
    """Within the block, ``client_ip()`` is ``ip`` (empty means unknown: None)."""
    token = _ip.set(ip or None)
    try:
        yield
    finally:
        _ip.reset(token)
