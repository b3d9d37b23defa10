"""What every app shares: the ``Job`` model and background jobs on the task queue (``jobs``, ``tasks``,
``manage.py gaoxin_worker``), translations, error pages, the demo runner, view helpers."""
