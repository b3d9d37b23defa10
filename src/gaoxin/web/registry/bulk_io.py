"""Import templates to download: one xlsx workbook the importer reads back as it is.

One sheet per table (企业信息 / 年度报表 / 资质). Each sheet has, from the top:

1. a row of filling rules, one per column, written from ``gaoxin.data.dictionary`` (type, unit, bounds,
   choices, relations) — the reader skips rows above the header, so the rules never become data;
2. the header: the field's Chinese label with its canonical unit (``营业收入（万元）``), required columns in
   red, each with the same rule as a cell comment; frozen with the rules row;
3. one example row (a valid USCC, values that pass every check), in grey: overwrite or delete it.

Enumerations and yes/no columns get a drop-down list. ``department`` limits the columns to those one
department usually supplies (its ``Department`` record's ``fields``): a partial file updates only its columns.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from gaoxin.data.dictionary import (
    BY_ID,
    ENTERPRISE_FIELDS,
    NOT_GREATER_THAN,
    QUALIFICATION_KINDS,
    REPORT_FIELDS,
    Field,
)
from gaoxin.io import uscc

SHEETS = {"enterprise": "企业信息", "report": "年度报表", "qualification": "资质"}
KEYS = {"enterprise": ("uscc", "name", "zone"), "report": ("uscc", "year"), "qualification": ("uscc",)}
QUALIFICATION_COLUMNS = ("uscc", "kind", "valid_from", "valid_to", "certificate_no")
EXAMPLE_ROWS = 500  # rows below the header that get drop-down lists and formats

# Which columns each department usually supplies: the ``Department`` records (``registry.models``,
# edited in the browser by the system administrator), a suggestion for partial templates, not a rule:
# any file may carry any column. Their qualification field (``kind`` …) asks for the 资质 sheet.


def departments(*, active: bool = True) -> list:
    """The departments in their order (only the active ones unless ``active`` is false)."""
    from gaoxin.web.registry.models import Department

    qs = Department.objects.order_by("order", "code")
    return list(qs.filter(active=True) if active else qs)


def department_names() -> list[str]:
    """The names the import form offers as the source department (active departments, in order)."""
    return [d.name for d in departments()]


def department_fields() -> dict[str, tuple[str, ...]]:
    """Department name → the field ids it usually supplies, for the active departments that have a
    template (at least one field), in order."""
    return {d.name: tuple(d.fields) for d in departments() if d.fields}


_EXAMPLE_FIRST17 = "91110108MA01ABCD1"
EXAMPLE_USCC = _EXAMPLE_FIRST17 + uscc.check_char(_EXAMPLE_FIRST17)


def example_values(zone_code: str, year: int) -> dict[str, object]:
    """One enterprise that passes every check of the reader (relations included)."""
    return {
        "uscc": EXAMPLE_USCC,
        "name": "示例科技有限公司",
        "zone": zone_code,
        "established": dt.date(2018, 5, 20),
        "industry": "I6513",
        "tech_field": "电子信息",
        "listed_board": None,
        "year": year,
        "employees": 120,
        "tech_staff": 40,
        "rd_staff": 30,
        "graduates_hired": 8,
        "revenue": 5000,
        "main_revenue": 4800,
        "total_costs": 4200,
        "hightech_revenue": 3500,
        "rd_expense": 400,
        "rd_expense_domestic": 380,
        "net_profit": 350,
        "net_assets": 2600,
        "total_assets": 6000,
        "total_liabilities": 3400,
        "taxes_paid": 260.5,
        "tech_contract_value": 300,
        "equity_financing": 1000,
        "invention_patents": 6,
        "other_class1_ip": 1,
        "utility_models": 15,
        "design_patents": 3,
        "software_copyrights": 12,
        "class1_ip_self_developed": 5,
        "tech_transfers": 4,
        "niche_years": 6,
        "niche_market_share": 0.08,
        "standards_led": 1,
        "rd_institution": "市级",
        "awards": 1,
        "gov_projects": 2,
        "admin_penalties": 0,
        "serious_dishonesty": "否",
        "major_incident": "否",
        "kind": QUALIFICATION_KINDS["hightech"],
        "valid_from": dt.date(year - 1, 11, 1),
        "valid_to": dt.date(year + 2, 10, 31),
        "certificate_no": "GR202311000123",
    }


def header(f: Field) -> str:
    """The column header: the Chinese label, with the canonical unit in full-width brackets."""
    return f"{f.zh}（{f.unit}）" if f.unit else f.zh


def rule(f: Field) -> str:
    """The filling rule of a field, in Chinese, from the data dictionary."""
    parts = []
    if f.required or f.id in ("uscc",):
        parts.append("必填")
    if f.id == "uscc":
        parts.append("18位统一社会信用代码（GB 32100-2015），第18位为校验位；不含 I、O、S、V、Z")
    elif f.id == "zone":
        parts.append("园区代码（如 Z001）或园区名称")
    elif f.id == "industry":
        parts.append("国民经济行业代码（GB/T 4754-2017），门类字母加至多4位数字，如 I6513")
    elif f.id == "year":
        parts.append("年度，如 2024")
    elif f.id == "kind":
        parts.append("可选：" + "、".join(QUALIFICATION_KINDS.values()))
    elif f.type == "date":
        parts.append("日期，如 2018-05-20、2018/5/20 或 2018年5月20日")
    elif f.type == "money":
        parts.append("金额，单位万元；表头单位也可改为元、千元、亿元，导入时自动换算为万元")
    elif f.type == "int":
        parts.append(f"整数，单位{f.unit}" if f.unit else "整数")
    elif f.type == "ratio":
        parts.append("比例，0–1 之间的小数（如 0.08），也可写成 8%")
    elif f.type == "number":
        parts.append(f"数值，单位{f.unit}")
    elif f.type == "bool":
        parts.append("是/否（也可填 1/0、Y/N）")
    elif f.type == "enum":
        parts.append("可选：" + "、".join(f.choices))
    elif f.type == "text" and f.id == "name":
        parts.append("企业全称")
    if f.min is not None and f.type != "ratio" and f.id != "year":
        parts.append("不能为负数" if f.min == 0 else f"不小于{f.min:g}")
    for small, large in NOT_GREATER_THAN:
        if small == f.id:
            parts.append(f"不大于“{BY_ID[large].zh}”")
    if f.id == "class1_ip_self_developed":
        parts.append("不大于有效发明专利数与其他I类知识产权数之和")
    if f.id == "net_assets":
        parts.append("同时填写资产总额和负债总额时，须等于资产总额 − 负债总额")
    if f.id in ("net_profit", "net_assets"):
        parts.append("可为负数")
    if not f.required and f.id != "uscc":
        parts.append("未报送的可留空（留空表示未报送，不等于 0）")
    return "；".join(parts) + "。"


def columns(table: str, department: str | None = None) -> list[Field]:
    """The columns of one sheet (all fields, or one department's plus the keys); empty: no sheet."""
    if table == "enterprise":
        fields = list(ENTERPRISE_FIELDS)
    elif table == "report":
        fields = [BY_ID["uscc"], *REPORT_FIELDS]
    else:
        fields = [BY_ID[c] for c in QUALIFICATION_COLUMNS]
    if department is None:
        return fields
    wanted = department_fields().get(department, ())
    if table == "qualification":
        return fields if any(BY_ID[f].table == "qualification" for f in wanted if f in BY_ID) else []
    chosen = [f for f in fields if f.id in wanted]
    if not chosen:
        return []
    return [f for f in fields if f.id in KEYS[table] or f.id in wanted]


def build(out, *, zone_code: str = "Z001", department: str | None = None, year: int | None = None) -> None:
    """Write the template workbook to ``out`` (a path or a binary file object)."""
    from gaoxin.io import safe

    year = year or dt.date.today().year - 1
    example = example_values(zone_code, year)
    wb = safe.workbook(str(out)) if isinstance(out, str | Path) else safe.workbook(out, {"in_memory": True})
    try:
        base = {"font_name": "Microsoft YaHei", "font_size": 10}
        f_rule = wb.add_format({**base, "text_wrap": True, "valign": "top", "font_color": "#52606D",
                                "font_size": 9, "bg_color": "#F5F7FA", "border": 1})  # fmt: skip
        f_head = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                "valign": "vcenter"})  # fmt: skip
        f_req = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                               "valign": "vcenter", "font_color": "#B42318"})  # fmt: skip
        f_text = wb.add_format({**base, "num_format": "@"})
        f_date = wb.add_format({**base, "num_format": "yyyy-mm-dd"})
        f_money = wb.add_format({**base, "num_format": "#,##0.00##"})
        f_plain = wb.add_format(base)
        ex = {"italic": True, "font_color": "#7B8794"}
        f_ex_text = wb.add_format({**base, **ex, "num_format": "@"})
        f_ex_date = wb.add_format({**base, **ex, "num_format": "yyyy-mm-dd"})
        f_ex_money = wb.add_format({**base, **ex, "num_format": "#,##0.00##"})
        f_ex_plain = wb.add_format({**base, **ex})
        made = 0
        for table, title in SHEETS.items():
            fields = columns(table, department)
            if not fields:
                continue
            made += 1
            ws = wb.add_worksheet(title)
            ws.set_row(0, 96)
            ws.set_row(1, 32)
            for c, f in enumerate(fields):
                text = rule(f)
                ws.write_string(0, c, text, f_rule)
                required = f.required or f.id == "uscc"
                ws.write_string(1, c, header(f), f_req if required else f_head)
                ws.write_comment(1, c, text, {"x_scale": 2, "y_scale": 2})
                kind = f.type
                col_fmt = {"date": f_date, "money": f_money}.get(kind, f_text if kind == "text" else f_plain)
                ws.set_column(c, c, max(12, min(30, len(header(f)) * 2 + 2)), col_fmt)
                value = example.get(f.id)
                if value is None or value == "":
                    pass
                elif isinstance(value, dt.date):
                    ws.write_datetime(2, c, dt.datetime.combine(value, dt.time()), f_ex_date)
                elif isinstance(value, int | float):
                    ws.write_number(2, c, value, f_ex_money if kind == "money" else f_ex_plain)
                else:
                    ws.write_string(2, c, str(value), f_ex_text)
                choices = _choices(f)
                if choices:
                    ws.data_validation(
                        2, c, EXAMPLE_ROWS + 2, c,
                        {"validate": "list", "source": list(choices), "ignore_blank": True,
                         "error_type": "warning", "error_title": f.zh,
                         "error_message": "请从下拉列表中选择：" + "、".join(choices)},
                    )  # fmt: skip
            ws.freeze_panes(2, 1)
            ws.autofilter(1, 0, 1, len(fields) - 1)
        if not made:
            raise ValueError(f"no columns for department {department!r}")
    finally:
        wb.close()


def _choices(f: Field) -> tuple[str, ...]:
    if f.id == "kind":
        return tuple(QUALIFICATION_KINDS.values())
    if f.type == "bool":
        return ("是", "否")
    if f.type == "enum":
        return tuple(f.choices)
    return ()


def template_bytes(
    *, zone_code: str = "Z001", department: str | None = None, year: int | None = None
) -> bytes:
    buf = io.BytesIO()
    build(buf, zone_code=zone_code, department=department, year=year)
    return buf.getvalue()


def file_name(department: str | None = None) -> str:
    return f"导入模板-{department}.xlsx" if department else "导入模板.xlsx"
