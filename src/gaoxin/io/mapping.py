"""Which columns of a sheet are read, and which tables (enterprise, report, qualification) it supplies.

A sheet with ``kind`` (资质类型) lists qualifications; a sheet with ``year`` (年度) holds annual reports,
and, when it also has enterprise columns, enterprise rows as well (repeated over the years); a sheet with
enterprise columns only lists enterprises. Unknown headers are warnings and left out, so one department's
extra column does not stop its file; a wrong unit or a field named twice is an error and that column is
left out. In a workbook, a sheet without known headers (notes, lookup lists) is skipped with a warning.
"""

from __future__ import annotations

from gaoxin.data.dictionary import BY_ID
from gaoxin.io.headers import Header, parse_header
from gaoxin.io.problems import ERROR, WARNING, Problem
from gaoxin.io.validate import REQUIRED, Sheet

TABLES = ("enterprise", "report", "qualification")


def _letter(index: int) -> str:
    """Spreadsheet column letter: 0 → A, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def map_columns(sheet: Sheet, workbook: bool) -> list[Problem]:
    """Decide which columns are read, and which tables the sheet supplies; problems about headers."""
    raw = sheet.raw
    out: list[Problem] = []

    def problem(column: Header | str | None, zh: str, en: str, severity: str = ERROR) -> None:
        text = column.text if isinstance(column, Header) else column
        out.append(Problem(sheet.file, None, text, None, zh, sheet.name, severity, en))

    by_field: dict[str, list[Header]] = {}
    for i, text in enumerate(raw.headers):
        h = parse_header(text, i)
        if h.field is None:
            if h.text:
                problem(h, "无法识别的列名，此列未读取", "unknown column header; column ignored", WARNING)
            elif raw.frame[f"c{i}"].str.strip_chars().drop_nulls().str.len_chars().sum():
                col = f"第{_letter(i)}列"
                problem(
                    col,
                    f"{col}有数据但没有表头，此列未读取",
                    "column has data but no header; ignored",
                    WARNING,
                )
            continue
        if h.error:
            problem(h, h.error[0] + "，此列未读取", h.error[1] + "; column ignored")
            continue
        if h.note:
            problem(h, *h.note, WARNING)
        by_field.setdefault(h.field.id, []).append(h)
    for fid, group in by_field.items():
        if len(group) == 1:
            sheet.headers[fid] = group[0]
            continue
        first = group[0]
        for h in group[1:]:
            problem(
                h,
                f"与{_letter(first.index)}列“{first.text}”重复（都对应“{BY_ID[fid].zh}”），两列均未读取",
                f"duplicate of column {_letter(first.index)} {first.text!r} (both {fid}); neither is read",
            )

    fields = set(sheet.headers)
    where = "工作表" if workbook else "文件"
    if "uscc" not in fields:
        if "uscc" in by_field:  # there was one, but ambiguous: already reported
            pass
        elif fields:
            zh = "缺少“统一社会信用代码”列" + (f"，此{where}未读取" if workbook else "")
            problem(None, zh, "no uscc column", WARNING if workbook else ERROR)
        elif not workbook:
            problem(None, "没有可识别的列（表头应为数据字典中的字段名或中文名）", "no known column headers")
        else:  # a workbook's notes or lookup sheet: one warning, not one per unknown header
            out.clear()
            problem(
                None, "没有可识别的表头，此工作表未读取", "no known column headers; sheet ignored", WARNING
            )
        sheet.headers.clear()
        return out
    by_table = {t: {f for f in fields if BY_ID[f].table == t} for t in TABLES}
    if by_table["qualification"]:
        missing = [k for k in REQUIRED["qualification"] if k not in fields]
        for k in missing:
            problem(None, f"资质表缺少“{BY_ID[k].zh}”列，此{where}未读取", f"qualification sheet lacks {k}")
        for f in sorted(by_table["enterprise"] - {"uscc"} | by_table["report"], key=list(BY_ID).index):
            zh = "资质表中的此列未读取（企业信息和年报请另行导入）"
            problem(sheet.headers.pop(f), zh, "column not read in a qualification sheet", WARNING)
        sheet.tables = () if missing else ("qualification",)
        return out
    tables = []
    if by_table["enterprise"] - {"uscc"}:
        tables.append("enterprise")
    if by_table["report"]:
        if "year" in fields:
            tables.append("report")
        else:
            for f in sorted(by_table["report"], key=list(BY_ID).index):
                zh = "缺少“年度”列，年报数据无法使用，此列未读取"
                problem(sheet.headers.pop(f), zh, "report column without a year column; not read")
    if not tables:
        problem(
            None, "只有统一社会信用代码，没有可读取的数据列", "only the uscc column; nothing to read", WARNING
        )
    sheet.tables = tuple(tables)
    return out
