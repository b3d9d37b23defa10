"""The JSON API (django-ninja): same scoping as the pages; OpenAPI docs at /api/docs."""

from ninja import NinjaAPI

api = NinjaAPI(title="gaoxin API", version="1", urls_namespace="api")
