"""The department facts a policy declares, in and out of Excel (``gaoxin.io.tables``).

A policy reads, besides the register, values a department supplies: 规上 (above scale),
上年度地方综合贡献度 (dictionary fields, kept in the register), the city's award amounts, and item rows such
as technology contracts (the policy's declared inputs). Each comes
from a department (统计局, 税务局, 市科技局 …) as a file. The template of a policy has the sheet
企业数据 (统一社会信用代码, 年度, one column per firm-level input the policy reads, headed by its Chinese
label) and, when the policy has item-level clauses, the sheet 项目明细 (统一社会信用代码, 年度, 项目名称,
one column per item field). A CSV file is the first sheet.

The file is read whole and checked whole — every cell (numbers, yes/no), a firm not in the zone's
register, a year out of range, a row written twice — and applied only when nothing is wrong, so a
refused file changes nothing. A value of a data-dictionary field (规上, 地方综合贡献度, 迁出, 房地产:
``policy.model.FACT_FIELDS``) goes into the register's annual report of that year, the whole file as one
registry batch naming the department and the file; any other value becomes a ``Fact`` carrying the
department, the file and the date. Either is the source every check of a match names. An empty cell
leaves the stored value alone.
``import_facts`` does not commit.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from gaoxin.io.problems import Problem
from gaoxin.io.tables import Column, Sheet, read_table, to_bytes
from gaoxin.policy.lang import BOOL
from gaoxin.policy.model import DEPARTMENT_FACTS, FACT_FIELDS
from gaoxin.policy.model import Policy as CorePolicy
from gaoxin.web.registry.models import Enterprise, Zone

FIRM_SHEET, ITEM_SHEET = "企业数据", "项目明细"
R_UNKNOWN_FIRM = "本园区登记库中没有这个统一社会信用代码"
R_YEAR = "年度应在 2000–2100 之间"
R_DUPLICATE = "文件中重复出现的行（同一企业、年度和项目）"
R_NOTHING = "文件中没有这项政策所需的任何数据列"

KEY = (
    Column("uscc", "统一社会信用代码", "unified social credit code", required=True, width=22),
    Column("year", "年度", "year", "int", required=True),
)


def _column(i) -> Column:
    kind = "bool" if i.type == BOOL else "decimal"
    label = f"{i.zh}（{i.unit}）" if i.unit else i.zh
    return Column(i.id, label, i.id, kind)


def firm_inputs(core: CorePolicy) -> list:
    """The firm-level inputs the policy reads: its declared ones, then the department facts it uses
    (built-in inputs and the dictionary fields of ``FACT_FIELDS``, which land in the register)."""
    ns = core.namespace
    uses = core.uses()
    declared = [i for i in core.inputs]
    mine = {i.id for i in declared}
    builtin = {n: ns.inputs[n] for n in uses.inputs if n in ns.inputs and n not in mine}
    facts = {n: DEPARTMENT_FACTS[n] for n in uses.fields if n in FACT_FIELDS}
    return declared + [v for _k, v in sorted({**builtin, **facts}.items())]


def firm_columns(core: CorePolicy) -> tuple[Column, ...]:
    return (*KEY, *[_column(i) for i in firm_inputs(core)])


def item_columns(core: CorePolicy) -> tuple[Column, ...] | None:
    if not core.items:
        return None
    return (
        *KEY,
        Column("item", "项目名称", "item", required=True, width=24),
        *[_column(i) for i in core.items],
    )


def template(core: CorePolicy) -> bytes:
    sheets = [Sheet(FIRM_SHEET, firm_columns(core), [])]
    items = item_columns(core)
    if items:
        sheets.append(Sheet(ITEM_SHEET, items, []))
    return to_bytes(sheets)


@dataclass
class Outcome:
    problems: list[Problem] = field(default_factory=list)
    firms: set[int] = field(default_factory=set)
    values: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def _sheet_names(data: bytes) -> list[str] | None:
    if data[:2] != b"PK":
        return None  # a CSV file
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names)
    except Exception:  # an unreadable workbook: read_table says so
        return []


def import_facts(
    zone: Zone, core: CorePolicy, data: bytes, name: str, department: str = "", user=None
) -> Outcome:
    """Read, check and (only when nothing is wrong) store the facts of one file; does not commit."""
    from gaoxin.web.policy.services import put_fact, put_register_facts

    out = Outcome()
    names = _sheet_names(data)
    wanted = [(FIRM_SHEET, firm_columns(core))]
    items = item_columns(core)
    if items:
        wanted.append((ITEM_SHEET, items))
    reads = []
    for title, columns in wanted:
        if names is None:  # CSV: the firm sheet only
            if title != FIRM_SHEET:
                continue
            sheet = None
        elif title in names:
            sheet = title
        elif title == FIRM_SHEET and names and ITEM_SHEET not in names:
            sheet = names[0]  # a single-sheet workbook of firm facts, whatever its sheet is called
        else:
            continue
        read = read_table(data, columns, name=name, sheet=sheet)
        out.problems += read.problems
        reads.append((title, columns, read))
    if not reads or not any(r.rows for _t, _c, r in reads):
        if out.ok:
            out.problems.append(Problem(name, None, None, None, R_NOTHING))
        return out
    # the rows' references are checked too, so that one answer lists every fault of the file
    usccs = {str(r.get("uscc") or "").strip().upper() for _t, _c, read in reads for r in read.rows}
    firms = {e.uscc: e for e in Enterprise.objects.filter(zone=zone, uscc__in=usccs)}
    todo = []
    for _title, columns, read in reads:
        seen = set()
        for r in read.rows:
            uscc, year = str(r.get("uscc") or "").strip().upper(), r.get("year")
            if not uscc or year is None:  # a bad key cell: already reported by the reader
                continue
            key = (uscc, year, r.get("item") or "")

            def fault(column, value, reason, r=r, sheet=read.sheet):
                out.problems.append(Problem(name, r["_row"], column, value, reason, sheet))

            if uscc not in firms:
                fault(KEY[0].zh, uscc, R_UNKNOWN_FIRM)
            if not 2000 <= year <= 2100:
                fault(KEY[1].zh, str(year), R_YEAR)
            if key in seen:
                fault(KEY[0].zh, uscc, R_DUPLICATE)
            seen.add(key)
            for c in columns:
                if c.id in ("uscc", "year", "item") or r.get(c.id) is None:
                    continue
                todo.append((uscc, year, c.id, r[c.id], r.get("item") or ""))
    if not out.ok:
        return out
    register = [t for t in todo if t[2] in FACT_FIELDS and not t[4]]
    if register:
        put_register_facts(
            zone,
            [(firms[u], y, fid, v) for u, y, fid, v, _i in register],
            department=department,
            file_name=name,
            user=user,
        )
        for u, *_rest in register:
            out.firms.add(firms[u].pk)
        out.values += len(register)
    for uscc, year, input_id, value, item in todo:
        if input_id in FACT_FIELDS and not item:
            continue
        put_fact(
            zone,
            firms[uscc],
            year,
            input_id,
            value,
            item=item,
            department=department,
            file_name=name,
            user=user,
        )
        out.firms.add(firms[uscc].pk)
        out.values += 1
    return out


# --- exports ------------------------------------------------------------------------------------------

RUN_COLUMNS = (
    Column("uscc", "统一社会信用代码", "unified social credit code", width=22),
    Column("name", "企业名称", "enterprise", width=30),
    Column("clause", "条款", "clause", width=30),
    Column("eligible", "是否符合条件", "eligible", "bool"),
    Column("rank", "排名", "rank", "int"),
    Column("amount", "奖补金额（万元）", "amount", "decimal"),
    Column("split", "分担", "co-funding"),
    Column("status", "状态", "status"),
    Column("why", "判定依据（条件、读取的数值）", "why", width=60),
    Column("sources", "数据来源", "sources", width=50),
    Column("steps", "金额计算过程", "how the amount was set", width=50),
)
LEDGER_COLUMNS = (
    Column("uscc", "统一社会信用代码", "unified social credit code", width=22),
    Column("name", "企业名称", "enterprise", width=30),
    Column("year", "年度", "year", "int"),
    Column("policy", "政策", "policy", width=24),
    Column("clause", "条款", "clause", width=24),
    Column("group", "从高不重复组", "exclusivity group"),
    Column("amount", "金额（万元）", "amount", "decimal"),
    Column("kind", "类别", "kind"),
    Column("note", "说明", "note", width=30),
    Column("at", "记账时间", "booked"),
)


def run_xlsx(run, awards) -> bytes:
    """A run's list: every firm and clause with the decision, the values read and their sources."""
    rows = []
    for a in awards:
        sources = sorted(
            {f"{s['label']}：{s['source'] or '未报送'}" for c in a.checks for s in c.get("sources", [])}
        )
        rows.append(
            {
                "uscc": a.enterprise.uscc,
                "name": a.enterprise.name,
                "clause": a.clause_title,
                "eligible": a.eligible,
                "rank": a.rank,
                "amount": a.amount,
                "split": "；".join(f"{k} {v}" for k, v in a.split.items()),
                "status": a.get_status_display(),
                "why": "；".join(c.get("sentence") or c.get("label", "") for c in a.checks),
                "sources": "；".join(sources),
                "steps": "；".join(s["text"] for s in a.steps),
            }
        )
    title = f"{run.policy.title[:20]}-{run.year}"
    return to_bytes([Sheet(title, RUN_COLUMNS, rows)])


def ledger_xlsx(entries) -> bytes:
    rows = [
        {
            "uscc": e.enterprise.uscc,
            "name": e.enterprise.name,
            "year": e.year,
            "policy": e.policy_code,
            "clause": e.clause_id,
            "group": e.group,
            "amount": e.amount,
            "kind": e.get_kind_display(),
            "note": e.note,
            "at": f"{e.at:%Y-%m-%d %H:%M}",
        }
        for e in entries
    ]
    return to_bytes([Sheet("奖补台账", LEDGER_COLUMNS, rows)])
