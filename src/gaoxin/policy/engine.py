"""Matching and amounts: who gets what under which clause, and every step that changed the amount.

``run(policies, facts, year, items=…, ledger=…)`` applies, in this order (the order is the rule):

1. **Eligibility** per clause: every ``when`` condition holds (a missing value fails it) and no
   exclusion bites (policy ``exclusions`` and clause ``unless``; a missing value does not exclude).
   Conditions are evaluated vectorised in floats, and every row where a comparison is within 1e-9 of
   its boundary is re-decided exactly in ``Decimal``: "≥ 1 %" means exactly that.
2. **Amount**: the clause's formula (or its first tier that holds) in exact ``Decimal``, then rounded
   **once to the fen (¥0.01) half up** (``finance.money.fen``); a negative result pays 0 (a decrease
   earns nothing). Per item (``per: item``): each item is computed and capped by ``caps.item``, then the
   items, taken in the order of their ``item`` id, fill the firm's ``caps.firm_year`` in turn (six
   projects of 20 under a cap of 100: five get 20, the sixth 0).
3. **Caps**: ``caps.item`` (the smallest binds), then ``caps.firm_year`` net of what the ledger already
   paid the firm under the same clause in the year.
4. **Ranking** (``rank``): eligible firms with a positive amount are ordered by the ``by`` keys (desc by
   default; missing last), then by USCC ascending; the first ``top`` win. With ``ties: include`` every
   firm whose keys equal the last winner's wins too (the list may then be longer than ``top``).
5. **从高不重复** (``group``): per firm, year and group, only the highest line is paid (ties: the first
   policy, then the first clause, as given), and only what exceeds what the ledger already paid in
   that group and year (a later award is paid net of an earlier one).
6. **总量控制**: the lines of clauses marked ``total_control`` are paid, in policy and clause order, up to
   the firm's ceiling (the policy's ``total_control.ceiling``, where ``applies`` holds) net of what the
   ledger already counted toward it in the year. A missing ceiling pays 0 until the figure is supplied.
7. **Budget**: the clause's ``budget``, then the policy's. When the lines exceed it and ``pro_rata`` is
   set, the budget is shared in proportion to the amounts by the largest-remainder method to the fen
   (``finance.money.split``: floor to the fen, the left-over fens one each to the largest remainders,
   ties to the line listed first in clause order, then rank/USCC order): the batch sums **exactly** to
   the budget and no line grows. Without ``pro_rata`` the excess is reported (``over_budget``).
8. **Co-funding split** (``split``): the final amount shared between levels by largest remainder;
   the shares sum to the amount exactly.

A re-run on the same inputs gives the same lines in the same order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from gaoxin.finance.money import FEN, ZERO, fen, split
from gaoxin.policy import lang
from gaoxin.policy.explain import Check, check, num
from gaoxin.policy.lang import Binary, Node, PExpr
from gaoxin.policy.model import Clause, Condition, Policy

NEAR = 1e-9


# --- the ledger --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A payment (positive) or a clawback (negative) already booked for a firm."""

    uscc: str
    year: int
    policy: str
    clause: str
    amount: Decimal
    group: str | None = None
    total_control: bool = False
    kind: str = "payment"  # payment | clawback


class Ledger:
    """What was paid, per firm and year: by clause, by exclusivity group, toward the total control."""

    def __init__(self, entries: Iterable[Entry] = ()):
        self.entries: list[Entry] = []
        self._clause: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
        self._group: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
        self._total: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
        for e in entries:
            self.add(e)

    def add(self, e: Entry) -> None:
        self.entries.append(e)
        self._clause[(e.uscc, e.year, e.policy, e.clause)] += e.amount
        if e.group:
            self._group[(e.uscc, e.year, e.group)] += e.amount
        if e.total_control:
            self._total[(e.uscc, e.year)] += e.amount

    def clause_paid(self, uscc: str, year: int, policy: str, clause: str) -> Decimal:
        return self._clause.get((uscc, year, policy, clause), ZERO)

    def group_paid(self, uscc: str, year: int, group: str) -> Decimal:
        return self._group.get((uscc, year, group), ZERO)

    def counted(self, uscc: str, year: int) -> Decimal:
        return self._total.get((uscc, year), ZERO)

    def firm(self, uscc: str) -> list[Entry]:
        return [e for e in self.entries if e.uscc == uscc]


