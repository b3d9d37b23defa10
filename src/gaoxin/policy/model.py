"""A policy file (YAML): what it says, checked like a model, every fault with its place.

A policy is a document (文号, issuer, level, validity, budget, execution type) with clauses (条款); each
clause says who is eligible, what is excluded, how much is paid, the caps, ranking, budget, its
exclusivity group (从高不重复) and the co-funding split. Example (the 砀山 R&D reward)::

    code: dangshan-rd
    title: 砀山县研发投入奖励
    doc_no: 砀政办〔2023〕号（示例）
    issuer: 砀山县人民政府
    level: 县
    valid: {from: 2023-01-01, to: 2026-12-31}
    execution: 资格定补
    budget: 1000
    exclusions: [serious_dishonesty, abnormal_operation, moved_out]
    clauses:
      - id: rd-reward
        title: 研发投入奖励
        when:
          - above_scale
          - rd_expense >= 100
          - rd_expense / main_revenue >= 0.01
          - rd_expense > prev(rd_expense)
        amount: 0.01 * rd_expense + 0.02 * (rd_expense - prev(rd_expense))
        caps: {item: 50}
        rank: {by: rd_expense, top: 20}
        split: {市: 50, 县: 50}

Keys of a clause: ``id``, ``title``, ``when`` (conditions, all must hold), ``unless`` (exclusions of
this clause), ``per`` (``firm`` or ``item``: one award per item row, e.g. per technology contract),
``item_when`` (conditions on an item), ``amount`` (an expression) or ``tiers`` (a list of
``{when, amount}``, the first that holds pays), ``caps`` (``item``, ``firm_year``: a number, an
expression or a list of them, the smallest binds), ``rank`` (``by``: expression or list, ``order``:
desc | asc, ``top``: N, ``ties``: ``uscc`` | ``include``), ``budget`` and ``pro_rata``, ``group``
(从高不重复 group id), ``total_control`` (counts toward the firm's total-control ceiling), ``split``.

Numbers are read through their text (a YAML ``0.01`` is exactly one hundredth); a key written twice,
an unknown key, a wrong type, an unknown name in an expression or a clause id used twice is a fault.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from gaoxin.data import safe_yaml
from gaoxin.policy import lang
from gaoxin.policy.lang import BOOL, NUM, ExprError, Input, Namespace, PExpr

LEVELS = ("国", "省", "市", "区", "县")
EXECUTION_TYPES = ("资格定补", "数据核校", "审查遴选", "快申")
TIE_RULES = ("uscc", "include")
POLICIES_DIR = Path(__file__).parent / "policies"

# Facts every policy may read that a department supplies (a fact sheet: 统计局's 规上 list, 税务局's
# contribution figures …). They are fields of the data dictionary's annual report now (issue 12), so they
# live in the register with their source; the policy app's fact import writes them there. A fact named
# here that the dictionary does not carry stays a built-in input of every policy. Missing means "not
# supplied": a condition on it fails, an exclusion on it does not bite.
DEPARTMENT_FACTS: dict[str, Input] = {
    "above_scale": Input("above_scale", "规模以上企业", BOOL),
    "moved_out": Input("moved_out", "已迁出或公示期内迁出本区", BOOL),
    "local_contribution": Input("local_contribution", "上年度地方综合贡献度", NUM, "万元"),
    "real_estate": Input("real_estate", "房地产企业", BOOL),
}
# The department facts the dictionary does not carry (none today): policies read them as inputs.
BUILTIN_INPUTS: dict[str, Input] = {
    k: v for k, v in DEPARTMENT_FACTS.items() if k not in lang.SCORABLE_FIELDS
}
# The department facts that are dictionary fields: policies read them from the register.
FACT_FIELDS: tuple[str, ...] = tuple(k for k in DEPARTMENT_FACTS if k in lang.SCORABLE_FIELDS)
# Standard exclusions (seen in real clauses): name → (expression, Chinese label).
EXCLUSIONS: dict[str, tuple[str, str]] = {
    "serious_dishonesty": ("serious_dishonesty", "列入严重失信主体名单"),
    "abnormal_operation": ("abnormal_operation", "列入经营异常名录"),
    "major_incident": ("major_incident", "发生重大安全、质量或环境事故"),
    "moved_out": ("moved_out", "已迁出本区"),
    "real_estate": ("real_estate", "房地产企业"),
}
_TYPES = {"money": (NUM, "万元"), "number": (NUM, ""), "int": (NUM, ""), "bool": (BOOL, "")}


@dataclass(frozen=True)
class Fault:
    where: str  # e.g. "clauses[2] rd-reward.caps.item (line 14)"
    fault: str

    def __str__(self) -> str:
        return f"{self.where}: {self.fault}"


class PolicyError(ValueError):
    def __init__(self, faults: list[Fault], name: str = "policy"):
        self.faults = faults
        self.name = name
        super().__init__("\n".join(f"{name}: {f}" for f in faults))


@dataclass(frozen=True)
class Condition:
    expr: PExpr
    label: str  # Chinese, for a clerk and the firm

    @property
    def text(self) -> str:
        return self.expr.text


@dataclass(frozen=True)
class Tier:
    when: PExpr | None  # None: always (the last, default tier)
    amount: PExpr


@dataclass(frozen=True)
class Rank:
    by: tuple[PExpr, ...]
    descending: bool
    top: int
    ties: str  # uscc: exactly N, ties broken by the USCC ascending; include: every firm tied with the Nth


@dataclass(frozen=True)
class Clause:
    id: str
    title: str
    when: tuple[Condition, ...]
    unless: tuple[Condition, ...]
    per: str  # firm | item
    item_when: tuple[Condition, ...]
    tiers: tuple[Tier, ...]  # one tier with when=None for a plain amount
    cap_item: tuple[PExpr, ...]
    cap_firm_year: tuple[PExpr, ...]
    rank: Rank | None
    budget: Decimal | None
    pro_rata: bool
    group: str | None
    total_control: bool
    split: tuple[tuple[str, Decimal], ...]

    @property
    def amount_text(self) -> str:
        if len(self.tiers) == 1 and self.tiers[0].when is None:
            return self.tiers[0].amount.text
        return "；".join(f"{t.when.text if t.when else '其他'} → {t.amount.text}" for t in self.tiers)

    @property
    def amount_zh(self) -> str:
        """``amount_text`` in Chinese labels (field names from the data dictionary)."""
        if len(self.tiers) == 1 and self.tiers[0].when is None:
            return self.tiers[0].amount.zh
        return "；".join(f"{t.when.zh if t.when else '其他'} → {t.amount.zh}" for t in self.tiers)

    def expressions(self) -> list[PExpr]:
        out = [c.expr for c in (*self.when, *self.unless, *self.item_when)]
        for t in self.tiers:
            out += [t.amount] + ([t.when] if t.when else [])
        out += [*self.cap_item, *self.cap_firm_year, *(self.rank.by if self.rank else ())]
        return out


@dataclass(frozen=True)
class TotalControl:
    ceiling: PExpr  # the firm's annual ceiling (Wenzhou: last year's 地方综合贡献度)
    applies: PExpr | None  # to which firms (Wenzhou: registered more than 3 years); None: all


@dataclass(frozen=True)
class Policy:
    code: str
    title: str
    doc_no: str
    issuer: str
    level: str
    valid_from: dt.date
    valid_to: dt.date
    execution: str
    budget: Decimal | None
    pro_rata: bool
    example: bool
    source: str
    score_model: str | None
    inputs: tuple[Input, ...]
    items: tuple[Input, ...]
    exclusions: tuple[Condition, ...]
    total_control: TotalControl | None
    clauses: tuple[Clause, ...]
    sha256: str = ""
    text: str = field(default="", repr=False)

    def clause(self, cid: str) -> Clause:
        for c in self.clauses:
            if c.id == cid:
                return c
        raise KeyError(cid)

    def covers(self, year: int) -> bool:
        """The policy is in force for data year ``year`` (its validity meets that calendar year)."""
        return self.valid_from <= dt.date(year, 12, 31) and self.valid_to >= dt.date(year, 1, 1)

    @property
    def namespace(self) -> Namespace:
        return Namespace({**BUILTIN_INPUTS, **{i.id: i for i in self.inputs}}, {i.id: i for i in self.items})

    def uses(self) -> lang.Uses:
        uses = lang.Uses()
        for e in self.expressions():
            uses.update(e.uses)
        return uses

    def expressions(self) -> list[PExpr]:
        out = [c.expr for c in self.exclusions]
        if self.total_control:
            out.append(self.total_control.ceiling)
            if self.total_control.applies:
                out.append(self.total_control.applies)
        for c in self.clauses:
            out += c.expressions()
        return out


# --- YAML with line numbers and exact decimals -----------------------------------------------------


class _Map(dict):
    lines: dict[Any, int]


class _Seq(list):
    lines: list[int]


class _Loader(safe_yaml.Bounded, yaml.SafeLoader):
    """SafeLoader: refuses a key written twice, reads floats as Decimal, remembers each value's line."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> _Map:
    out = _Map()
    out.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key {key!r} is written twice (first on line {out.lines[key] + 1})",
                key_node.start_mark,
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = value_node.start_mark.line
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    out = _Seq(loader.construct_object(n, deep=True) for n in node.value)
    out.lines = [n.start_mark.line for n in node.value]
    return out


