"""What the pages of one zone share: the zone a page cannot do without, and the query that carries it.

A zone page reads the zone the user chose (``accounts.scoping.chosen_zone``: zone staff have theirs,
the platform administrator picks one of ``zones``). ``zone_or_404`` is that choice for a page that has
nothing to show without a zone; ``zone_query`` is the ``?zone=<code>`` a link or a redirect carries for
the user who chooses (for zone staff the zone is implied and the query is empty).
"""

from __future__ import annotations

from django.http import Http404
from django.utils.http import urlencode


def zone_or_404(choice: tuple) -> tuple:
    """``(zone, zones)`` from ``chosen_zone`` (or an app's wrapper of it); 404 when there is no zone."""
    zone, zones = choice
    if zone is None:
        raise Http404
    return zone, zones


def zone_query(zone, zones) -> str:
    """``?zone=<code>`` when the user chooses among ``zones``; "" otherwise (or without a zone)."""
    return "?" + urlencode({"zone": zone.code}) if zone is not None and zones else ""
