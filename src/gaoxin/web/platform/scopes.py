"""Scoping rules of the platform's models (applied by ``accounts.scoping``).

- ``platform.Job``: zone staff see their zone's jobs (imports, score and ladder runs); enterprises and
  banks none.
"""

from __future__ import annotations

from gaoxin.web.accounts import scoping

scoping.register("platform.Job", zone="zone")
