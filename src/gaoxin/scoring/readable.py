"""A model's expressions in words: ``revenue < 20000`` → ``营业收入（万元） < 20,000``.

The model page shows a stage's rule, an indicator's value, a penalty's condition and the veto as a
zone official reads them: each field by its data dictionary label (with its unit), ``has(hightech)`` as
the qualification's name, ``prev``/``growth`` in words, ``and``/``or`` as 且/或 and the operators as
≥ ≤ ≠ × ÷. The expression itself stays the source of truth; this is only its reading.
"""

from __future__ import annotations

from gaoxin.data.dictionary import QUALIFICATION_KINDS
from gaoxin.data.dictionary import field as dictionary_field
from gaoxin.scoring.expr import Binary, Bool, Call, Expression, Name, Node, Num, Unary

_SYMBOLS = {
    "<": "<",
    "<=": "≤",
    ">": ">",
    ">=": "≥",
    "==": "=",
    "!=": "≠",
    "+": "+",
    "-": "−",
    "*": "×",
    "/": "÷",
}
_WORDS = {
    "zh": {
        "and": "且",
        "or": "或",
        "not": "并非",
        "true": "所有企业",
        "false": "无",
        "age": "成立年限（年）",
    },
    "en": {
        "and": "and",
        "or": "or",
        "not": "not",
        "true": "every firm",
        "false": "none",
        "age": "age (years)",
    },
}
# binding strength, loosest first: a child binding looser than its parent is put in brackets
_PRECEDENCE = {
    "or": 1,
    "and": 2,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "==": 4,
    "!=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
}


def _number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) >= 1000 else f"{value:g}"


def _field(name: str, lang: str) -> str:
    if name == "age_years":
        return _WORDS[lang]["age"]
    f = dictionary_field(name)
    if f is None:
        return name
    label = (f.en or f.zh) if lang == "en" else f.zh
    unit = "" if f.type in ("ratio", "bool") else f.unit  # a ratio is compared as a fraction (0.3)
    if not unit:
        return label
    return f"{label} ({unit})" if lang == "en" else f"{label}（{unit}）"


def _kind(kind: str, lang: str) -> str:
    return kind if lang == "en" else QUALIFICATION_KINDS.get(kind, kind)


def _call(node: Call, lang: str) -> str:
    if node.fn == "has":
        kind = _kind(node.arg, lang)
        return f"holds {kind}" if lang == "en" else f"具有{kind}资质"
    name = _field(node.arg, lang)
    if node.fn == "prev":
        return f"{name} last year" if lang == "en" else f"上年{name}"
    if node.fn == "growth":
        return f"growth of {name}" if lang == "en" else f"{name}增长率"
    return f"{node.fn}({name})"


def _words(node: Node, lang: str, parent: int = 0) -> str:
    if isinstance(node, Num):
        return _number(node.value)
    if isinstance(node, Bool):
        return _WORDS[lang]["true" if node.value else "false"]
    if isinstance(node, Name):
        return _field(node.name, lang)
    if isinstance(node, Call):
        return _call(node, lang)
    if isinstance(node, Unary):
        if node.op == "not":
            return f"{_WORDS[lang]['not']}（{_words(node.operand, lang)}）"
        return f"−{_words(node.operand, lang, 7)}"
    if isinstance(node, Binary):
        mine = _PRECEDENCE.get(node.op, 3)
        op = _WORDS[lang][node.op] if node.op in ("and", "or") else _SYMBOLS.get(node.op, node.op)
        # the right side of − and ÷ binds tighter: a − (b − c), a ÷ (b × c)
        right_parent = mine + 1 if node.op in ("-", "/") else mine
        text = f"{_words(node.left, lang, mine)} {op} {_words(node.right, lang, right_parent)}"
        return f"（{text}）" if mine < parent else text
    return str(node)


def in_words(expression: Expression, lang: str = "zh") -> str:
    """``expression`` as a person reads it, in Chinese (``lang="zh"``) or English."""
    return _words(expression.tree, "en" if lang == "en" else "zh")
