"""Fixtures the registry's import tests share: ``site`` (two zones, their staff, a firm and a bank),
defined with the import tests in ``test_imports``."""

from tests.web.registry.test_imports import site  # noqa: F401