def _float(loader: _Loader, node: yaml.ScalarNode) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal("NaN")


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_Loader.add_constructor("tag:yaml.org,2002:float", _float)


class _Reader:
    def __init__(self) -> None:
        self.faults: list[Fault] = []

    @staticmethod
    def place(where: str, parent: Any = None, key: Any = None) -> str:
        line = None
        if (isinstance(parent, _Map) and key in parent.lines) or (
            isinstance(parent, _Seq) and isinstance(key, int) and key < len(parent.lines)
        ):
            line = parent.lines[key]
        return f"{where} (line {line + 1})" if line is not None else where

    def fault(self, where: str, fault: str, parent: Any = None, key: Any = None) -> None:
        self.faults.append(Fault(self.place(where, parent, key), fault))

    def unknown(self, raw: dict, known: set[str], where: str) -> None:
        for k in raw:
            if k not in known:
                self.fault(
                    f"{where}.{k}" if where else str(k),
                    f"unknown key; known: {', '.join(sorted(known))}",
                    raw,
                    k,
                )

    def text(self, raw: dict, key: str, where: str, required: bool = False, default: str = "") -> str:
        v = raw.get(key)
        if v is None:
            if required:
                self.fault(f"{where}{key}", "is required")
            return default
        if not isinstance(v, str | int) or isinstance(v, bool) or not str(v).strip():
            self.fault(f"{where}{key}", f"must be text, found {v!r}", raw, key)
            return default
        return str(v).strip()

    def choice(
        self, raw: dict, key: str, where: str, choices: tuple[str, ...], default: str | None = None
    ) -> str:
        v = raw.get(key, default)
        if v is None:
            self.fault(f"{where}{key}", f"is required; one of {', '.join(choices)}")
            return choices[0]
        if v not in choices:
            self.fault(f"{where}{key}", f"{v!r} is not one of {', '.join(choices)}", raw, key)
            return choices[0]
        return v

    def flag(self, raw: dict, key: str, where: str, default: bool = False) -> bool:
        v = raw.get(key, default)
        if not isinstance(v, bool):
            self.fault(f"{where}{key}", f"must be true or false, found {v!r}", raw, key)
            return default
        return v

    def money(self, raw: dict, key: str, where: str) -> Decimal | None:
        v = raw.get(key)
        if v is None:
            return None
        d = _decimal(v)
        if d is None or d <= 0:
            self.fault(f"{where}{key}", f"must be an amount in 万元 greater than 0, found {v!r}", raw, key)
            return None
        return d

    def date(self, raw: dict, key: str, where: str) -> dt.date | None:
        v = raw.get(key)
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
            return v
        if isinstance(v, str):
            try:
                return dt.date.fromisoformat(v.strip())
            except ValueError:
                pass
        self.fault(f"{where}{key}", f"must be a date written YYYY-MM-DD, found {v!r}", raw, key)
        return None

    def expr(self, value: Any, where: str, ns: Namespace, want: str, parent: Any, key: Any) -> PExpr | None:
        try:
            return lang.parse(value, ns, want)
        except ExprError as exc:
            self.fault(where, f"{exc.message} in {value!r}", parent, key)
            return None

    def exprs(self, raw: dict, key: str, where: str, ns: Namespace, want: str) -> tuple[PExpr, ...]:
        v = raw.get(key)
        if v is None:
            return ()
        items = v if isinstance(v, list) else [v]
        out = []
        for i, item in enumerate(items):
            parent, k = (v, i) if isinstance(v, list) else (raw, key)
            w = f"{where}{key}[{i}]" if isinstance(v, list) else f"{where}{key}"
            e = self.expr(item, w, ns, want, parent, k)
            if e is not None:
                out.append(e)
        return tuple(out)

    def conditions(self, raw: dict, key: str, where: str, ns: Namespace) -> tuple[Condition, ...]:
        v = raw.get(key)
        if v is None:
            return ()
        if not isinstance(v, list):
            v = [v]
        out = []
        for i, item in enumerate(v):
            w = f"{where}{key}[{i}]"
            label = None
            if isinstance(item, dict):
                self.unknown(item, {"if", "label"}, w)
                label = item.get("label")
                item = item.get("if")
            e = self.expr(item, w, ns, BOOL, v, i)
            if e is not None:
                out.append(Condition(e, str(label) if label else e.label()))
        return tuple(out)


