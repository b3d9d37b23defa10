"""The registry's JSON API: its endpoints are the API app's ``gaoxin.web.api.enterprises`` (zones,
enterprises, their reports and qualifications: ``/api/zones…``, ``/api/enterprises…``), which came
first; this app adds no router of its own."""
