"""This app's API endpoints (added to the project's API in ``api/api.py``)."""

from ninja import Router

router = Router(tags=["consent"])