def _decimal(v: Any) -> Decimal | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, Decimal):
        return v if v.is_finite() else None
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, str):
        try:
            d = Decimal(v.strip().replace(",", ""))
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


def _declared(r: _Reader, raw: dict, key: str, level: str) -> tuple[Input, ...]:
    v = raw.get(key)
    if v is None:
        return ()
    if not isinstance(v, list):
        r.fault(key, "must be a list of {id, zh, type}", raw, key)
        return ()
    out = []
    for i, item in enumerate(v):
        w = f"{key}[{i}]"
        if not isinstance(item, dict):
            r.fault(w, "must be a mapping {id, zh, type}", v, i)
            continue
        r.unknown(item, {"id", "zh", "type", "unit"}, w)
        iid = r.text(item, "id", f"{w}.", required=True)
        if iid and not iid.isidentifier():
            r.fault(f"{w}.id", f"{iid!r} must be a name of letters, digits and _", item, "id")
        if iid in lang.SCORABLE_FIELDS or iid in BUILTIN_INPUTS:
            r.fault(f"{w}.id", f"{iid!r} is already a field every policy reads", item, "id")
        typ = r.choice(item, "type", f"{w}.", tuple(_TYPES), "number")
        t, unit = _TYPES[typ]
        out.append(
            Input(
                iid,
                r.text(item, "zh", f"{w}.", required=True, default=iid),
                t,
                r.text(item, "unit", f"{w}.", default=unit),
                level,
            )
        )
    return tuple(out)


