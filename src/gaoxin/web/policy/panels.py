"""The policy app's enterprise-profile panels (``registry.panels.register``)."""

from __future__ import annotations
