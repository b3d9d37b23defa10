"""Registry pages: dashboard, enterprises, enterprise profile, corrections."""

urls: list = []