CLAUSE_KEYS = {
    "id", "title", "when", "unless", "per", "item_when", "amount", "tiers", "caps", "rank", "budget",
    "pro_rata", "group", "total_control", "split",
}  # fmt: skip
POLICY_KEYS = {
    "code", "title", "doc_no", "issuer", "level", "valid", "execution", "budget", "pro_rata", "example",
    "source", "score_model", "inputs", "items", "exclusions", "total_control", "clauses", "notes",
}  # fmt: skip


def _clause(r: _Reader, raw: Any, i: int, ns: Namespace, seen: set[str], parent: _Seq) -> Clause | None:
    if not isinstance(raw, dict):
        r.fault(f"clauses[{i}]", "must be a mapping", parent, i)
        return None
    cid = r.text(raw, "id", f"clauses[{i}].", required=True, default=f"clause{i + 1}")
    w = f"clauses[{i}] {cid}."
    r.unknown(raw, CLAUSE_KEYS, w.rstrip("."))
    if cid in seen:
        r.fault(f"{w}id", f"clause id {cid!r} is used twice", raw, "id")
    seen.add(cid)
    per = r.choice(raw, "per", w, ("firm", "item"), "firm")
    if per == "item" and not ns.items:
        r.fault(f"{w}per", "per: item needs the policy to declare its item fields (items:)", raw, "per")
    ins = ns.with_items() if per == "item" else ns
    tiers: list[Tier] = []
    if ("amount" in raw) == ("tiers" in raw):
        r.fault(
            w.rstrip("."), "give exactly one of amount (an expression) or tiers (a list of {when, amount})"
        )
    elif "amount" in raw:
        a = r.expr(raw["amount"], f"{w}amount", ins, NUM, raw, "amount")
        if a:
            tiers.append(Tier(None, a))
    else:
        tv = raw["tiers"]
        if not isinstance(tv, list) or not tv:
            r.fault(f"{w}tiers", "must be a non-empty list of {when, amount}", raw, "tiers")
        else:
            for j, t in enumerate(tv):
                tw = f"{w}tiers[{j}]"
                if not isinstance(t, dict) or "amount" not in t:
                    r.fault(tw, "must be a mapping {when, amount}", tv, j)
                    continue
                r.unknown(t, {"when", "amount"}, tw)
                when = r.expr(t["when"], f"{tw}.when", ins, BOOL, t, "when") if "when" in t else None
                amt = r.expr(t["amount"], f"{tw}.amount", ins, NUM, t, "amount")
                if amt and ("when" not in t or when):
                    tiers.append(Tier(when, amt))
    caps = raw.get("caps") or {}
    cap_item: tuple[PExpr, ...] = ()
    cap_fy: tuple[PExpr, ...] = ()
    if not isinstance(caps, dict):
        r.fault(f"{w}caps", "must be a mapping {item, firm_year}", raw, "caps")
    else:
        r.unknown(caps, {"item", "firm_year"}, f"{w}caps")
        cap_item = r.exprs(caps, "item", f"{w}caps.", ins, NUM)
        cap_fy = r.exprs(caps, "firm_year", f"{w}caps.", ns, NUM)
    rank = None
    rv = raw.get("rank")
    if rv is not None:
        if not isinstance(rv, dict):
            r.fault(f"{w}rank", "must be a mapping {by, order, top, ties}", raw, "rank")
        else:
            r.unknown(rv, {"by", "order", "top", "ties"}, f"{w}rank")
            by = r.exprs(rv, "by", f"{w}rank.", ns, NUM)
            if not by:
                r.fault(f"{w}rank.by", "is required: what the firms are ranked by", rv, "by")
            order = r.choice(rv, "order", f"{w}rank.", ("desc", "asc"), "desc")
            top = rv.get("top")
            if not isinstance(top, int) or isinstance(top, bool) or top < 1:
                r.fault(f"{w}rank.top", f"must be a whole number ≥ 1, found {top!r}", rv, "top")
                top = 1
            ties = r.choice(rv, "ties", f"{w}rank.", TIE_RULES, "uscc")
            rank = Rank(by, order == "desc", top, ties)
    split: list[tuple[str, Decimal]] = []
    sv = raw.get("split")
    if sv is not None:
        if not isinstance(sv, dict) or not sv:
            r.fault(f"{w}split", "must be a mapping level → share, e.g. {市: 50, 区: 50}", raw, "split")
        else:
            for k, v in sv.items():
                d = _decimal(v)
                if d is None or d < 0:
                    r.fault(f"{w}split.{k}", f"must be a share ≥ 0, found {v!r}", sv, k)
                else:
                    split.append((str(k), d))
            if split and sum(d for _, d in split) <= 0:
                r.fault(f"{w}split", "the shares must not all be 0", raw, "split")
    group = raw.get("group")
    if group is not None and (not isinstance(group, str) or not group.strip()):
        r.fault(f"{w}group", f"must be a group name, found {group!r}", raw, "group")
        group = None
    pro_rata = r.flag(raw, "pro_rata", w)
    budget = r.money(raw, "budget", w)
    if pro_rata and budget is None:
        r.fault(f"{w}pro_rata", "pro_rata needs the clause's budget", raw, "pro_rata")
    when = r.conditions(raw, "when", w, ns)
    if not when and "when" not in raw:
        r.fault(f"{w}when", "is required: the conditions a firm must meet (write [true] for every firm)")
    return Clause(
        id=cid,
        title=r.text(raw, "title", w, required=True, default=cid),
        when=when,
        unless=r.conditions(raw, "unless", w, ns),
        per=per,
        item_when=r.conditions(raw, "item_when", w, ins) if per == "item" else (),
        tiers=tuple(tiers),
        cap_item=cap_item,
        cap_firm_year=cap_fy,
        rank=rank,
        budget=budget,
        pro_rata=pro_rata,
        group=group.strip() if isinstance(group, str) else None,
        total_control=r.flag(raw, "total_control", w),
        split=tuple(split),
    )


