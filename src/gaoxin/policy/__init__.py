"""Policy engine (惠企政策 免申即享), pure: policies as data, matching with reasons, exact amounts.

- ``model``: the policy file (YAML) and its loader; every fault with its place (``PolicyError``).
- ``lang``: the expression language of conditions and amounts (the scoring grammar, wider names).
- ``facts``: the facts frame a policy reads (report fields, qualification dates, score, ladder, inputs).
- ``engine``: ``run`` — eligibility, amounts, caps, ranking, 从高不重复, 总量控制, pro-rata, co-funding —
  against a ``Ledger`` of earlier payments; ``misses`` — the clauses a firm misses, nearest first.
- ``explain``: each condition's values and the gap in the firm's units.
- ``simulate``: per-clause budget figures and the comparison of two drafts.

Money is ``Decimal`` 万元 to the fen (``gaoxin.finance.money``); the rounding rule is in ``engine``.
"""

from gaoxin.policy.engine import Entry, Ledger, Line, Run, misses, prepare, run
from gaoxin.policy.explain import Check
from gaoxin.policy.model import Policy, PolicyError, load_file, loads_policy, shipped
from gaoxin.policy.simulate import compare, summary

__all__ = [
    "Check",
    "Entry",
    "Ledger",
    "Line",
    "Policy",
    "PolicyError",
    "Run",
    "compare",
    "load_file",
    "loads_policy",
    "misses",
    "prepare",
    "run",
    "shipped",
    "summary",
]
