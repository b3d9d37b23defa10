"""Import pages: upload, preview, error report, confirm, progress; templates to download."""

urls: list = []
