"""What both baselines share, written from ``shared/spec/indicator-model.md`` (not from the engine).

The baselines read a loaded ``Model`` (ids, methods, weights, bands, cohort, lists, grades) and walk
the expression trees of ``gaoxin.scoring.expr`` themselves; nothing here calls the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gaoxin.data.dictionary import SCORABLE_FIELDS
from gaoxin.scoring.expr import Binary, Bool, Call, Name, Node, Num, Unary
from gaoxin.scoring.model import Model

# Totals are sums of binary floats, so two totals that are equal on paper (2.4 + 4.2 and 6.6) can differ
# in the last bit. The spec's "strictly higher total" and "min ≤ total" are read as statements about
# the numbers on paper: rank, grade and list compare totals rounded to 9 decimals (far below any
# displayed precision, far above the error of a sum of a few dozen doubles).
COMPARE_DECIMALS = 9


def is_bool_field(name: str) -> bool:
    return SCORABLE_FIELDS[name].type == "bool"


def is_condition(node: Node) -> bool:
    """True when the node is a yes/no value (it becomes 1/0 in arithmetic)."""
    if isinstance(node, Bool):
        return True
    if isinstance(node, Num):
        return False
    if isinstance(node, Name):
        return node.name != "age_years" and is_bool_field(node.name)
    if isinstance(node, Call):
        return node.fn == "has" or (node.fn == "prev" and is_bool_field(node.arg))
    if isinstance(node, Unary):
        return node.op == "not"
    if isinstance(node, Binary):
        return node.op in ("and", "or", "<", "<=", ">", ">=", "==", "!=")
    raise TypeError(node)


@dataclass
class Reads:
    """The inputs a model's expressions read."""

    fields: set[str] = field(default_factory=set)  # report fields of the evaluated year
    prev: set[str] = field(default_factory=set)  # report fields of the year before
    kinds: set[str] = field(default_factory=set)  # qualification kinds for has()
    age: bool = False


def _walk(node: Node, reads: Reads) -> None:
    if isinstance(node, Name):
        if node.name == "age_years":
            reads.age = True
        else:
            reads.fields.add(node.name)
    elif isinstance(node, Call):
        if node.fn == "has":
            reads.kinds.add(node.arg)
        else:  # prev(x), growth(x): x this year and the year before
            reads.fields.add(node.arg)
            reads.prev.add(node.arg)
    elif isinstance(node, Unary):
        _walk(node.operand, reads)
    elif isinstance(node, Binary):
        _walk(node.left, reads)
        _walk(node.right, reads)


def reads(model: Model) -> Reads:
    out = Reads()
    trees = [s.when.tree for s in model.stages] + [i.value.tree for i in model.all_indicators]
    trees += [p.when.tree for p in model.penalties] + [v.tree for v in model.veto]
    for tree in trees:
        _walk(tree, out)
    return out


def output_columns(model: Model) -> list[str]:
    """The columns of a scoring run, in the spec's order ("Output of a scoring run")."""
    cols = [
        "uscc",
        "name",
        "zone",
        "year",
        "stage",
        "total",
        "base",
        "bonus",
        "penalty",
        "vetoed",
        "rank",
        "cohort_size",
        "grade",
        "list",
    ]
    cols += [f"cat:{c.id}" for c in model.categories]
    cols += [f"pts:{i.id}" for i in model.all_indicators]
    cols += [f"val:{i.id}" for i in model.all_indicators]
    return [*cols, "missing"]


def cohort_fields(model: Model) -> list[str]:
    """Enterprise columns the cohort needs besides uscc, name, zone (``stage`` is computed)."""
    return [c for c in model.cohort if c not in ("stage", "uscc", "name", "zone")]
