"""Sessions that slide without a write on every request (issue 18, item 7).

``SESSION_SAVE_EVERY_REQUEST`` kept the 30-minute idle timeout sliding by saving the session row on
every request — on SQLite each page then waited for the write lock, and during a long score run a
signed-in request waited 30 s. ``SlidingSessionMiddleware`` saves a signed-in session at most once
every ``REFRESH_SECONDS``: the idle timeout still slides (a session ends between 29 and 30 idle
minutes), and a page that changes nothing writes nothing.
"""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

REFRESH_SECONDS = 60
SEEN = "_gaoxin_seen"  # when the session was last saved for being used (epoch seconds)


@receiver(user_logged_in, dispatch_uid="gaoxin.sessions.seen")
def _seen_at_login(sender, request, user, **kwargs) -> None:
    """Signing in saves the session anyway: the next minute of pages need not."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SEEN] = int(time.time())


class SlidingSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        # a signed-in browser's session only: a bearer-token call has none and must not get one
        if session is not None and session.session_key and getattr(user, "is_authenticated", False):
            now = int(time.time())
            if now - int(session.get(SEEN, 0)) >= REFRESH_SECONDS:
                session[SEEN] = now  # marks the session modified: SessionMiddleware saves it
        return response
