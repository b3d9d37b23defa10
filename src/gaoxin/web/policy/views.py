"""The policy app's pages: authorise, call a service, render."""

from __future__ import annotations

urls: list = []
