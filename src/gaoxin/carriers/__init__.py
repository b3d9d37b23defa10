"""Innovation carriers: incubators and 众创空间, the listing reserve, 揭榜挂帅 challenges (pure; no Django).

- ``checks``: one condition against its threshold (value, comparison, gap) — what every rule answers with;
- ``incubators``: the national-level incubator and 众创空间 conditions, incubation periods, graduation;
- ``evaluation``: points models for the incubator self-evaluation (A/B/C/D) and a zone's admission scoring;
- ``listing``: reserve stages, stalled firms, stage rewards, the 科创板 standards 1–5, 科创属性;
- ``challenges``: review with conflicts of interest, selection, payments, termination and clawback, 赛马.

The web app (``gaoxin.web.carriers``) reads its tables into these plain objects and shows the answers;
it never computes a threshold, a score or a payment itself.
"""
