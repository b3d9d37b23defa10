"""The credit app's JSON API: its endpoints are the API app's ``gaoxin.web.api.scores`` (score runs
and scores, ``/api/runs…``) and ``gaoxin.web.api.lists`` (published white-lists, ``/api/lists…``),
which came first; this app adds no router of its own."""