# --- results -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    code: str  # cap_item | cap_firm_year | rank | exclusive | total_control | pro_rata | negative
    text: str  # Chinese, for the firm and the clerk
    before: Decimal
    after: Decimal


@dataclass
class ItemLine:
    item: str
    gross: Decimal
    amount: Decimal
    notes: list[str] = field(default_factory=list)


@dataclass
class Line:
    """One firm's award under one clause of one policy."""

    policy: str
    clause: str
    uscc: str
    name: str
    gross: Decimal  # the formula, to the fen, ≥ 0
    amount: Decimal  # after every step
    group: str | None = None
    total_control: bool = False
    rank: int | None = None
    steps: list[Step] = field(default_factory=list)
    items: list[ItemLine] = field(default_factory=list)
    split: dict[str, Decimal] = field(default_factory=dict)
    won: bool = True  # False: cut by the ranking

    def cut(self, code: str, text: str, amount: Decimal) -> None:
        if amount != self.amount:
            self.steps.append(Step(code, text, self.amount, amount))
            self.amount = amount

    def as_dict(self) -> dict:
        return {
            "policy": self.policy,
            "clause": self.clause,
            "uscc": self.uscc,
            "name": self.name,
            "gross": str(self.gross),
            "amount": str(self.amount),
            "rank": self.rank,
            "won": self.won,
            "steps": [
                {"code": s.code, "text": s.text, "before": str(s.before), "after": str(s.after)}
                for s in self.steps
            ],
            "items": [
                {"item": i.item, "gross": str(i.gross), "amount": str(i.amount), "notes": i.notes}
                for i in self.items
            ],
            "split": {k: str(v) for k, v in self.split.items()},
        }


@dataclass
class ClauseResult:
    policy: Policy
    clause: Clause
    frame: pl.DataFrame  # every firm: uscc, name, eligible, excluded, c<i>, x<i>
    lines: list[Line]  # eligible firms with a positive formula amount, in rank / USCC order
    cutoff: tuple | None = None  # the ranking keys of the last winner
    first_out: tuple | None = None  # … and of the first firm cut
    factor: Decimal | None = None  # pro-rata factor (budget ÷ total) when the clause budget bound
    over_budget: Decimal | None = None  # excess over the clause budget without pro_rata

    @property
    def eligible(self) -> int:
        return int(self.frame["eligible"].sum())

    @property
    def winners(self) -> list[Line]:
        return [ln for ln in self.lines if ln.amount > 0]

    @property
    def total(self) -> Decimal:
        return sum((ln.amount for ln in self.lines), ZERO)

    @property
    def gross_total(self) -> Decimal:
        return sum((ln.gross for ln in self.lines), ZERO)


@dataclass
class PolicyResult:
    policy: Policy
    clauses: list[ClauseResult]
    factor: Decimal | None = None
    over_budget: Decimal | None = None

    @property
    def total(self) -> Decimal:
        return sum((c.total for c in self.clauses), ZERO)

    @property
    def lines(self) -> list[Line]:
        return [ln for c in self.clauses for ln in c.lines]


@dataclass
class Run:
    year: int
    policies: list[PolicyResult]
    facts: pl.DataFrame

    def result(self, code: str) -> PolicyResult:
        for p in self.policies:
            if p.policy.code == code:
                return p
        raise KeyError(code)

    @property
    def lines(self) -> list[Line]:
        return [ln for p in self.policies for ln in p.lines]

    def firm_lines(self, uscc: str) -> list[Line]:
        return [ln for ln in self.lines if ln.uscc == uscc]

    def explain(self, code: str, clause: str, uscc: str) -> list[Check]:
        """Every condition and exclusion of the clause, on the firm's facts."""
        p = self.result(code).policy
        row = self.facts.filter(pl.col("uscc") == uscc).to_dicts()
        return explain_row(p, p.clause(clause), row[0] if row else {"uscc": uscc})


def explain_row(policy: Policy, clause: Clause, row: lang.Row) -> list[Check]:
    ns = policy.namespace
    out = [check(c, row, ns) for c in clause.when]
    out += [check(c, row, ns, exclusion=True) for c in (*policy.exclusions, *clause.unless)]
    return out


# --- evaluation helpers ------------------------------------------------------------------------------


def _comparisons(node: Node) -> list[Binary]:
    if isinstance(node, Binary):
        here = [node] if node.op in ("<", "<=", ">", ">=", "==", "!=") else []
        return here + _comparisons(node.left) + _comparisons(node.right)
    if isinstance(node, lang.Unary):
        return _comparisons(node.operand)
    return []


