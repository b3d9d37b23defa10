"""This app's three tables in and out of Excel: projects (招商项目), chain nodes (产业链节点) and the firms
at chain nodes (节点企业), read and written with ``gaoxin.io.tables``.

An import reads every row, checks every cell and every relation (a node must exist in the zone's chain
or in the same file, an enterprise must be of the zone, stage dates must be in order …) and collects
every problem with its row, column, value and reason. With any error the file is refused and nothing
changes; otherwise every row is applied in the caller's transaction. Either way a ``TableImport``
records the file, the outcome and the problems (downloadable as an xlsx). The export writes the same
columns, so an exported file imports back unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from gaoxin import investment as core
from gaoxin.io.problems import ERROR, Problem, msg
from gaoxin.io.tables import Column, Sheet, read_table, template, to_bytes
from gaoxin.web.investment.models import (
    Chain,
    ChainNode,
    NodeFirm,
    Project,
    StageChange,
    TableImport,
    stage_field,
)
from gaoxin.web.platform import bulk
from gaoxin.web.registry.models import Enterprise, Zone

STATUS_LABELS = {"active": "推进中", "dropped": "已终止"}

PROJECT_COLUMNS = (
    Column("code", "项目编号", "Project code", required=True),
    Column("name", "项目名称", "Project", required=True),
    Column("investor", "投资方", "Investor"),
    Column("amount", "投资额（万元）", "Investment (10k yuan)", "decimal"),
    Column("chain", "产业链", "Chain"),
    Column("node", "产业链节点", "Chain node"),
    Column("official", "责任人", "Responsible official"),
    Column("stage", "当前阶段", "Stage", "enum", required=True, choices=core.STAGE_LABELS),
    *(
        Column(stage_field(s), f"{label}日期", f"{core.projects.STAGE_LABELS_EN[s]} date", "date")
        for s, label in core.STAGE_LABELS.items()
    ),
    Column("status", "状态", "Status", "enum", choices=STATUS_LABELS),
    Column("dropped_on", "终止日期", "Dropped on", "date"),
    Column("uscc", "关联企业统一社会信用代码", "Enterprise USCC"),
    Column("notes", "备注", "Notes"),
)
NODE_COLUMNS = (
    Column("chain", "产业链", "Chain", required=True),
    Column("leader", "链长", "Chain leader"),
    Column("node", "节点", "Node", required=True),
    Column("parent", "上级节点", "Parent node"),
    Column("order", "顺序", "Order", "int"),
    Column("description", "说明", "Description"),
)
FIRM_COLUMNS = (
    Column("chain", "产业链", "Chain", required=True),
    Column("node", "节点", "Node", required=True),
    Column("uscc", "统一社会信用代码", "USCC", required=True),
    Column("name", "企业名称", "Enterprise"),
)
COLUMNS = {"projects": PROJECT_COLUMNS, "nodes": NODE_COLUMNS, "firms": FIRM_COLUMNS}
TITLES = {"projects": "招商项目", "nodes": "产业链节点", "firms": "节点企业"}

R_DUP_CODE = msg("项目编号在文件中重复", "the project code appears twice in the file")
R_DUP_NODE = msg("同一产业链的节点在文件中重复", "the node appears twice for the chain in the file")
R_NO_CHAIN = msg(
    "本园区没有该产业链（请先导入产业链节点）", "no such chain in the zone (import the chain nodes first)"
)
R_NO_NODE = msg("该产业链中没有此节点", "no such node in the chain")
R_NODE_WITHOUT_CHAIN = msg("填写了节点但没有填写产业链", "a node without its chain")
R_NO_ENTERPRISE = msg("本园区没有该统一社会信用代码的企业", "no enterprise of the zone has this USCC")
R_NEGATIVE = msg("不能为负数", "must not be negative")
R_DATES = msg("阶段日期有误", "stage dates are inconsistent")
R_FUTURE = msg("日期晚于今天", "the date is in the future")
R_NO_PARENT = msg(
    "上级节点不在该产业链中，也不在本文件中", "the parent node is neither in the chain nor in the file"
)
R_CYCLE = msg("上级节点关系形成循环", "the parent nodes form a cycle")
R_SELF_PARENT = msg("节点不能是自己的上级节点", "a node cannot be its own parent")
R_DUP_FIRM = msg("同一节点的企业在文件中重复", "the firm appears twice for the node in the file")
R_DROPPED_DATE = msg("终止日期只适用于状态为“已终止”的项目", "a dropped date needs the status 已终止")
R_TOO_LONG = msg("内容过长", "too long")

MAX_LEN = {
    "code": 50,
    "name": 200,
    "investor": 200,
    "official": 100,
    "chain": 100,
    "node": 100,
    "parent": 100,
    "leader": 100,
}


@dataclass
class Outcome:
    record: TableImport
    problems: list[Problem] = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    @property
    def applied(self) -> bool:
        return self.record.status == TableImport.Status.APPLIED


class _Checker:
    def __init__(self, name: str, sheet: str | None):
        self.name, self.sheet = name, sheet
        self.problems: list[Problem] = []

    def add(self, row: int | None, column: Column | str | None, value, reason: str) -> None:
        col = column.zh if isinstance(column, Column) else column
        from gaoxin.io.problems import EN

        self.problems.append(
            Problem(
                self.name,
                row,
                col,
                None if value is None else str(value),
                reason,
                self.sheet,
                ERROR,
                EN.get(reason, ""),
            )
        )


def _col(kind: str, cid: str) -> Column:
    return next(c for c in COLUMNS[kind] if c.id == cid)


def _text_lengths(kind: str, rows: list[dict], check: _Checker) -> None:
    for row in rows:
        for cid, limit in MAX_LEN.items():
            v = row.get(cid)
            if isinstance(v, str) and len(v) > limit:
                check.add(row["_row"], _col(kind, cid), v, R_TOO_LONG)


def import_table(kind: str, data: bytes, file_name: str, zone: Zone, user, today: dt.date) -> Outcome:
    """Read, check and (when clean) apply one uploaded table for ``zone``; the caller's transaction
    holds it, and a refused file changes nothing but the ``TableImport`` record of the refusal."""
    read = read_table(data, COLUMNS[kind], name=file_name)
    check = _Checker(file_name, read.sheet)
    counts: dict = {}
    bad_rows = {p.row for p in read.errors}
    if None not in bad_rows:  # the file and its header are readable: check every readable row
        rows = [r for r in read.rows if r["_row"] not in bad_rows]
        _text_lengths(kind, rows, check)
        plan = {"projects": _check_projects, "nodes": _check_nodes, "firms": _check_firms}[kind](
            rows, zone, check, today
        )
    problems = [*read.problems, *check.problems]
    errors = [p for p in problems if p.is_error]
    record = bulk.new_record(
        TableImport,
        zone=zone,
        kind=kind,
        data=data,
        file_name=file_name,
        rows=len(read.rows),
        problems=problems,
        user=user,
    )
    if not errors:
        counts = plan(user)
    record.counts = counts
    record.save()
    return Outcome(record, problems, counts)


# --- projects ----------------------------------------------------------------------------------------


def _zone_nodes(zone: Zone) -> dict[tuple[str, str], ChainNode]:
    return {
        (n.chain.name, n.name): n for n in ChainNode.objects.filter(chain__zone=zone).select_related("chain")
    }


def _check_projects(rows: list[dict], zone: Zone, check: _Checker, today: dt.date):
    nodes = _zone_nodes(zone)
    usccs = {r["uscc"].strip().upper() for r in rows if r.get("uscc")}
    ents = {
        e.uscc: e for e in Enterprise.objects.filter(zone=zone, uscc__in=usccs).only("pk", "uscc", "zone_id")
    }
    seen: dict[str, int] = {}
    clean: list[tuple[dict, ChainNode | None, Enterprise | None]] = []
    for row in rows:
        r = row["_row"]
        ok = True
        code = row["code"]
        if code in seen:
            check.add(r, _col("projects", "code"), code, R_DUP_CODE)
            ok = False
        seen.setdefault(code, r)
        if row.get("amount") is not None and row["amount"] < 0:
            check.add(r, _col("projects", "amount"), row["amount"], R_NEGATIVE)
            ok = False
        node = None
        if row.get("node"):
            if not row.get("chain"):
                check.add(r, _col("projects", "node"), row["node"], R_NODE_WITHOUT_CHAIN)
                ok = False
            else:
                node = nodes.get((row["chain"], row["node"]))
                if node is None:
                    chain_known = any(c == row["chain"] for c, _n in nodes)
                    if chain_known:
                        check.add(r, _col("projects", "node"), row["node"], R_NO_NODE)
                    else:
                        check.add(r, _col("projects", "chain"), row["chain"], R_NO_CHAIN)
                    ok = False
        elif row.get("chain") and not any(c == row["chain"] for c, _n in nodes):
            check.add(r, _col("projects", "chain"), row["chain"], R_NO_CHAIN)
            ok = False
        ent = None
        if row.get("uscc"):
            ent = ents.get(row["uscc"].strip().upper())
            if ent is None:
                check.add(r, _col("projects", "uscc"), row["uscc"], R_NO_ENTERPRISE)
                ok = False
        for s in core.STAGES:
            d = row.get(stage_field(s))
            if d is not None and d > today:
                check.add(r, _col("projects", stage_field(s)), d.isoformat(), R_FUTURE)
                ok = False
        if row.get("dropped_on") is not None:
            if row["dropped_on"] > today:
                check.add(r, _col("projects", "dropped_on"), row["dropped_on"].isoformat(), R_FUTURE)
                ok = False
            if (row.get("status") or "active") != "dropped":
                check.add(r, _col("projects", "dropped_on"), row["dropped_on"].isoformat(), R_DROPPED_DATE)
                ok = False
        path = core.ProjectPath(
            key=code,
            stage=row["stage"],
            dates={s: row.get(stage_field(s)) for s in core.STAGES},
            dropped=row.get("status") == "dropped",
            dropped_on=row.get("dropped_on"),
        )
        for reason in core.date_problems(path):
            check.add(r, _col("projects", stage_field(row["stage"])), reason, f"{R_DATES}：{reason}")
            ok = False
        if ok:
            clean.append((row, node, ent))

    def apply(user) -> dict:
        existing = {
            p.code: p for p in Project.objects.filter(zone=zone, code__in=[r["code"] for r, _n, _e in clean])
        }
        created = updated = unchanged = 0
        history = []
        for row, node, ent in clean:
            values = {
                "name": row["name"],
                "investor": row.get("investor") or "",
                "amount": row.get("amount"),
                "node": node,
                "official": row.get("official") or "",
                "stage": row["stage"],
                **{stage_field(s): row.get(stage_field(s)) for s in core.STAGES},
                "status": row.get("status") or Project.Status.ACTIVE,
                "dropped_on": row.get("dropped_on"),
                "enterprise": ent,
                "notes": row.get("notes") or "",
            }
            p = existing.get(row["code"])
            if p is None:
                p = Project.objects.create(zone=zone, code=row["code"], **values)
                created += 1
                history.append(
                    StageChange(
                        project=p,
                        stage=p.stage,
                        status=p.status,
                        on=p.stage_date(p.stage),
                        note="导入",
                        user=user,
                    )
                )
                continue
            if all(_same(getattr(p, k), v) for k, v in values.items()):
                unchanged += 1
                continue
            before_stage, before_status = p.stage, p.status
            for k, v in values.items():
                setattr(p, k, v)
            p.save()
            updated += 1
            if (before_stage, before_status) != (p.stage, p.status):
                history.append(
                    StageChange(
                        project=p,
                        from_stage=before_stage,
                        stage=p.stage,
                        status=p.status,
                        on=p.stage_date(p.stage),
                        note="导入",
                        user=user,
                    )
                )
        StageChange.objects.bulk_create(history)
        return {"created": created, "updated": updated, "unchanged": unchanged}

    return apply


def _same(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return (old is None and new is None) or (
            old is not None and new is not None and Decimal(old) == Decimal(new)
        )
    if hasattr(old, "pk") or hasattr(new, "pk"):
        return getattr(old, "pk", None) == getattr(new, "pk", None)
    return old == new


# --- chain nodes -------------------------------------------------------------------------------------


def _check_nodes(rows: list[dict], zone: Zone, check: _Checker, today: dt.date):
    chains = {c.name: c for c in Chain.objects.filter(zone=zone)}
    nodes = _zone_nodes(zone)
    in_file: dict[tuple[str, str], dict] = {}
    for row in rows:
        key = (row["chain"], row["node"])
        if key in in_file:
            check.add(row["_row"], _col("nodes", "node"), row["node"], R_DUP_NODE)
            continue
        in_file[key] = row
    # The parent of each node after the import: the file's word, else the stored one.
    parent_names = {n.pk: n.name for n in nodes.values()}
    parent_of: dict[tuple[str, str], str | None] = {
        k: parent_names.get(n.parent_id) for k, n in nodes.items()
    }
    for key, row in in_file.items():
        parent = row.get("parent") or None
        if parent == row["node"]:
            check.add(row["_row"], _col("nodes", "parent"), parent, R_SELF_PARENT)
            continue
        if parent and (row["chain"], parent) not in in_file and (row["chain"], parent) not in nodes:
            check.add(row["_row"], _col("nodes", "parent"), parent, R_NO_PARENT)
            continue
        parent_of[key] = parent
    for key, row in in_file.items():
        seen, cur = {key}, key
        while parent_of.get(cur):
            cur = (cur[0], parent_of[cur])
            if cur in seen:
                check.add(row["_row"], _col("nodes", "parent"), row.get("parent"), R_CYCLE)
                break
            seen.add(cur)
        if row.get("order") is not None and row["order"] < 0:
            check.add(row["_row"], _col("nodes", "order"), row["order"], R_NEGATIVE)

    def apply(user) -> dict:
        created = updated = unchanged = 0
        leaders = {}
        for row in in_file.values():
            if row.get("leader"):
                leaders[row["chain"]] = row["leader"]
        for name in dict.fromkeys(r["chain"] for r in in_file.values()):
            chain = chains.get(name)
            if chain is None:
                chains[name] = Chain.objects.create(
                    zone=zone, name=name, leader=leaders.get(name, ""), order=len(chains)
                )
            elif name in leaders and chain.leader != leaders[name]:
                chain.leader = leaders[name]
                chain.save(update_fields=["leader"])
        made: dict[tuple[str, str], ChainNode] = dict(nodes)
        # First the nodes themselves, then the parents (a parent may come later in the file).
        for key, row in in_file.items():
            node = made.get(key)
            values = {"description": row.get("description") or "", "order": row.get("order") or 0}
            if node is None:
                made[key] = ChainNode.objects.create(chain=chains[key[0]], name=key[1], **values)
                created += 1
            elif any(getattr(node, k) != v for k, v in values.items()) or (
                parent_names.get(node.parent_id) != (row.get("parent") or None)
            ):
                for k, v in values.items():
                    setattr(node, k, v)
                node.save()
                updated += 1
            else:
                unchanged += 1
        for key, row in in_file.items():
            node = made[key]
            parent = made.get((key[0], row["parent"])) if row.get("parent") else None
            if node.parent_id != (parent.pk if parent else None):
                node.parent = parent
                node.save(update_fields=["parent"])
        return {"created": created, "updated": updated, "unchanged": unchanged}

    return apply


# --- node firms --------------------------------------------------------------------------------------


def _check_firms(rows: list[dict], zone: Zone, check: _Checker, today: dt.date):
    nodes = _zone_nodes(zone)
    chains = {c for c, _n in nodes}
    usccs = {r["uscc"].strip().upper() for r in rows}
    ents = {e.uscc: e for e in Enterprise.objects.filter(zone=zone, uscc__in=usccs).only("pk", "uscc")}
    pairs: dict[tuple[int, int], int] = {}
    for row in rows:
        r = row["_row"]
        node = nodes.get((row["chain"], row["node"]))
        if node is None:
            if row["chain"] in chains:
                check.add(r, _col("firms", "node"), row["node"], R_NO_NODE)
            else:
                check.add(r, _col("firms", "chain"), row["chain"], R_NO_CHAIN)
            continue
        ent = ents.get(row["uscc"].strip().upper())
        if ent is None:
            check.add(r, _col("firms", "uscc"), row["uscc"], R_NO_ENTERPRISE)
            continue
        if (node.pk, ent.pk) in pairs:
            check.add(r, _col("firms", "uscc"), row["uscc"], R_DUP_FIRM)
            continue
        pairs[(node.pk, ent.pk)] = r

    def apply(user) -> dict:
        existing = set(
            NodeFirm.objects.filter(node__chain__zone=zone).values_list("node_id", "enterprise_id")
        )
        new = [NodeFirm(node_id=n, enterprise_id=e) for n, e in pairs if (n, e) not in existing]
        NodeFirm.objects.bulk_create(new)
        return {"created": len(new), "updated": 0, "unchanged": len(pairs) - len(new)}

    return apply


# --- exports and templates ---------------------------------------------------------------------------


def project_rows(qs) -> list[dict]:
    out = []
    for p in qs.select_related("node", "node__chain", "enterprise"):
        out.append(
            {
                "code": p.code,
                "name": p.name,
                "investor": p.investor,
                "amount": p.amount,
                "chain": p.node.chain.name if p.node_id else None,
                "node": p.node.name if p.node_id else None,
                "official": p.official,
                "stage": p.stage,
                **{stage_field(s): p.stage_date(s) for s in core.STAGES},
                "status": p.status,
                "dropped_on": p.dropped_on,
                "uscc": p.enterprise.uscc if p.enterprise_id else None,
                "notes": p.notes,
            }
        )
    return out


def node_rows(qs) -> list[dict]:
    rows = list(qs.select_related("chain", "parent").order_by("chain__order", "chain__name", "order", "name"))
    by_id = {n.pk: n for n in rows}
    # Parents before children, so a file read top to bottom never names a parent not yet seen.
    ordered, seen = [], set()

    def visit(n):
        if n.pk in seen:
            return
        seen.add(n.pk)
        if n.parent_id in by_id:
            visit(by_id[n.parent_id])
        ordered.append(n)

    for n in rows:
        visit(n)
    return [
        {
            "chain": n.chain.name,
            "leader": n.chain.leader,
            "node": n.name,
            "parent": n.parent.name if n.parent_id else None,
            "order": n.order,
            "description": n.description,
        }
        for n in ordered
    ]


def firm_rows(qs) -> list[dict]:
    return [
        {
            "chain": m.node.chain.name,
            "node": m.node.name,
            "uscc": m.enterprise.uscc,
            "name": m.enterprise.name,
        }
        for m in qs.select_related("node", "node__chain", "enterprise").order_by(
            "node__chain__name", "node__name", "enterprise__uscc"
        )
    ]


def export(kind: str, rows: list[dict]) -> bytes:
    return to_bytes([Sheet(TITLES[kind], COLUMNS[kind], rows)])


def template_bytes(kind: str) -> bytes:
    return template(COLUMNS[kind], TITLES[kind])
