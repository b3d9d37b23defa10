"""Problems found while reading input files, and the two ways of showing them to a person.

A problem names the place a person would look in their own file: the file, the sheet (xlsx), the row as
the spreadsheet numbers it (header = row 1), the column header as they wrote it, and the cell value as
written. ``reason`` is Chinese (the users' language); ``reason_en`` is an English gloss where cheap.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"

# English glosses of the fixed Chinese reasons, filled by `msg` where each reason is defined.
EN: dict[str, str] = {}
# A problem quotes at most this many characters of the cell (a 5,000,000-character name is reported,
# not copied into every report, page and JSON column that shows the problem).
VALUE_MAX = 200


def msg(zh: str, en: str) -> str:
    """Register the English gloss of a fixed reason and return the Chinese text (the primary one)."""
    EN[zh] = en
    return zh


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab and line breaks stay as written


def _picture(m: re.Match) -> str:
    """The Unicode "control picture" of a control character: ␀ for NUL, ␇ for BEL, ␡ for DEL."""
    c = ord(m.group())
    return chr(0x2421 if c == 0x7F else 0x2400 + c)


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # spreadsheet row number; None for file-, sheet- or column-level problems
    column: str | None  # the header as the user wrote it
    value: str | None  # the cell as written
    reason: str  # Chinese, primary
    sheet: str | None = None
    severity: str = ERROR  # or WARNING
    reason_en: str = ""

    def __post_init__(self) -> None:
        if self.value is not None and len(self.value) > VALUE_MAX:
            clipped = f"{self.value[:VALUE_MAX]}…（共 {len(self.value):,} 个字符）"
            object.__setattr__(self, "value", clipped)
        for name in ("file", "column", "value", "sheet"):  # quoted as the file has them, but visible:
            text = getattr(self, name)  # a NUL byte is shown as ␀ (PostgreSQL refuses NUL in text)
            if text is not None and _CONTROL.search(text):
                object.__setattr__(self, name, _CONTROL.sub(_picture, text))

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


# --- terminal table ---------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Display width in a terminal: CJK (wide / full-width) characters take two cells."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())  # newlines inside cells would break the table
    if _width(text) <= limit:
        return text
    out, used = [], 0
    for c in text:
        w = _width(c)
        if used + w > limit - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_problems(problems: Sequence[Problem], limit: int | None = None) -> str:
    """A readable table (文件 行 列 值 原因) for the terminal; warnings are marked 警告 in 原因."""
    if not problems:
        return "没有发现问题。"
    shown = list(problems if limit is None else problems[:limit])
    with_sheet = any(p.sheet for p in shown)
    titles = ["文件", *(["工作表"] if with_sheet else []), "行", "列", "值", "原因"]
    limits = [28, *([16] if with_sheet else []), 7, 24, 24, 80]
    rows = []
    for p in shown:
        reason = p.reason if p.is_error else f"警告：{p.reason}"
        cells = [
            p.file,
            *([p.sheet or ""] if with_sheet else []),
            "" if p.row is None else str(p.row),
            p.column or "",
            p.value or "",
            reason,
        ]
        rows.append([_clip(c, lim) for c, lim in zip(cells, limits, strict=True)])
    widths = [max(_width(r[i]) for r in [titles, *rows]) for i in range(len(titles))]
    lines = ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [titles, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    errors = sum(p.is_error for p in problems)
    summary = f"共 {len(problems)} 条问题（错误 {errors} 条，警告 {len(problems) - errors} 条）"
    if len(shown) < len(problems):
        summary += f"，只显示前 {len(shown)} 条"
    return "\n".join([*lines, summary])


# --- xlsx -------------------------------------------------------------------------------------------

_XLSX_TITLES = ("文件", "工作表", "行", "列", "值", "原因", "级别")
_SEVERITY_ZH = {ERROR: "错误", WARNING: "警告"}


def write_problems_xlsx(problems: Iterable[Problem], path: str | Path) -> None:
    """An xlsx a person can filter: Chinese headers, frozen header row, autofilter, fitted widths."""
    from gaoxin.io import safe  # xlsxwriter only when needed: keep `import gaoxin.io.problems` light

    rows = [
        [p.file, p.sheet or "", p.row, p.column or "", p.value or "", p.reason, _SEVERITY_ZH.get(p.severity)]
        for p in problems
    ]
    wb = safe.workbook(str(path))
    try:
        ws = wb.add_worksheet("问题")
        bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        text = wb.add_format({"num_format": "@"})  # values stay text: "00123" must not become 123
        ws.write_row(0, 0, _XLSX_TITLES, bold)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                if isinstance(v, int):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, v, text if c == 4 else None)
        for c, title in enumerate(_XLSX_TITLES):
            longest = max([_width(title), *(_width(str(row[c])) for row in rows if row[c] is not None)])
            ws.set_column(c, c, min(max(longest + 2, 6), 60 if c == 5 else 40))
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(rows), 1), len(_XLSX_TITLES) - 1)
    finally:
        wb.close()