def exact(expr: PExpr, frame: pl.DataFrame) -> pl.Series:
    """The condition on every row (nullable Boolean), boundary rows re-decided exactly in Decimal."""
    values = frame.select(pl.col("uscc"), expr.polars().alias("__v"))["__v"]
    cmps = [c for c in _comparisons(expr.tree) if not (lang._is_bool(c.left, expr.ns))]
    if not cmps or not frame.height:
        return values
    nears = []
    for c in cmps:
        lv, rv = expr.part(c.left).number(), expr.part(c.right).number()
        nears.append(((lv - rv).abs() <= NEAR * (lv.abs() + rv.abs() + 1)).fill_null(False))
    near = frame.select(pl.any_horizontal(nears).alias("n"))["n"]
    idx = near.arg_true()
    if not len(idx):
        return values
    rows = frame[idx].to_dicts()
    fixed = [expr.decimal(r) for r in rows]
    return values.scatter(idx, pl.Series([None if v is None else bool(v) for v in fixed], dtype=pl.Boolean))


def _all(series: list[pl.Series], n: int) -> pl.Series:
    out = pl.Series("eligible", [True] * n, dtype=pl.Boolean)
    for s in series:
        out = out & s.fill_null(False)
    return out


def _any(series: list[pl.Series], n: int) -> pl.Series:
    out = pl.Series("excluded", [False] * n, dtype=pl.Boolean)
    for s in series:
        out = out | s.fill_null(False)
    return out


def _columns(uses: lang.Uses) -> set[str]:
    cols = set(uses.fields) | {f"prev:{f}" for f in uses.prev} | set(uses.inputs) | set(uses.items)
    cols |= {f"{fn}:{k}" for fn, k in uses.quals} | {f"ladder:{t}" for t in uses.ladder}
    for s in uses.scores:
        cols.add({"grade": "score_grade", "on_list": "score_list"}.get(s, s))
    if uses.age:
        cols.add("age_years")
    return cols


def _amount(clause: Clause, row: lang.Row) -> Decimal:
    for tier in clause.tiers:
        if tier.when is None or tier.when.decimal(row) is True:
            v = tier.amount.decimal(row)
            if v is None:
                return ZERO
            return max(fen(v), ZERO)  # type: ignore[arg-type]
    return ZERO


def _cap(caps: Sequence[PExpr], row: lang.Row) -> tuple[Decimal | None, str]:
    best: Decimal | None = None
    text = ""
    for c in caps:
        v = c.decimal(row)
        if v is None:
            continue
        v = max(fen(v), ZERO)  # type: ignore[arg-type]
        if best is None or v < best:
            best, text = v, "" if isinstance(c.tree, lang.Num) else f"（{c.label()}）"
    return best, text


