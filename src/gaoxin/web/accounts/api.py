"""The accounts app's JSON API: the caller's own account and API tokens are the API app's
``gaoxin.web.api.me`` (``/api/me``, ``/api/me/tokens``); this app adds no router of its own."""
