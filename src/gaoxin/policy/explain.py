"""Why a firm meets a condition or not: the values read, and what it lacks in its own units.

``check(condition, row, ns)`` evaluates one condition exactly (``Decimal``) on one facts row and says,
for a comparison ``L op R``, both values and the shortfall: ``研发费用 86 万元 < 100 万元：差 14 万元``.
For a ratio against a constant (``rd_expense / main_revenue >= 0.01``) it also says how much more of
the numerator would meet it (``研发费用还差 20 万元``): the counterfactual a firm can act on.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from gaoxin.policy import lang
from gaoxin.policy.lang import Binary, Call, Name, Namespace, Num
from gaoxin.policy.model import Condition

_OPS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠"}
_NEG = {"<": "≥", "<=": ">", ">": "≤", ">=": "<", "==": "≠", "!=": "="}


def num(value: Decimal | None, places: int = 4) -> str:
    """A number for a sentence: at most ``places`` decimals, no trailing zeros, thousands unseparated."""
    if value is None:
        return "—"
    q = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{q:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class Check:
    label: str
    text: str
    ok: bool | None  # None: a value it needs is missing
    left: Decimal | None = None
    op: str | None = None
    right: Decimal | None = None
    unit: str = ""
    gap: Decimal | None = None  # how much is lacking, in ``gap_unit``
    gap_unit: str = ""
    gap_field: str = ""  # what the gap is of (a field label), when not the left side
    sentence: str = ""  # in Chinese
    reads: tuple[str, ...] = ()  # the facts columns read (report fields, prev:…, inputs)

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "text": self.text,
            "ok": self.ok,
            "left": None if self.left is None else str(self.left),
            "op": self.op,
            "right": None if self.right is None else str(self.right),
            "unit": self.unit,
            "gap": None if self.gap is None else str(self.gap),
            "gap_unit": self.gap_unit,
            "gap_field": self.gap_field,
            "sentence": self.sentence,
            "reads": list(self.reads),
        }


def reads(uses: lang.Uses) -> tuple[str, ...]:
    out = [*sorted(uses.fields), *(f"prev:{f}" for f in sorted(uses.prev)), *sorted(uses.inputs)]
    out += [f"{fn}:{k}" for fn, k in sorted(uses.quals)] + [f"ladder:{t}" for t in sorted(uses.ladder)]
    out += sorted(uses.scores) + (["age_years"] if uses.age else []) + sorted(uses.items)
    return tuple(out)


def col_label(col: str, ns: Namespace) -> str:
    """The Chinese label of a facts column (prev:rd_expense → 上年研发费用)."""
    if col.startswith("prev:"):
        return f"上年{ns.label(col[5:])}"
    return ns.label(col.split(":", 1)[-1])


def _u(value: Decimal | None, unit: str) -> str:
    return f"{num(value)} {unit}".rstrip() if value is not None else "未填报"


def check(cond: Condition, row: lang.Row, ns: Namespace, exclusion: bool = False) -> Check:
    """One condition on one row. For an exclusion, ``ok`` is True when the firm is *not* excluded."""
    e = cond.expr
    raw = e.decimal(row)
    rd = reads(e.uses)
    if exclusion:
        hit = raw is True
        sentence = f"{cond.label}：{'是（不予奖补）' if hit else '否'}"
        return Check(cond.label, e.text, not hit, sentence=sentence, reads=rd)
    ok = None if raw is None else bool(raw)
    cmp = e.comparison
    if cmp is None:
        word = {True: "是", False: "否", None: "数据缺失"}[ok]
        return Check(cond.label, e.text, ok, sentence=f"{cond.label}：{word}", reads=rd)
    lnode, op, rnode = cmp
    left, right = e.part(lnode), e.part(rnode)
    lv, rv = lang._as_num(left.decimal(row)), lang._as_num(right.decimal(row))
    unit = lang.unit_of(lnode, ns) or lang.unit_of(rnode, ns)
    llabel = left.label()
    if ok is None:
        missing = [col_label(c, ns) for c in reads(left.uses) + reads(right.uses) if row.get(c) is None]
        what = "、".join(dict.fromkeys(missing)) or llabel
        return Check(
            cond.label,
            e.text,
            None,
            lv,
            op,
            rv,
            unit,
            sentence=f"{what}未填报，无法判断：{cond.label}",
            reads=rd,
        )
    mark = _OPS[op] if ok else _NEG[op]
    pct = isinstance(lnode, Binary) and lnode.op == "/" and not unit
    show = (lambda v: f"{num(v * 100, 2)}%") if pct else (lambda v: _u(v, unit))
    rlabel = "" if isinstance(rnode, Num) else f"{right.label()} "
    head = f"{llabel} {show(lv)} {mark} {rlabel}{show(rv)}"
    if ok:
        return Check(cond.label, e.text, True, lv, op, rv, unit, sentence=f"{head}：符合", reads=rd)
    gap = gap_unit = None
    gap_field = ""
    assert lv is not None and rv is not None
    if op in (">=", ">"):
        gap, gap_unit = rv - lv, unit
        if isinstance(lnode, Binary) and lnode.op == "/" and isinstance(rnode, Num):
            numer, denom = e.part(lnode.left), e.part(lnode.right)
            nv, dv = lang._as_num(numer.decimal(row)), lang._as_num(denom.decimal(row))
            nunit = lang.unit_of(lnode.left, ns)
            if nv is not None and dv is not None and isinstance(lnode.left, Name | Call):
                gap, gap_unit, gap_field = rv * dv - nv, nunit, numer.label()
        tail = f"还差 {num(gap)} {gap_unit}".rstrip()
        if gap_field:
            tail = f"{gap_field}{tail}"
        if op == ">":
            tail += "以上"
    elif op in ("<=", "<"):
        gap, gap_unit = lv - rv, unit
        tail = f"超出 {num(gap)} {gap_unit}".rstrip()
    else:
        tail = "不符合"
    return Check(
        cond.label, e.text, False, lv, op, rv, unit, gap, gap_unit or "", gap_field, f"{head}：{tail}", rd
    )