def _keys(rank, frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select("uscc", *[e.number().alias(f"k{i}") for i, e in enumerate(rank.by)])


# --- one clause ----------------------------------------------------------------------------------------


def evaluate_clause(
    policy: Policy,
    clause: Clause,
    facts: pl.DataFrame,
    year: int,
    items: pl.DataFrame | None,
    ledger: Ledger,
) -> ClauseResult:
    n = facts.height
    conds = [exact(c.expr, facts) for c in clause.when]
    excl = [c.expr.polars().fill_null(False) for c in (*policy.exclusions, *clause.unless)]
    excl_series = [facts.select(pl.col("uscc"), e.alias("__x"))["__x"] for e in excl]
    eligible = _all(conds, n)
    excluded = _any(excl_series, n)
    eligible = eligible & ~excluded
    frame = facts.select("uscc", "name").with_columns(
        eligible.alias("eligible"),
        excluded.alias("excluded"),
        *[s.alias(f"c{i}") for i, s in enumerate(conds)],
        *[s.alias(f"x{i}") for i, s in enumerate(excl_series)],
    )
    uses = lang.Uses()
    for t in clause.tiers:
        uses.update(t.amount.uses)
        if t.when:
            uses.update(t.when.uses)
    for c in (*clause.cap_item, *clause.cap_firm_year):
        uses.update(c.uses)
    cols = sorted(_columns(uses) - set(uses.items))
    chosen = facts.filter(eligible)
    lines: list[Line] = []
    if clause.per == "item":
        lines = _item_lines(policy, clause, chosen, cols, year, items, ledger)
    else:
        for row in chosen.select("uscc", "name", *[c for c in cols if c in chosen.columns]).to_dicts():
            gross = _amount(clause, row)
            line = Line(
                policy.code,
                clause.id,
                row["uscc"],
                row["name"] or "",
                gross,
                gross,
                clause.group,
                clause.total_control,
            )
            cap, text = _cap(clause.cap_item, row)
            if cap is not None and line.amount > cap:
                line.cut("cap_item", f"单项封顶 {num(cap)} 万元{text}", cap)
            _firm_year(line, clause, row, year, ledger)
            if line.gross > 0:
                lines.append(line)
    result = ClauseResult(policy, clause, frame, lines)
    if clause.rank:
        _rank(result, chosen)
    else:
        result.lines.sort(key=lambda ln: ln.uscc)
    return result


def _firm_year(line: Line, clause: Clause, row: lang.Row, year: int, ledger: Ledger) -> None:
    cap, text = _cap(clause.cap_firm_year, row)
    if cap is None:
        return
    paid = ledger.clause_paid(line.uscc, year, line.policy, line.clause)
    room = max(cap - paid, ZERO)
    if line.amount > room:
        already = f"，本年已享受 {num(paid)} 万元" if paid else ""
        line.cut("cap_firm_year", f"每家企业每年最高 {num(cap)} 万元{text}{already}", room)


def _item_lines(
    policy: Policy,
    clause: Clause,
    chosen: pl.DataFrame,
    cols: list[str],
    year: int,
    items: pl.DataFrame | None,
    ledger: Ledger,
) -> list[Line]:
    if items is None or not items.height or not chosen.height:
        return []
    firm_cols = [c for c in cols if c in chosen.columns]
    joined = items.join(chosen.select("uscc", "name", *firm_cols), on="uscc", how="inner")
    if clause.item_when:
        ok = _all([exact(c.expr, joined) for c in clause.item_when], joined.height)
        joined = joined.filter(ok)
    joined = joined.with_columns(pl.col("item").cast(pl.Utf8)).sort(["uscc", "item"])
    by_firm: dict[str, list[dict]] = defaultdict(list)
    for row in joined.to_dicts():
        by_firm[row["uscc"]].append(row)
    out = []
    for uscc, rows in by_firm.items():
        line = Line(
            policy.code,
            clause.id,
            uscc,
            rows[0]["name"] or "",
            ZERO,
            ZERO,
            clause.group,
            clause.total_control,
        )
        for row in rows:
            gross = _amount(clause, row)
            item = ItemLine(str(row["item"]), gross, gross)
            cap, text = _cap(clause.cap_item, row)
            if cap is not None and item.amount > cap:
                item.notes.append(f"单项封顶 {num(cap)} 万元{text}")
                item.amount = cap
            line.items.append(item)
        line.gross = sum((i.gross for i in line.items), ZERO)
        line.amount = sum((i.amount for i in line.items), ZERO)
        if line.amount < line.gross:
            line.steps.append(Step("cap_item", "逐项封顶", line.gross, line.amount))
        cap, text = _cap(clause.cap_firm_year, rows[0])
        if cap is not None:
            paid = ledger.clause_paid(uscc, year, policy.code, clause.id)
            room = max(cap - paid, ZERO)
            if line.amount > room:
                before = line.amount
                for item in line.items:  # items fill the firm-year cap in item order
                    take = min(item.amount, room)
                    if take < item.amount:
                        item.notes.append(f"已达每年最高 {num(cap)} 万元")
                    item.amount, room = take, room - take
                line.amount = sum((i.amount for i in line.items), ZERO)
                already = f"，本年已享受 {num(paid)} 万元" if paid else ""
                line.steps.append(
                    Step(
                        "cap_firm_year",
                        f"每家企业每年最高 {num(cap)} 万元{text}{already}",
                        before,
                        line.amount,
                    )
                )
        if line.gross > 0:
            out.append(line)
    return out


def _rank(result: ClauseResult, chosen: pl.DataFrame) -> None:
    rank = result.clause.rank
    assert rank is not None
    if not result.lines:
        return
    keys = _keys(rank, chosen.filter(pl.col("uscc").is_in([ln.uscc for ln in result.lines])))
    kcols = [f"k{i}" for i in range(len(rank.by))]
    ordered = keys.sort(
        [*kcols, "uscc"], descending=[rank.descending] * len(kcols) + [False], nulls_last=True
    )
    order = {u: i for i, u in enumerate(ordered["uscc"])}
    values = {r[0]: tuple(r[1:]) for r in ordered.select("uscc", *kcols).iter_rows()}
    result.lines.sort(key=lambda ln: order[ln.uscc])
    last = values[result.lines[min(rank.top, len(result.lines)) - 1].uscc]
    result.cutoff = last
    for i, ln in enumerate(result.lines, start=1):
        ln.rank = i
        inside = i <= rank.top or (rank.ties == "include" and values[ln.uscc] == last)
        if not inside:
            if result.first_out is None:
                result.first_out = values[ln.uscc]
            ln.won = False
            ln.cut("rank", f"排名第 {i} 名，本条款最多奖补 {rank.top} 家", ZERO)


# --- across policies ----------------------------------------------------------------------------------


def _exclusive(lines: list[Line], year: int, ledger: Ledger) -> None:
    groups: dict[tuple[str, str], list[Line]] = defaultdict(list)
    for ln in lines:
        if ln.group and ln.amount > 0:
            groups[(ln.uscc, ln.group)].append(ln)
    for (uscc, group), members in groups.items():
        best = max(members, key=lambda ln: ln.amount)  # max keeps the first of equals: policy, clause order
        paid = ledger.group_paid(uscc, year, group)
        for ln in members:
            if ln is best:
                if paid > 0:
                    ln.cut(
                        "exclusive",
                        f"从高不重复（{group}）：本年同组已享受 {num(paid)} 万元，补足差额",
                        max(ln.amount - paid, ZERO),
                    )
            else:
                ln.cut(
                    "exclusive",
                    f"从高不重复（{group}）：按同组较高的 {best.policy}/{best.clause} {num(best.amount)} 万元享受",
                    ZERO,
                )


def _total_control(results: list[PolicyResult], facts: pl.DataFrame, year: int, ledger: Ledger) -> None:
    used: dict[str, Decimal] = defaultdict(lambda: ZERO)
    rows: dict[str, dict] = {}
    needed: set[str] = set()
    for pr in results:
        tc = pr.policy.total_control
        if tc:
            needed |= _columns(tc.ceiling.uses) | (_columns(tc.applies.uses) if tc.applies else set())
    if needed:
        counted = {ln.uscc for pr in results for ln in pr.lines if ln.total_control and ln.amount > 0}
        sub = facts.filter(pl.col("uscc").is_in(list(counted))).select(
            "uscc", *sorted(needed & set(facts.columns))
        )
        rows = {r["uscc"]: r for r in sub.to_dicts()}
    for pr in results:
        tc = pr.policy.total_control
        for ln in pr.lines:
            if not ln.total_control or ln.amount <= 0 or tc is None:
                continue
            row = rows.get(ln.uscc, {})
            if tc.applies is not None and tc.applies.decimal(row) is not True:
                continue
            ceiling = tc.ceiling.decimal(row)
            if ceiling is None:
                ln.cut("total_control", f"总量控制：缺少{tc.ceiling.label()}数据，待补充后核定", ZERO)
                continue
            ceiling = max(fen(ceiling), ZERO)  # type: ignore[arg-type]
            room = max(ceiling - ledger.counted(ln.uscc, year) - used[ln.uscc], ZERO)
            if ln.amount > room:
                ln.cut(
                    "total_control",
                    f"总量控制：本年奖补合计不超过{tc.ceiling.label()} {num(ceiling)} 万元",
                    room,
                )
            used[ln.uscc] += ln.amount


def _budget(
    lines: list[Line], budget: Decimal | None, pro_rata: bool, where: str
) -> tuple[Decimal | None, Decimal | None]:
    """(factor, over_budget) after sharing ``budget`` among ``lines`` (in their order) if it binds."""
    if budget is None:
        return None, None
    paying = [ln for ln in lines if ln.amount > 0]
    total = sum((ln.amount for ln in paying), ZERO)
    if total <= budget:
        return None, None
    if not pro_rata:
        return None, total - budget
    factor = budget / total
    shares = split(budget, [(str(i), ln.amount) for i, ln in enumerate(paying)])
    for i, ln in enumerate(paying):
        ln.cut(
            "pro_rata",
            f"{where}预算 {num(budget)} 万元不足（申领合计 {num(total)} 万元），按 {num(factor, 6)} 的比例核减",
            shares[str(i)],
        )
    return factor, None


def _split(line: Line, clause: Clause, level: str) -> None:
    if line.amount <= 0:
        line.split = {}
    elif clause.split:
        line.split = split(line.amount, list(clause.split))
    else:
        line.split = {level: line.amount}


def run(
    policies: Sequence[Policy],
    facts: pl.DataFrame,
    year: int,
    *,
    items: pl.DataFrame | Mapping[str, pl.DataFrame] | None = None,
    ledger: Ledger | None = None,
) -> Run:
    """Match every clause of ``policies`` against ``facts`` (``facts.facts``) for data year ``year``."""
    from gaoxin.policy.facts import complete

    ledger = ledger or Ledger()
    results: list[PolicyResult] = []
    for p in policies:
        declared = {**p.namespace.inputs, **p.namespace.items}
        firm_uses = p.uses()
        item_names = set(firm_uses.items)
        firm_uses.items = set()
        facts = complete(facts, firm_uses, declared)
        its = items.get(p.code) if isinstance(items, Mapping) else items
        if its is not None and item_names:
            its = complete(its, lang.Uses(items=item_names), declared).drop("name", strict=False)
        results.append(PolicyResult(p, [evaluate_clause(p, c, facts, year, its, ledger) for c in p.clauses]))
    all_lines = [ln for pr in results for ln in pr.lines if ln.won]
    _exclusive(all_lines, year, ledger)
    _total_control(results, facts, year, ledger)
    for pr in results:
        for cr in pr.clauses:
            cr.factor, cr.over_budget = _budget(cr.lines, cr.clause.budget, cr.clause.pro_rata, "本条款")
        pr.factor, pr.over_budget = _budget(pr.lines, pr.policy.budget, pr.policy.pro_rata, "本政策")
        for cr in pr.clauses:
            for ln in cr.lines:
                _split(ln, cr.clause, pr.policy.level)
    return Run(year, results, facts)


__all__ = [
    "FEN",
    "ClauseResult",
    "Condition",
    "Entry",
    "Ledger",
    "Line",
    "PolicyResult",
    "Run",
    "Step",
    "explain_row",
    "run",
]


def prepare(policies: Sequence[Policy], data, year: int, **kw) -> pl.DataFrame:
    """The facts frame for ``policies`` (``facts.facts`` with the union of what they read)."""
    from gaoxin.policy.facts import facts

    uses = lang.Uses()
    declared: dict[str, lang.Input] = {}
    for p in policies:
        uses.update(p.uses())
        declared |= dict(p.namespace.inputs)
    uses.items = set()
    return facts(data, year, uses, declared=declared, **kw)


@dataclass(frozen=True)
class Miss:
    """A clause a firm does not meet: the failed checks and how far it is (0 = meets it)."""

    policy: str
    clause: str
    title: str
    distance: Decimal  # Σ relative shortfall of each failed condition (a yes/no or missing one: 1)
    failed: list[Check]


def distance(checks: Sequence[Check]) -> Decimal:
    """The ladder's measure: (required − actual) ÷ required for a "≥" gap, 1 for a yes/no or missing."""
    d = ZERO
    for c in checks:
        if c.ok:
            continue
        if c.ok is False and c.gap is not None and c.right and c.right > 0 and c.gap_field == "":
            d += min(max(c.gap / c.right, ZERO), Decimal(1))
        elif c.ok is False and c.gap is not None and c.gap_field and c.left is not None and c.right:
            d += min(max((c.right - c.left) / c.right, ZERO), Decimal(1))
        else:
            d += Decimal(1)
    return d.quantize(Decimal("0.000001"))


def misses(result: Run, uscc: str, limit: int | None = None) -> list[Miss]:
    """The clauses the firm does not meet, nearest first (then policy and clause order)."""
    rows = result.facts.filter(pl.col("uscc") == uscc).to_dicts()
    row = rows[0] if rows else {"uscc": uscc}
    out: list[tuple[Decimal, int, Miss]] = []
    n = 0
    for pr in result.policies:
        for cr in pr.clauses:
            n += 1
            hit = cr.frame.filter(pl.col("uscc") == uscc)
            if hit.height and hit["eligible"][0]:
                continue
            checks = explain_row(pr.policy, cr.clause, row)
            if any(c.ok is False for c in checks[len(cr.clause.when) :]):
                continue  # excluded: not something the firm can close
            failed = [c for c in checks if not c.ok]
            d = distance(failed)
            out.append((d, n, Miss(pr.policy.code, cr.clause.id, cr.clause.title, d, failed)))
    out.sort(key=lambda t: (t[0], t[1]))
    found = [m for _, _, m in out]
    return found[:limit] if limit else found
