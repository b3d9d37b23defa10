"""Credit pages: ranking, score runs, comparison, models, publishing lists, banks' lists."""

urls: list = []
