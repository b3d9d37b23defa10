"""Unified social credit codes (统一社会信用代码), GB 32100-2015.

18 characters from ``0-9 A-H J-N P-R T U W-Y`` (no I, O, S, V, Z); the 18th is a check character:
weights 3^i mod 31 for i = 0..16, check = 31 − (Σ value·weight mod 31), with 31 written as 0.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def check_char(first17: str) -> str:
    """The check character for the first 17 characters (which must be valid)."""
    total = sum(VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(raw: object) -> str:
    """Trim and upper-case, as the data dictionary asks of every input."""
    return str(raw).strip().upper() if raw is not None else ""


def problem(code: str) -> str | None:
    """Why a (normalized) code is not a valid USCC, in Chinese, or None when it is valid."""
    if not code:
        return "统一社会信用代码为空"
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实为{len(code)}位"
    bad = sorted({c for c in code if c not in VALUE})
    if bad:
        return f"含有不允许的字符：{''.join(bad)}（不得使用 I、O、S、V、Z）"
    expected = check_char(code[:17])
    if code[17] != expected:
        return f"校验位错误：第18位应为 {expected}，实为 {code[17]}"
    return None


def is_valid(code: str) -> bool:
    return problem(normalize(code)) is None
