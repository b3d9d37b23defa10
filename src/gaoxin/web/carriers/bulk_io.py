"""xlsx import and export of the carriers app's tables (``gaoxin.io.tables``).

Imports: incubators (by code), incubated firms (by incubator code + USCC or name + entry date), the
listing reserve (by USCC; a stage later than the recorded one adds its stage event). A file is read
whole first; with any error nothing changes and every bad cell is listed (row, column, value, reason);
the same file again (same content hash) changes nothing.

Exports: incubators against the national conditions, incubated firms, this year's graduates with their
evidence, the reserve pipeline with each firm's nearest STAR standard, the stage rewards due (for the
policy engine or the finance office), the challenges' payment ledger.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from gaoxin.carriers import listing as core_list
from gaoxin.io.tables import Column, Sheet, read_table, template, to_bytes
from gaoxin.web.accounts.scoping import visible
from gaoxin.web.carriers import services
from gaoxin.web.carriers.models import IncubatedFirm, Incubator, Payment, ReserveFirm, StageEvent, TableImport
from gaoxin.web.registry.models import Enterprise, Zone

KIND = {"incubator": "孵化器", "maker_space": "众创空间", "accelerator": "加速器"}
LEVEL = {"national": "国家级", "provincial": "省级", "municipal": "市级", "zone": "园区级", "none": "未评级"}
EXIT = {"graduated": "毕业", "moved": "迁出", "closed": "注销或终止"}
BOARD = dict(core_list.BOARDS)

INCUBATOR_COLUMNS = (
    Column("code", "编号", "Code", required=True),
    Column("name", "名称", "Name", required=True),
    Column("kind", "类型", "Kind", "enum", choices=KIND),
    Column("level", "级别", "Level", "enum", choices=LEVEL),
    Column("operator", "运营主体", "Operator"),
    Column("specialised", "专业孵化器", "Specialised", "bool"),
    Column("field", "专业领域", "Field"),
    Column("tech_platform", "自有专业技术平台", "Own technical platform", "bool"),
    Column("hardship", "属于条件放宽地区", "Hardship region", "bool"),
    Column("legal_entity", "独立法人", "Legal entity", "bool"),
    Column("established", "运营起始日期", "Operating since", "date"),
    Column("stat_years", "连续报送火炬统计年数", "Years of torch statistics", "int"),
    Column("reports_torch", "报送火炬统计", "Reports torch statistics", "bool"),
    Column("area_total", "场地面积（m²）", "Area (m²)", "decimal"),
    Column("area_incubation", "在孵企业使用面积（m²）", "Area used by incubated firms (m²)", "decimal"),
    Column("area_shared", "工位和公共服务面积（m²）", "Workstation and public area (m²)", "decimal"),
    Column("workstations", "工位数", "Workstations", "int"),
    Column("fund", "孵化基金（万元）", "Incubation fund (万元)", "decimal"),
    Column("staff_total", "工作人员数", "Staff", "int"),
    Column("pro_staff", "专业孵化服务人员数", "Professional service staff", "int"),
    Column("mentors", "创业导师数", "Mentors", "int"),
    Column("investment_cases", "投融资案例数", "Investment cases", "int"),
    Column("typical_cases", "典型孵化案例数", "Typical cases", "int"),
    Column("teams_admitted", "当年协议入驻团队数", "Teams admitted this year", "int"),
    Column("new_firms", "当年新注册企业数", "New firms this year", "int"),
    Column("financed", "当年获投融资团队数", "Teams financed this year", "int"),
    Column("events", "当年活动场次", "Events this year", "int"),
    Column("graduates_before", "此前累计毕业企业数", "Graduates before", "int"),
)
FIRM_COLUMNS = (
    Column("incubator", "孵化器编号", "Incubator code", required=True),
    Column("uscc", "统一社会信用代码", "USCC"),
    Column("name", "企业或团队名称", "Firm or team", required=True),
    Column("field", "领域", "Field"),
    Column("entered", "入驻日期", "Entered", "date", required=True),
    Column("exited", "离开日期", "Left", "date"),
    Column("exit_reason", "离开原因", "Exit", "enum", choices=EXIT),
    Column("patent_applied", "已申请专利", "Has applied for patents", "bool"),
)
RESERVE_COLUMNS = (
    Column("uscc", "统一社会信用代码", "USCC", required=True),
    Column("name", "企业名称", "Name"),
    Column("stage", "当前阶段", "Stage", "enum", required=True, choices=core_list.STAGE_LABELS),
    Column("stage_on", "阶段日期", "Stage date", "date", required=True),
    Column("evidence", "阶段证明", "Evidence"),
    Column("target_board", "拟上市板块", "Target board", "enum", choices=BOARD),
    Column("target_standard", "拟适用科创板标准", "STAR standard", "int"),
    Column("broker", "保荐券商", "Sponsor"),
    Column("accountant", "会计师事务所", "Accounting firm"),
    Column("lawyer", "律师事务所", "Law firm"),
    Column("market_cap", "预计市值（万元）", "Expected market value (万元)", "decimal"),
    Column(
        "cash_flow_3y",
        "最近三年经营活动现金流量净额累计（万元）",
        "Operating cash flow, 3 years (万元)",
        "decimal",
    ),
    Column("core_patents", "应用于主营业务的发明专利数", "Core invention patents", "int"),
    Column("official", "责任人", "Responsible official"),
)
COLUMNS = {"incubators": INCUBATOR_COLUMNS, "firms": FIRM_COLUMNS, "reserve": RESERVE_COLUMNS}
TITLES = {"incubators": "孵化载体", "firms": "在孵企业", "reserve": "上市后备企业"}
EXPORTS = {
    "incubators": "孵化载体达标情况",
    "firms": "在孵企业",
    "graduates": "毕业企业",
    "reserve": "上市后备企业",
    "rewards": "上市阶段奖励应付清单",
    "payments": "揭榜挂帅拨付台账",
}


def _cell_refs(data: bytes, columns) -> dict[str, str]:
    """Header (as typed, and each column's id, Chinese and English names) → its column letter, so that a
    problem names its cell (``D5``) as well as its row and header; empty when the file cannot be read
    (the reader has reported that already). The header is the first non-blank row, as the reader takes it."""
    from openpyxl.utils import get_column_letter

    from gaoxin.io import tables

    try:
        grid, _sheet = tables._grid(data, None)
    except Exception:
        return {}
    rows = iter(grid)
    header = next((r for r in rows if any(tables._cell_text(v) for v in r)), [])
    found = {tables._key(tables._cell_text(v)): get_column_letter(i + 1) for i, v in enumerate(header)}
    out = {}
    for col in columns:
        letter = next(
            (found[tables._key(k)] for k in (col.id, col.zh, col.en) if tables._key(k) in found), None
        )
        if letter is not None:
            out[tables._key(col.zh)] = letter
    for i, v in enumerate(header):
        out.setdefault(tables._key(tables._cell_text(v)), get_column_letter(i + 1))
    return out


def _with_cells(problems: list[dict], data: bytes, columns) -> list[dict]:
    from gaoxin.io import tables

    refs = _cell_refs(data, columns) if any(p.get("column") for p in problems) else {}
    for p in problems:
        letter = refs.get(tables._key(p.get("column") or ""))
        p["cell"] = f"{letter}{p['row']}" if letter and p.get("row") else None
    return problems


PROBLEM_COLUMNS = (
    Column("row", "行", "Row", "int"),
    Column("column", "列", "Column"),
    Column("cell", "单元格", "Cell"),
    Column("value", "取值", "Value"),
    Column("reason", "原因", "Reason"),
    Column("severity", "级别", "Severity"),
)


def problems_bytes(record: TableImport) -> bytes:
    """An import's problems as an xlsx (the clerk corrects the file from it)."""
    rows = [
        {
            **{c.id: p.get(c.id) for c in PROBLEM_COLUMNS},
            "severity": "错误" if p.get("severity") == "error" else "提示",
            "value": None if p.get("value") is None else str(p.get("value")),
        }
        for p in record.problems
    ]
    return to_bytes([Sheet("问题清单", PROBLEM_COLUMNS, rows)])


def template_bytes(kind: str) -> bytes:
    return template(COLUMNS[kind], TITLES[kind])


def _problem(file, row, column, value, reason) -> dict:
    return {
        "file": file,
        "sheet": None,
        "row": row,
        "column": column,
        "value": value,
        "reason": reason,
        "severity": "error",
    }


def import_table(kind: str, data: bytes, name: str, zone: Zone, user) -> TableImport:
    """Read, check and (only when there is no error) apply one file; the record says what happened."""
    sha = hashlib.sha256(data).hexdigest()
    if TableImport.objects.filter(
        zone=zone, kind=kind, sha256=sha, status=TableImport.Status.APPLIED
    ).exists():
        return TableImport.objects.create(
            zone=zone, kind=kind, file_name=name, sha256=sha, status=TableImport.Status.DUPLICATE, user=user
        )
    read = read_table(data, COLUMNS[kind], name=name)
    problems = [
        {
            "file": p.file,
            "sheet": p.sheet,
            "row": p.row,
            "column": p.column,
            "value": p.value,
            "reason": p.reason,
            "severity": p.severity,
        }
        for p in read.problems
    ]
    counts = {"created": 0, "updated": 0}
    if read.rows:  # the rules across cells, on every row read (a cell that did not parse is None)
        problems += {"incubators": _check_incubators, "firms": _check_firms, "reserve": _check_reserve}[kind](
            read.rows, zone, user, name
        )
    problems.sort(key=lambda p: (p["row"] is not None, p["row"] or 0))  # file-level first, then by row
    problems = _with_cells(problems, data, COLUMNS[kind])
    if any(p["severity"] == "error" for p in problems):
        return TableImport.objects.create(
            zone=zone,
            kind=kind,
            file_name=name,
            sha256=sha,
            status=TableImport.Status.REFUSED,
            rows=len(read.rows),
            problems=problems,
            user=user,
        )
    counts = {"incubators": _apply_incubators, "firms": _apply_firms, "reserve": _apply_reserve}[kind](
        read.rows, zone, user
    )
    return TableImport.objects.create(
        zone=zone,
        kind=kind,
        file_name=name,
        sha256=sha,
        status=TableImport.Status.APPLIED,
        rows=len(read.rows),
        counts=counts,
        problems=problems,
        user=user,
    )


def _dupes(rows, key, name, column) -> list[dict]:
    seen, out = {}, []
    for r in rows:
        k = key(r)
        if k in seen:
            out.append(_problem(name, r["_row"], column, str(k), f"与第 {seen[k]} 行重复"))
        seen[k] = r["_row"]
    return out


def _check_incubators(rows, zone, user, name) -> list[dict]:
    out = _dupes([r for r in rows if r.get("code")], lambda r: r["code"], name, "编号")
    for r in rows:
        for col in INCUBATOR_COLUMNS:
            if col.kind in ("decimal", "int") and r.get(col.id) is not None and r[col.id] < 0:
                out.append(_problem(name, r["_row"], col.zh, str(r[col.id]), "不能为负数"))
        if (
            r.get("area_total") is not None
            and r.get("area_incubation") is not None
            and r["area_incubation"] > r["area_total"]
        ):
            out.append(
                _problem(name, r["_row"], "在孵企业使用面积（m²）", str(r["area_incubation"]), "大于场地面积")
            )
        if (
            r.get("pro_staff") is not None
            and r.get("staff_total") is not None
            and r["pro_staff"] > r["staff_total"]
        ):
            out.append(_problem(name, r["_row"], "专业孵化服务人员数", str(r["pro_staff"]), "大于工作人员数"))
    return out


def _apply_incubators(rows, zone, user) -> dict:
    counts = {"created": 0, "updated": 0}
    for r in rows:
        values = {c.id: r[c.id] for c in INCUBATOR_COLUMNS if c.id != "code" and r.get(c.id) is not None}
        _obj, created = Incubator.objects.update_or_create(zone=zone, code=r["code"], defaults=values)
        counts["created" if created else "updated"] += 1
    return counts


def _enterprises(zone, user, usccs) -> dict[str, Enterprise]:
    return {
        e.uscc: e
        for e in visible(user, Enterprise).filter(zone=zone, uscc__in=[u.upper() for u in usccs if u])
    }


def _check_firms(rows, zone, user, name) -> list[dict]:
    out = _dupes(
        rows,
        lambda r: (r["incubator"], (r.get("uscc") or r["name"] or "").upper(), r["entered"]),
        name,
        "入驻日期",
    )
    codes = set(Incubator.objects.filter(zone=zone).values_list("code", flat=True))
    ents = _enterprises(zone, user, [r.get("uscc") for r in rows])
    for r in rows:
        if r["incubator"] is not None and r["incubator"] not in codes:
            out.append(
                _problem(
                    name,
                    r["_row"],
                    "孵化器编号",
                    r["incubator"],
                    "本园区没有该编号的孵化器，请先导入孵化载体",
                )
            )
        if r.get("uscc") and r["uscc"].upper() not in ents:
            out.append(_problem(name, r["_row"], "统一社会信用代码", r["uscc"], "本园区企业库中没有该企业"))
        if r.get("exited") and r.get("entered") and r["exited"] < r["entered"]:
            out.append(_problem(name, r["_row"], "离开日期", r["exited"].isoformat(), "早于入驻日期"))
        if r.get("exit_reason") and not r.get("exited"):
            out.append(_problem(name, r["_row"], "离开日期", "", "填写了离开原因，但没有离开日期"))
    return out


def _apply_firms(rows, zone, user) -> dict:
    counts = {"created": 0, "updated": 0}
    incs = {i.code: i for i in Incubator.objects.filter(zone=zone)}
    ents = _enterprises(zone, user, [r.get("uscc") for r in rows])
    for r in rows:
        ent = ents.get((r.get("uscc") or "").upper())
        key = {"incubator": incs[r["incubator"]], "entered": r["entered"]}
        key.update({"enterprise": ent} if ent else {"enterprise__isnull": True, "name": r["name"]})
        found = IncubatedFirm.objects.filter(**key).first()
        values = {
            "name": r["name"],
            "field": r.get("field") or "",
            "exited": r.get("exited"),
            "exit_reason": r.get("exit_reason") or "",
            "patent_applied": r.get("patent_applied"),
        }
        if found is None:
            IncubatedFirm.objects.create(
                incubator=incs[r["incubator"]], enterprise=ent, entered=r["entered"], **values
            )
            counts["created"] += 1
        else:
            for k, v in values.items():
                setattr(found, k, v)
            found.save()
            counts["updated"] += 1
    return counts


def _check_reserve(rows, zone, user, name) -> list[dict]:
    rows = [r for r in rows if r.get("uscc")]
    out = _dupes(rows, lambda r: r["uscc"].upper(), name, "统一社会信用代码")
    ents = _enterprises(zone, user, [r["uscc"] for r in rows])
    current = {
        r.enterprise.uscc: r for r in ReserveFirm.objects.filter(zone=zone).select_related("enterprise")
    }
    for r in rows:
        u = r["uscc"].upper()
        if u not in ents:
            out.append(_problem(name, r["_row"], "统一社会信用代码", r["uscc"], "本园区企业库中没有该企业"))
            continue
        if r.get("target_standard") is not None and not 1 <= r["target_standard"] <= 5:
            out.append(_problem(name, r["_row"], "拟适用科创板标准", str(r["target_standard"]), "应为1至5"))
        if r.get("stage_on") and r["stage_on"] > services.today():
            out.append(_problem(name, r["_row"], "阶段日期", r["stage_on"].isoformat(), "日期在未来"))
        have = current.get(u)
        if (
            have is not None
            and r.get("stage")
            and core_list.stage_index(r["stage"]) < core_list.stage_index(have.stage)
        ):
            out.append(
                _problem(
                    name,
                    r["_row"],
                    "当前阶段",
                    core_list.STAGE_LABELS[r["stage"]],
                    f"已记录到更后的阶段“{core_list.STAGE_LABELS[have.stage]}”，阶段不能倒退",
                )
            )
    return out


def _apply_reserve(rows, zone, user) -> dict:
    counts = {"created": 0, "updated": 0}
    ents = _enterprises(zone, user, [r["uscc"] for r in rows])
    fields = (
        "target_board",
        "target_standard",
        "broker",
        "accountant",
        "lawyer",
        "market_cap",
        "cash_flow_3y",
        "core_patents",
        "official",
    )
    for r in rows:
        ent = ents[r["uscc"].upper()]
        values = {f: r[f] for f in fields if r.get(f) is not None}
        obj, created = ReserveFirm.objects.get_or_create(
            zone=zone, enterprise=ent, defaults={"stage": r["stage"], **values}
        )
        if not created:
            for k, v in values.items():
                setattr(obj, k, v)
            if core_list.stage_index(r["stage"]) > core_list.stage_index(obj.stage):
                obj.stage = r["stage"]
            obj.save()
        StageEvent.objects.get_or_create(
            reserve=obj,
            stage=r["stage"],
            defaults={"on": r["stage_on"], "evidence": (r.get("evidence") or "")[:300], "user": user},
        )
        counts["created" if created else "updated"] += 1
    return counts


# --- exports -----------------------------------------------------------------------------------------


def _mark(passed) -> str:
    return "达标" if passed else ("不达标" if passed is False else "缺数据")


def export(kind: str, zone: Zone, user, on: dt.date) -> tuple[bytes, int]:
    if kind == "incubators":
        views = services.incubator_views(zone, on, user=user)
        codes = []
        for v in views:
            for c in v.checks:
                if c.code not in codes:
                    codes.append(c.code)
        labels = {c.code: c.label for v in views for c in v.checks}
        cols = [
            Column("code", "编号", "Code"),
            Column("name", "名称", "Name"),
            Column("kind", "类型", "Kind"),
            Column("result", "国家级条件", "National conditions"),
            Column("failing", "未达标条件", "Failing"),
            Column("grade", "自评等级", "Self-evaluation grade"),
            Column("score", "自评得分", "Self-evaluation score", "decimal"),
            *(Column(c, labels[c], c) for c in codes),
        ]
        rows = []
        for v in views:
            row = {
                "code": v.incubator.code,
                "name": v.incubator.name,
                "kind": KIND.get(v.incubator.kind, v.incubator.kind),
                "result": _mark(v.passed),
                "failing": "；".join(
                    f"{c.label}（差 {c.gap}）" if c.gap is not None else c.label for c in v.failing
                ),
                "grade": v.evaluation.grade if v.evaluation else None,
                "score": v.evaluation.total if v.evaluation else None,
            }
            for c in v.checks:
                row[c.code] = f"{_fmt(c.value)} {c.op} {_fmt(c.threshold)}：{_mark(c.passed)}"
            rows.append(row)
    elif kind == "firms":
        cols = [
            *FIRM_COLUMNS,
            Column("graduation_year", "毕业年度", "Graduated", "int"),
            Column("graduation", "毕业依据", "Why"),
        ]
        qs = (
            visible(user, IncubatedFirm)
            .filter(incubator__zone=zone)
            .select_related("incubator", "enterprise")
        )
        rows = [
            {
                "incubator": f.incubator.code,
                "uscc": f.enterprise.uscc if f.enterprise else None,
                "name": f.name,
                "field": f.field,
                "entered": f.entered,
                "exited": f.exited,
                "exit_reason": f.exit_reason or None,
                "patent_applied": f.patent_applied,
                "graduation_year": f.graduation_year,
                "graduation": "；".join(e["text"] for e in f.graduation_evidence),
            }
            for f in qs
        ]
    elif kind == "graduates":
        cols = [
            Column("incubator", "孵化器", "Incubator"),
            Column("uscc", "统一社会信用代码", "USCC"),
            Column("name", "企业", "Firm"),
            Column("year", "毕业年度", "Year", "int"),
            Column("criterion", "毕业条件", "Criterion"),
            Column("evidence", "依据", "Evidence"),
        ]
        year = on.year
        rows = [
            {
                "incubator": f.incubator.name,
                "uscc": f.enterprise.uscc if f.enterprise else None,
                "name": f.name,
                "year": f.graduation_year,
                "criterion": (f.graduation_evidence[0]["label"] if f.graduation_evidence else ""),
                "evidence": "；".join(e["text"] for e in f.graduation_evidence),
            }
            for f in services.graduates(zone, year, user=user)
        ]
    elif kind == "reserve":
        cols = [
            Column("uscc", "统一社会信用代码", "USCC"),
            Column("name", "企业名称", "Name"),
            Column("stage", "当前阶段", "Stage"),
            *(Column(f"d_{s}", f"{label}日期", s, "date") for s, label in core_list.STAGE_LABELS.items()),
            Column("board", "拟上市板块", "Board"),
            Column("nearest", "最接近的科创板标准", "Nearest STAR standard"),
            Column("gap", "差距", "Gap"),
            Column("attributes", "科创属性达标项（共4项）", "STAR attributes met (of 4)", "int"),
            Column("stalled", "停滞天数", "Days stalled", "int"),
            Column("broker", "保荐券商", "Sponsor"),
        ]
        rows = []
        for v in services.reserve_views(zone, on, on.year - 1, user=user):
            n = v.nearest
            rows.append(
                {
                    "uscc": v.reserve.enterprise.uscc,
                    "name": v.reserve.enterprise.name,
                    "stage": core_list.STAGE_LABELS[v.reserve.stage],
                    **{f"d_{s}": d for s, d in v.dates.items()},
                    "board": BOARD.get(v.reserve.target_board, ""),
                    "nearest": (f"标准{n.number}（{'已满足' if n.met else '未满足'}）" if n else "缺数据"),
                    "gap": services.gap_text(n),
                    "attributes": v.attributes_met,
                    "stalled": v.stalled_days,
                    "broker": v.reserve.broker,
                }
            )
    elif kind == "rewards":
        cols = [
            Column("uscc", "统一社会信用代码", "USCC"),
            Column("name", "企业名称", "Name"),
            Column("stage", "阶段", "Stage"),
            Column("reached_on", "达到日期", "Reached on", "date"),
            Column("amount", "应付奖励（万元）", "Due (万元)", "decimal"),
            Column("scheduled", "标准金额（万元）", "Scheduled (万元)", "decimal"),
            Column("note", "说明", "Note"),
        ]
        rows = [
            {**r, "stage": core_list.STAGE_LABELS[r["stage"]]}
            for r in services.reward_export_rows(services.reserve_views(zone, on, on.year - 1, user=user))
        ]
    elif kind == "payments":
        cols = [
            Column("challenge", "榜单", "Challenge"),
            Column("lead", "牵头单位", "Lead"),
            Column("contract", "任务书编号", "Contract"),
            Column("number", "期次", "Payment", "int"),
            Column("kind", "类型", "Kind"),
            Column("amount", "金额（万元）", "Amount (万元)", "decimal"),
            Column("on", "日期", "Date", "date"),
            Column("note", "说明", "Note"),
        ]
        qs = (
            visible(user, Payment)
            .filter(contract__application__challenge__zone=zone)
            .select_related("contract__application__challenge", "contract__application__lead")
        )
        rows = [
            {
                "challenge": p.contract.application.challenge.title,
                "lead": p.contract.application.lead.name,
                "contract": p.contract.number,
                "number": p.number,
                "kind": "拨付" if p.kind == "payment" else "追回",
                "amount": p.amount,
                "on": p.on,
                "note": p.note,
            }
            for p in qs
        ]
    else:
        raise KeyError(kind)
    return to_bytes([Sheet(EXPORTS[kind], cols, rows)]), len(rows)


def _fmt(x) -> str:
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "是" if x else "否"
    if isinstance(x, Decimal):
        q = x.quantize(Decimal("0.01")) if x != x.to_integral_value() else x.quantize(Decimal(1))
        return f"{q:f}"
    return str(x)
