"""Registry URLs: pages (views.py) and imports (imports.py) each bring their own list."""

from gaoxin.web.registry import imports, views

app_name = "registry"
urlpatterns = [*views.urls, *imports.urls]
