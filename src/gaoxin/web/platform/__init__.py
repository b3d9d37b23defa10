"""What every app shares: background jobs, translations, error pages, the demo runner, view helpers."""
