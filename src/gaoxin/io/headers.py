"""Column headers: which dictionary field a header names, and the unit it carries.

A header is the English id or the Chinese label (``dictionary.field``), optionally followed by a unit in
brackets of either width: ``研发费用(元)``, ``营业收入（万元）``, ``rd_expense[千元]``. Matching is lenient
about what people do to headers in spreadsheets (spaces and line breaks inside the cell, a ``*`` marking a
required column, ASCII instead of full-width brackets inside a label) but never guesses between fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gaoxin.data.dictionary import FIELDS, UNIT_ALIASES, Field

# Money units and the power of ten that converts them to 万元.
MONEY_UNITS = {"元": -4, "千元": -1, "万元": 0, "万": 0, "百万元": 2, "百万": 2, "亿元": 4, "亿": 4}
PERCENT_UNITS = {"%", "％", "百分比"}

_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "【", "]": "】", "〔": "【", "〕": "】"})
_UNIT_RE = re.compile(r"^(.+?)[（【]([^（）【】]*)[）】]$")
_GROUP_RE = re.compile(r"（[^（）]*）")
_RAW_UNIT_RE = re.compile(r"[(（\[【〔]([^()（）\[\]【】〔〕]*)[)）\]】〕][\s*＊]*$")


def _norm(text: str) -> str:
    """The matching key of a header: no whitespace, no required-marks, full-width brackets, lower case."""
    key = "".join(str(text).split()).strip("*＊")
    return key.translate(_BRACKETS).lower()


def _lookup() -> dict[str, Field]:
    table: dict[str, Field] = {}
    for f in FIELDS:
        table[_norm(f.id)] = f
        table[_norm(f.zh)] = f
    # Second-choice names, only where they cannot collide with a first-choice one: labels without their
    # bracketed gloss (净资产（所有者权益） → 净资产) and the English names.
    for f in FIELDS:
        for alias in (_GROUP_RE.sub("", _norm(f.zh)), _norm(f.en)):
            if alias and alias not in table:
                table[alias] = f
    return table


_LOOKUP = _lookup()


@dataclass(frozen=True)
class Header:
    text: str  # as written (stringified)
    index: int  # position of the column in the sheet, 0-based
    field: Field | None = None
    exp10: int = 0  # multiply by 10**exp10 to reach the canonical unit
    percent: bool = False  # the column is in percent (÷100); also true for cells written "12.5%"
    unit: str = ""  # the unit as written, without brackets
    error: tuple[str, str] | None = None  # (zh, en) when the unit is wrong for the field
    note: tuple[str, str] | None = None  # (zh, en) a harmless oddity worth a warning


def parse_header(text: object, index: int) -> Header:
    raw = "" if text is None else str(text).strip()
    key = _norm(raw)
    if not key:
        return Header(raw, index)
    f = _LOOKUP.get(key)
    if f is not None:
        return Header(raw, index, f)
    m = _UNIT_RE.match(key)
    if m is None or (f := _LOOKUP.get(m[1])) is None:
        return Header(raw, index)
    written = _RAW_UNIT_RE.search(raw)  # the unit as written (the key is lower-cased, without spaces)
    return _with_unit(raw, index, f, written[1] if written else m[2])


def _with_unit(raw: str, index: int, f: Field, unit: str) -> Header:
    u = unit.strip()
    if not u:
        return Header(raw, index, f)
    if f.type == "money":
        bare = u.removeprefix("人民币").removesuffix("人民币")
        if bare in MONEY_UNITS:
            return Header(raw, index, f, exp10=MONEY_UNITS[bare], unit=u)
        zh = f"无法识别的金额单位“{u}”（可用：元、千元、万元、百万元、亿元）"
        en = f"unknown money unit {u!r} (use 元, 千元, 万元, 百万元 or 亿元)"
    elif f.type == "ratio":
        if u in PERCENT_UNITS:
            return Header(raw, index, f, percent=True, unit=u)
        zh = f"单位“{u}”不适用于比例（可不写单位，或写 %）"
        en = f"unit {u!r} does not fit a ratio (omit it or use %)"
    elif f.type == "int":
        if f.unit and u == f.unit:
            return Header(raw, index, f, unit=u)
        zh = f"单位“{u}”不正确（{f'应为“{f.unit}”' if f.unit else '该列不带单位'}）"
        en = f"wrong unit {u!r} (expected {f.unit or 'none'})"
    elif f.type == "number":
        spellings = {f.unit, *UNIT_ALIASES.get(f.unit, ())}
        if u.replace(" ", "").lower() in {s.lower() for s in spellings}:
            return Header(raw, index, f, unit=u)
        zh = f"单位“{u}”不正确（应为“{f.unit}”）"
        en = f"wrong unit {u!r} (expected {f.unit})"
    else:
        # Text, dates, enums, booleans have no unit; a bracketed note such as (YYYY-MM-DD) changes nothing.
        note = (f"表头括号中的“{u}”已忽略", f"bracketed note {u!r} in the header ignored")
        return Header(raw, index, f, unit=u, note=note)
    return Header(raw, index, f, unit=u, error=(zh, en))
