"""The accounts app's sections of the enterprise profile: none (an enterprise's users are managed on
the user pages, not shown on its profile)."""
