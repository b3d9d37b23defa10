"""Log handling of the platform (used by ``settings.LOGGING``; imports nothing of Django's apps)."""

from __future__ import annotations

import logging
import sys


class StdoutHandler(logging.StreamHandler):
    """Write to whatever ``sys.stdout`` is when a record is emitted (journald under systemd).

    ``logging.StreamHandler(sys.stdout)`` keeps the stream it was given; when something replaces
    ``sys.stdout`` (a test runner capturing output, a daemon closing it) the handler would write to a
    closed file."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property  # type: ignore[override]
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, value) -> None:  # StreamHandler.__init__ and setStream assign it; stdout wins
        pass
