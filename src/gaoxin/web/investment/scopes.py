"""Scoping rules for this app's models, registered with ``accounts.scoping.register`` (see its docstring)."""