def load_policy(raw: Any, name: str = "policy", text: str = "") -> Policy:
    """A policy from its parsed YAML (a mapping); raises ``PolicyError`` with every fault."""
    r = _Reader()
    if not isinstance(raw, dict):
        raise PolicyError([Fault("file", "must be a mapping of keys (code, title, clauses …)")], name)
    r.unknown(raw, POLICY_KEYS, "")
    code = r.text(raw, "code", "", required=True, default="policy")
    if code and not all(ch.isalnum() or ch in "-_" for ch in code):
        r.fault("code", f"{code!r} must be letters, digits, - or _", raw, "code")
    inputs = _declared(r, raw, "inputs", "firm")
    items = _declared(r, raw, "items", "item")
    ns = Namespace({**BUILTIN_INPUTS, **{i.id: i for i in inputs}}, {i.id: i for i in items})
    valid = raw.get("valid")
    vf = vt = None
    if not isinstance(valid, dict):
        r.fault("valid", "is required: {from: YYYY-MM-DD, to: YYYY-MM-DD}", raw, "valid")
    else:
        r.unknown(valid, {"from", "to"}, "valid")
        vf, vt = r.date(valid, "from", "valid."), r.date(valid, "to", "valid.")
        if vf and vt and vt < vf:
            r.fault("valid", f"ends ({vt}) before it begins ({vf})", raw, "valid")
    exclusions: list[Condition] = []
    ev = raw.get("exclusions") or []
    if not isinstance(ev, list):
        r.fault("exclusions", "must be a list", raw, "exclusions")
        ev = []
    for i, item in enumerate(ev):
        if isinstance(item, str) and item in EXCLUSIONS:
            text_, label = EXCLUSIONS[item]
            e = lang.parse(text_, ns, BOOL)
            exclusions.append(Condition(e, label))
            continue
        label = None
        if isinstance(item, dict):
            r.unknown(item, {"if", "label"}, f"exclusions[{i}]")
            label, item = item.get("label"), item.get("if")
        e = r.expr(item, f"exclusions[{i}]", ns, BOOL, ev, i)
        if e is not None:
            exclusions.append(Condition(e, str(label) if label else e.label()))
    tc = None
    tv = raw.get("total_control")
    if tv is not None:
        if not isinstance(tv, dict) or "ceiling" not in tv:
            r.fault(
                "total_control",
                "must be a mapping {ceiling: expression, applies: condition}",
                raw,
                "total_control",
            )
        else:
            r.unknown(tv, {"ceiling", "applies"}, "total_control")
            ceiling = r.expr(tv["ceiling"], "total_control.ceiling", ns, NUM, tv, "ceiling")
            applies = (
                r.expr(tv["applies"], "total_control.applies", ns, BOOL, tv, "applies")
                if "applies" in tv
                else None
            )
            if ceiling:
                tc = TotalControl(ceiling, applies)
    clauses: list[Clause] = []
    cv = raw.get("clauses")
    seen: set[str] = set()
    if not isinstance(cv, list) or not cv:
        r.fault("clauses", "is required: a non-empty list of clauses", raw, "clauses")
    else:
        for i, c in enumerate(cv):
            clause = _clause(r, c, i, ns, seen, cv)
            if clause:
                clauses.append(clause)
    if tc is None:
        for c in clauses:
            if c.total_control:
                r.fault(f"clause {c.id}.total_control", "the policy declares no total_control ceiling")
    pro_rata = r.flag(raw, "pro_rata", "")
    budget = r.money(raw, "budget", "")
    if pro_rata and budget is None:
        r.fault("pro_rata", "pro_rata needs the policy's budget", raw, "pro_rata")
    score_model = raw.get("score_model")
    policy = Policy(
        code=code,
        title=r.text(raw, "title", "", required=True),
        doc_no=r.text(raw, "doc_no", "", required=True),
        issuer=r.text(raw, "issuer", "", required=True),
        level=r.choice(raw, "level", "", LEVELS),
        valid_from=vf or dt.date.min,
        valid_to=vt or dt.date.max,
        execution=r.choice(raw, "execution", "", EXECUTION_TYPES),
        budget=budget,
        pro_rata=pro_rata,
        example=r.flag(raw, "example", ""),
        source=r.text(raw, "source", ""),
        score_model=str(score_model) if score_model else None,
        inputs=inputs,
        items=items,
        exclusions=tuple(exclusions),
        total_control=tc,
        clauses=tuple(clauses),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest() if text else "",
        text=text,
    )
    if r.faults:
        raise PolicyError(r.faults, name)
    return policy


def loads_policy(raw: bytes | str, name: str = "policy") -> Policy:
    """A policy from YAML text (UTF-8); a syntax error or a key written twice is a fault with its line."""
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PolicyError([Fault("file", "is not UTF-8 text")], name) from None
    try:
        doc = safe_yaml.load(text, _Loader)  # bounded in size, depth and aliases
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError([Fault(where, f"YAML syntax error: {problem}")], name) from None
    return load_policy(doc, name, text)


def load_file(path: str | Path) -> Policy:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise PolicyError([Fault("file", f"cannot be read: {exc.strerror or exc}")], str(p)) from exc
    return loads_policy(data, p.name)


def shipped() -> list[Path]:
    """The seeded example policies (policies/*.yaml)."""
    return sorted(POLICIES_DIR.glob("*.yaml"))
