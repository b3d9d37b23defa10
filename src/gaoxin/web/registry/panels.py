"""Extra sections of the enterprise profile contributed by other apps (the ladder, financing, …).

An app registers a function ``panel(user, enterprise) -> dict | None`` with ``register``; the dict has
``template`` (rendered inside the profile with the dict as ``panel``) and whatever that template needs.
Each function reads through the scoping helper itself and returns ``None`` when the user may not see
its part. The profile views call ``panels`` and render the results in registration order.
"""

from __future__ import annotations

from collections.abc import Callable

Panel = Callable[..., dict | None]
_PANELS: list[tuple[str, Panel]] = []


def register(name: str, fn: Panel) -> None:
    """Add (or replace, by name) a profile panel."""
    global _PANELS
    _PANELS = [(n, f) for n, f in _PANELS if n != name] + [(name, fn)]


def panels(user, enterprise) -> list[dict]:
    out = []
    for name, fn in _PANELS:
        panel = fn(user, enterprise)
        if panel is not None:
            out.append({"name": name, **panel})
    return out
