"""Indicator models: the YAML (or JSON) file a zone edits, loaded and checked before any scoring.

A model that is wrong in any way is refused with every fault listed at once, each naming the file,
where in it (the indicator id, or the section) and what is wrong. Unknown keys and duplicate keys are
faults too: a typo must never silently change a score.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from gaoxin.data import safe_yaml
from gaoxin.data.dictionary import ENTERPRISE_FIELDS
from gaoxin.scoring.expr import BOOL, NUM, RESERVED_NAMES, TEXT, ExprError, Expression, Uses, parse

MODELS_DIR = Path(__file__).with_name("models")
METHODS = ("percentile", "minmax", "linear", "bands")
DIRECTIONS = ("higher", "lower")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_MODEL_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
COHORT_FIELDS = {f.id for f in ENTERPRISE_FIELDS} | {"stage"}
AGGREGATIONS = ("points", "weighted_mean")
MISSING = ("zero", "reweight")
FIELD_TYPES = {"number": NUM, "bool": BOOL, "text": TEXT}
# Units a declared field may carry: what the unit-table reader converts a bracketed header unit to.
FIELD_UNITS = (
    "万元",
    "元",
    "千元",
    "百万元",
    "亿元",
    "家",
    "个",
    "人",
    "件",
    "项",
    "次",
    "年",
    "ratio",
    "percent",
)
_FIELD_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Fault:
    file: str
    where: str  # indicator id, or a section such as "stages[2]"
    fault: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.fault}"


class ModelError(ValueError):
    def __init__(self, faults: list[Fault]):
        self.faults = faults
        super().__init__("\n".join(str(f) for f in faults))


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh


@dataclass(frozen=True)
class Stage:
    id: str
    name: Label
    when: Expression


@dataclass(frozen=True)
class Category:
    id: str
    name: Label
    parent: str | None = None  # composite-model.md: categories form a forest (weighted_mean only)
    weight: float = 1.0  # relative weight within the parent (or among the top level); ignored under points


@dataclass(frozen=True)
class UnitField:
    """A field a unit model (unit ≠ enterprise) declares: its unit table's columns."""

    id: str
    name: Label
    unit: str = ""
    type: str = "number"  # number | bool | text


@dataclass(frozen=True)
class Indicator:
    id: str
    name: Label
    category: str
    value: Expression
    method: str
    weights: Mapping[str, float]  # stage id → full points; a stage not named scores 0
    direction: str = "higher"
    linear: tuple[float, float] | None = None
    bands: tuple[tuple[float, float], ...] = ()
    description: str = ""
    bonus: bool = False

    def weight(self, stage: str) -> float:
        return self.weights.get(stage, 0.0)


@dataclass(frozen=True)
class Penalty:
    id: str
    name: Label
    when: Expression
    points: float
    description: str = ""


@dataclass(frozen=True)
class HonourList:
    id: str
    name: Label
    top: Fraction  # exact: ceil(top × n) must be exact decimal arithmetic (0.10 × 30 = 3)


@dataclass(frozen=True)
class Grade:
    min: float
    grade: str


@dataclass(frozen=True)
class Model:
    id: str
    version: int
    name: Label
    cohort: tuple[str, ...]
    stages: tuple[Stage, ...]
    categories: tuple[Category, ...]
    indicators: tuple[Indicator, ...]  # base indicators
    bonus_indicators: tuple[Indicator, ...] = ()
    bonus_cap: float = 0.0
    penalties: tuple[Penalty, ...] = ()
    veto: tuple[Expression, ...] = ()
    lists: tuple[HonourList, ...] = ()
    grades: tuple[Grade, ...] = ()
    allow_unequal_stage_totals: bool = False
    unit: str = "enterprise"
    fields: tuple[UnitField, ...] = ()
    aggregation: str = "points"
    scale: float = 100.0
    missing: str = "zero"
    rank_cohort: tuple[str, ...] | None = None  # None: the same as ``cohort``
    path: str = ""
    sha256: str = ""
    source: str = field(default="", repr=False)

    @property
    def all_indicators(self) -> tuple[Indicator, ...]:
        return self.indicators + self.bonus_indicators

    def indicator(self, id: str) -> Indicator:
        for ind in self.all_indicators:
            if ind.id == id:
                return ind
        raise KeyError(id)

    @property
    def is_enterprise(self) -> bool:
        return self.unit == "enterprise"

    @property
    def key(self) -> str:
        """The column that identifies a scored row: ``uscc`` for enterprises, ``id`` otherwise."""
        return "uscc" if self.is_enterprise else "id"

    @property
    def rank_keys(self) -> tuple[str, ...]:
        """The groups rank and lists are computed within (``rank_cohort``, default ``cohort``)."""
        return self.cohort if self.rank_cohort is None else self.rank_cohort

    @property
    def weighted(self) -> bool:
        return self.aggregation == "weighted_mean"

    def children(self, category: str) -> tuple[list[Indicator], list[Category]]:
        """The base indicators and child categories of a category, in file order."""
        inds = [i for i in self.indicators if i.category == category]
        return inds, [c for c in self.categories if c.parent == category]

    @property
    def top_categories(self) -> tuple[Category, ...]:
        return tuple(c for c in self.categories if c.parent is None)

    def categories_bottom_up(self) -> list[Category]:
        """Every category after all of its descendants (children first), ties in file order."""
        depth: dict[str, int] = {}
        by_id = {c.id: c for c in self.categories}
        for c in self.categories:
            d, p = 0, c.parent
            while p is not None:
                d, p = d + 1, by_id[p].parent
            depth[c.id] = d
        return sorted(self.categories, key=lambda c: -depth[c.id])

    def field_types(self) -> dict[str, str] | None:
        """Declared field id → expression type, or None for the enterprise dictionary."""
        if self.is_enterprise:
            return None
        return {f.id: FIELD_TYPES[f.type] for f in self.fields}

    def stage_max(self, stage: str) -> float:
        return sum(i.weight(stage) for i in self.indicators)

    @property
    def uses(self) -> Uses:
        uses = Uses()
        exprs = [s.when for s in self.stages] + [i.value for i in self.all_indicators]
        exprs += [p.when for p in self.penalties] + list(self.veto)
        for e in exprs:
            uses.update(e.uses)
        return uses


# --- loading ---------------------------------------------------------------------------------------


class _UniqueKeyLoader(safe_yaml.Bounded, yaml.SafeLoader):
    """SafeLoader that refuses a key written twice in one mapping (PyYAML keeps the last silently),
    bounded in depth and aliases (``gaoxin.data.safe_yaml``)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key {key!r} is written twice (first on line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def shipped(unit: str | None = "enterprise") -> list[str]:
    """Ids of the models that ship with gaoxin that score ``unit`` (default enterprises; None: all).

    The default keeps every caller that scores enterprises (the platform's score runs, the baselines)
    to the enterprise models; a zone model (``zone-eval-2021``) is asked for by ``unit="zone"``.

    Pages ask on every request: the files are read once per process and again only when one changes
    (the key is every file's name and modification time)."""
    files = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(MODELS_DIR.glob("*.yaml")))
    return list(_shipped(unit, files))


@functools.lru_cache(maxsize=16)
def _shipped(unit: str | None, files: tuple[tuple[str, int], ...]) -> tuple[str, ...]:
    out = []
    for p in (MODELS_DIR / name for name, _mtime in files):
        if unit is not None:
            try:
                doc = yaml.safe_load(p.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError):
                doc = None
            if (doc.get("unit", "enterprise") if isinstance(doc, Mapping) else "enterprise") != unit:
                continue
        out.append(p.stem)
    return tuple(out)


def resolve(model: str | Path) -> Path:
    """A shipped model id or a path to a model file."""
    path = Path(model)
    if path.suffix.lower() in (".yaml", ".yml", ".json") or path.exists():
        return path
    candidate = MODELS_DIR / f"{model}.yaml"
    if candidate.exists():
        return candidate
    raise ModelError(
        [Fault(str(model), "model", f"no such file or shipped model; shipped: {', '.join(shipped())}")]
    )


def load_model(model: str | Path) -> Model:
    path = resolve(model)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ModelError([Fault(str(path), "file", f"cannot be read: {exc.strerror or exc}")]) from exc
    return loads(raw, name=str(path))


def loads(raw: bytes | str, name: str = "<model>") -> Model:
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ModelError([Fault(name, "file", "is not UTF-8 text")]) from None
    try:
        doc = safe_yaml.load(text, _UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        problem = getattr(exc, "problem", None) or str(exc)
        raise ModelError([Fault(name, where, f"YAML syntax error: {problem}")]) from None
    checker = _Checker(name)
    model = checker.model(doc)
    if checker.faults:
        raise ModelError(checker.faults)
    assert model is not None
    return _with_source(model, name, data)


def _with_source(model: Model, name: str, data: bytes) -> Model:
    from dataclasses import replace

    return replace(model, path=name, sha256=hashlib.sha256(data).hexdigest(), source=data.decode("utf-8-sig"))


_TOP_REQUIRED = ("id", "version", "name", "stages", "categories", "indicators")
_TOP_OPTIONAL = (
    "cohort",
    "bonus",
    "penalties",
    "veto",
    "lists",
    "grades",
    "allow_unequal_stage_totals",
    # composite-model.md
    "unit",
    "fields",
    "aggregation",
    "scale",
    "missing",
    "rank_cohort",
)
_IND_REQUIRED = ("id", "name", "category", "value", "method", "weight")
_IND_OPTIONAL = ("direction", "description", "linear", "bands")


class _Checker:
    """Walks the parsed document, collecting every fault instead of stopping at the first."""

    def __init__(self, file: str):
        self.file = file
        self.faults: list[Fault] = []
        self.stage_ids: list[str] = []
        self.ns: dict[str, str] | None = None  # a unit model's declared fields (expr types)
        self.unit_fields: list[UnitField] = []

    def fault(self, where: str, text: str) -> None:
        self.faults.append(Fault(self.file, where, text))

    # small typed getters ----------------------------------------------------------------------------
    def keys(self, where: str, obj: Mapping, required: tuple[str, ...], optional: tuple[str, ...]) -> bool:
        ok = True
        for key in required:
            if key not in obj:
                self.fault(where, f"missing required key '{key}'")
                ok = False
        for key in obj:
            if key not in required and key not in optional:
                self.fault(where, f"unknown key '{key}' (allowed: {', '.join(required + optional)})")
        return ok

    def label(self, where: str, value: Any) -> Label:
        if isinstance(value, str) and value.strip():
            return Label(value, value)
        if isinstance(value, Mapping) and isinstance(value.get("zh"), str) and value["zh"].strip():
            extra = set(value) - {"zh", "en"}
            if extra:
                self.fault(where, f"name has unknown keys {sorted(extra)} (allowed: zh, en)")
            en = value.get("en")
            return Label(value["zh"], en if isinstance(en, str) and en.strip() else value["zh"])
        self.fault(where, "name must be {zh: …, en: …} with a non-empty zh")
        return Label("?", "?")

    def number(self, where: str, what: str, value: Any, minimum: float | None = None) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fault(where, f"{what} must be a number, got {value!r}")
            return None
        if value != value or value in (float("inf"), float("-inf")):
            self.fault(where, f"{what} must be a finite number, got {value!r}")
            return None
        if minimum is not None and value < minimum:
            self.fault(
                where,
                f"{what} must not be negative, got {value!r}"
                if minimum == 0
                else f"{what} must be ≥ {minimum}, got {value!r}",
            )
            return None
        return float(value)

    def expr(self, where: str, what: str, text: Any, want: str) -> Expression | None:
        try:
            return parse(text, want, self.ns)
        except ExprError as exc:
            self.fault(where, f"{what}: {exc.message} in {text!r}")
            return None

    def seq(self, where: str, value: Any, *, allow_empty: bool = False) -> list:
        if not isinstance(value, list) or (not value and not allow_empty):
            self.fault(where, "must be a non-empty list" if not allow_empty else "must be a list")
            return []
        return value

    def ident(self, where: str, value: Any, seen: set[str], kind: str) -> str | None:
        if not isinstance(value, str) or not _ID.match(value):
            self.fault(where, f"{kind} id {value!r} must be lower-case letters, digits, '_' or '-'")
            return None
        if value in seen:
            self.fault(value, f"duplicate {kind} id '{value}'")
            return None
        seen.add(value)
        return value

    # sections -----------------------------------------------------------------------------------------
    def model(self, doc: Any) -> Model | None:
        if not isinstance(doc, Mapping):
            self.fault(
                "file",
                "a model file must be a mapping with id, version, name, stages, categories, indicators",
            )
            return None
        self.keys("model", doc, _TOP_REQUIRED, _TOP_OPTIONAL)
        model_id = doc.get("id")
        if not isinstance(model_id, str) or not _MODEL_ID.match(model_id):
            self.fault("id", f"model id {model_id!r} must be lower-case letters, digits and '-'")
        version = doc.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.fault("version", f"version must be a whole number ≥ 1, got {version!r}")
        name = self.label("name", doc.get("name"))
        unit = doc.get("unit", "enterprise")
        if not isinstance(unit, str) or not _FIELD_ID.match(unit):
            self.fault("unit", f"unit must be a name such as enterprise or zone, got {unit!r}")
            unit = "enterprise"
        if unit == "enterprise":
            if "fields" in doc:
                self.fault(
                    "fields",
                    "fields are declared only for a unit other than enterprise (the "
                    "enterprise fields are the data dictionary's)",
                )
        elif "fields" not in doc:
            self.fault("fields", f"a model with unit: {unit} must declare its fields")
        else:
            self.unit_fields = self.declared_fields(doc.get("fields"))
            self.ns = {f.id: FIELD_TYPES[f.type] for f in self.unit_fields}
        aggregation = doc.get("aggregation", "points")
        if aggregation not in AGGREGATIONS:
            self.fault(
                "aggregation", f"aggregation must be one of {', '.join(AGGREGATIONS)}, got {aggregation!r}"
            )
            aggregation = "points"
        missing = doc.get("missing", "zero")
        if missing not in MISSING:
            self.fault("missing", f"missing must be one of {', '.join(MISSING)}, got {missing!r}")
            missing = "zero"
        elif missing == "reweight" and aggregation == "points":
            self.fault(
                "missing",
                "missing: reweight needs aggregation: weighted_mean (under points a "
                "missing value earns nothing)",
            )
        scale = 100.0
        if "scale" in doc:
            if aggregation != "weighted_mean":
                self.fault("scale", "scale applies only to aggregation: weighted_mean")
            else:
                got = self.number("scale", "scale", doc["scale"], minimum=0)
                if got is not None and got <= 0:
                    self.fault("scale", f"scale must be greater than 0, got {_fmt(got)}")
                scale = got if got else 100.0
        stages = self.stages(doc.get("stages"))
        stage_ids = self.stage_ids  # every well-named stage, even one whose `when` is faulty
        categories = self.categories(doc.get("categories"))
        cat_ids = {c.id for c in categories}
        seen: set[str] = set()
        indicators = self.indicators(
            "indicators", doc.get("indicators"), stage_ids, cat_ids, seen, bonus=False
        )
        bonus_cap, bonus = self.bonus(doc.get("bonus"), stage_ids, cat_ids, seen)
        penalties = self.penalties(doc.get("penalties", []), seen)
        veto = self.veto(doc.get("veto", []))
        lists = self.lists(doc.get("lists", []))
        grades = self.grades(doc.get("grades", []))
        cohort = self.cohort("cohort", doc.get("cohort", ["zone"] if unit == "enterprise" else []))
        rank_cohort = self.cohort("rank_cohort", doc["rank_cohort"]) if "rank_cohort" in doc else None
        self.tree(categories, indicators + bonus, aggregation)
        allow = doc.get("allow_unequal_stage_totals", False)
        if not isinstance(allow, bool):
            self.fault("allow_unequal_stage_totals", f"must be true or false, got {allow!r}")
            allow = False
        if stages and indicators and not allow and aggregation == "points":
            maxima = {s: sum(i.weight(s) for i in indicators) for s in stage_ids}
            if max(maxima.values()) - min(maxima.values()) > 1e-9:
                shown = ", ".join(f"{s} = {_fmt(v)}" for s, v in maxima.items())
                self.fault(
                    "stages",
                    f"stage maxima differ ({shown}); make every stage's weights sum to the same "
                    "total, or set allow_unequal_stage_totals: true",
                )
        if self.faults:
            return None
        return Model(
            id=model_id,
            version=version,
            name=name,
            cohort=cohort,
            stages=tuple(stages),
            categories=tuple(categories),
            indicators=tuple(indicators),
            bonus_indicators=tuple(bonus),
            bonus_cap=bonus_cap,
            penalties=tuple(penalties),
            veto=tuple(veto),
            lists=tuple(lists),
            grades=tuple(grades),
            allow_unequal_stage_totals=allow,
            unit=unit,
            fields=tuple(self.unit_fields),
            aggregation=aggregation,
            scale=scale,
            missing=missing,
            rank_cohort=rank_cohort,
        )

    def declared_fields(self, value: Any) -> list[UnitField]:
        out: list[UnitField] = []
        seen: set[str] = set()
        for n, item in enumerate(self.seq("fields", value)):
            where = f"fields[{n + 1}]"
            if not isinstance(item, Mapping):
                self.fault(where, "each field must be {id, name, unit, type}")
                continue
            if not self.keys(where, item, ("id", "name"), ("unit", "type")):
                continue
            fid = item["id"]
            if not isinstance(fid, str) or not _FIELD_ID.match(fid):
                self.fault(
                    where, f"field id {fid!r} must start with a letter: lower-case letters, digits, '_'"
                )
                continue
            where = f"field {fid}"
            if fid in RESERVED_NAMES:
                self.fault(
                    where,
                    f"field id {fid!r} collides with a derived name or a column every unit "
                    "table has; choose another id",
                )
                continue
            if fid in seen:
                self.fault(where, f"duplicate field id '{fid}'")
                continue
            seen.add(fid)
            typ = item.get("type", "number")
            if typ not in FIELD_TYPES:
                self.fault(where, f"type must be one of {', '.join(FIELD_TYPES)}, got {typ!r}")
                continue
            unit = item.get("unit", "")
            if unit and (typ != "number" or unit not in FIELD_UNITS):
                self.fault(
                    where,
                    f"unit {unit!r} is not one the readers know for a {typ} field "
                    f"(known for numbers: {', '.join(FIELD_UNITS)})",
                )
                continue
            out.append(UnitField(fid, self.label(where, item["name"]), str(unit or ""), typ))
        return out

    def tree(self, categories: list[Category], indicators: list[Indicator], aggregation: str) -> None:
        """composite-model.md: a forest, no cycles, no childless category, no parent under points."""
        by_id = {c.id: c for c in categories}
        for c in categories:
            if c.parent is None:
                continue
            if aggregation == "points":
                self.fault(
                    f"category {c.id}",
                    "a parent is allowed only with aggregation: weighted_mean "
                    "(under points categories are flat subtotals)",
                )
            elif c.parent not in by_id:
                self.fault(f"category {c.id}", f"unknown parent {c.parent!r} (known: {', '.join(by_id)})")
        if aggregation == "points":
            for c in categories:
                if not any(i.category == c.id for i in indicators):
                    self.fault(f"category {c.id}", "the category has no indicator")
            return
        reported: set[str] = set()
        for c in categories:
            path, p = [c.id], c.parent
            while p is not None and p in by_id:
                if p in path:
                    cycle = [*path[path.index(p) :], p]
                    if not reported & set(cycle):
                        self.fault(f"category {c.id}", f"categories form a cycle: {' → '.join(cycle)}")
                        reported |= set(cycle)
                    break
                path.append(p)
                p = by_id[p].parent
        for c in categories:
            base = [i for i in indicators if i.category == c.id and not i.bonus]
            kids = [k for k in categories if k.parent == c.id]
            if not base and not kids:
                only_bonus = any(i.category == c.id for i in indicators)
                self.fault(
                    f"category {c.id}",
                    "the category has no indicator and no child category"
                    + (
                        " (bonus indicators count on top of the base, not in a category's mean)"
                        if only_bonus
                        else ""
                    ),
                )

    def stages(self, value: Any) -> list[Stage]:
        out: list[Stage] = []
        seen: set[str] = set()
        items = self.seq("stages", value)
        for n, item in enumerate(items):
            where = f"stages[{n + 1}]"
            if not isinstance(item, Mapping):
                self.fault(where, "each stage must be {id, name, when}")
                continue
            if not self.keys(where, item, ("id", "name", "when"), ()):
                continue
            sid = self.ident(where, item["id"], seen, "stage")
            if sid:
                self.stage_ids.append(sid)
            where = f"stage {item['id']}"
            when = self.expr(where, "when", item["when"], BOOL)
            if sid and when:
                out.append(Stage(sid, self.label(where, item["name"]), when))
        if items and isinstance(items[-1], Mapping):
            last = items[-1].get("when")
            if not (last is True or (isinstance(last, str) and last.strip() == "true")):
                self.fault(
                    f"stage {items[-1].get('id')}", f'the last stage must have when: "true", got {last!r}'
                )
        return out

    def categories(self, value: Any) -> list[Category]:
        out: list[Category] = []
        seen: set[str] = set()
        for n, item in enumerate(self.seq("categories", value)):
            where = f"categories[{n + 1}]"
            if not isinstance(item, Mapping) or not self.keys(
                where, item, ("id", "name"), ("parent", "weight")
            ):
                if not isinstance(item, Mapping):
                    self.fault(where, "each category must be {id, name}")
                continue
            cid = self.ident(where, item["id"], seen, "category")
            parent = item.get("parent")
            if parent is not None and not isinstance(parent, str):
                self.fault(f"category {item['id']}", f"parent must be a category id, got {parent!r}")
                parent = None
            weight = 1.0
            if "weight" in item:
                got = self.number(f"category {item['id']}", "weight", item["weight"], minimum=0)
                weight = 1.0 if got is None else got
            if cid:
                out.append(Category(cid, self.label(f"category {cid}", item["name"]), parent, weight))
        return out

    def indicators(
        self, section: str, value: Any, stages: list[str], cats: set[str], seen: set[str], bonus: bool
    ) -> list[Indicator]:
        out: list[Indicator] = []
        for n, item in enumerate(self.seq(section, value)):
            where = f"{section}[{n + 1}]"
            if not isinstance(item, Mapping):
                self.fault(where, "each indicator must be a mapping")
                continue
            if isinstance(item.get("id"), str):
                where = item["id"]
            ok = self.keys(where, item, _IND_REQUIRED, _IND_OPTIONAL)
            iid = self.ident(where, item.get("id"), seen, "indicator") if "id" in item else None
            if not ok:
                continue
            ind = self.indicator(where, item, stages, cats, bonus)
            if ind and iid:
                out.append(ind)
        return out

    def indicator(
        self, where: str, item: Mapping, stages: list[str], cats: set[str], bonus: bool
    ) -> Indicator | None:
        before = len(self.faults)
        name = self.label(where, item["name"])
        if item["category"] not in cats:
            self.fault(where, f"unknown category {item['category']!r} (known: {', '.join(sorted(cats))})")
        value = self.expr(where, "value", item["value"], NUM)
        method = item["method"]
        if method not in METHODS:
            self.fault(where, f"unknown method {method!r} (known: {', '.join(METHODS)})")
        direction = item.get("direction", "higher")
        if direction not in DIRECTIONS:
            self.fault(where, f"direction must be 'higher' or 'lower', got {direction!r}")
        weights = self.weights(where, item["weight"], stages)
        linear = self.linear(where, item.get("linear")) if method == "linear" else None
        bands = self.bands(where, item.get("bands"), direction) if method == "bands" else ()
        for key in ("linear", "bands"):
            if key in item and method != key:
                self.fault(where, f"'{key}' is given but method is {method!r}")
        description = item.get("description", "")
        if not isinstance(description, str):
            self.fault(where, "description must be text")
        if len(self.faults) > before or value is None:
            return None
        return Indicator(
            id=item["id"],
            name=name,
            category=item["category"],
            value=value,
            method=method,
            weights=weights,
            direction=direction,
            linear=linear,
            bands=bands,
            description=description,
            bonus=bonus,
        )

    def weights(self, where: str, value: Any, stages: list[str]) -> dict[str, float]:
        if isinstance(value, Mapping):
            out = {}
            for stage, w in value.items():
                if stage not in stages:
                    self.fault(where, f"weight names unknown stage {stage!r} (known: {', '.join(stages)})")
                    continue
                number = self.number(where, f"weight for stage {stage}", w, minimum=0)
                if number is not None:
                    out[stage] = number
            return out
        number = self.number(where, "weight", value, minimum=0)
        return {s: number for s in stages} if number is not None else {}

    def linear(self, where: str, value: Any) -> tuple[float, float] | None:
        if not (isinstance(value, list) and len(value) == 2):
            self.fault(where, f"method linear needs linear: [a, b], got {value!r}")
            return None
        a = self.number(where, "linear a", value[0])
        b = self.number(where, "linear b", value[1])
        if a is None or b is None:
            return None
        if not a < b:
            self.fault(where, f"linear: [a, b] needs a < b, got [{_fmt(a)}, {_fmt(b)}]")
            return None
        return (a, b)

    def bands(self, where: str, value: Any, direction: str) -> tuple[tuple[float, float], ...]:
        if not isinstance(value, list) or not value:
            self.fault(where, f"method bands needs bands: [[threshold, fraction], …], got {value!r}")
            return ()
        out = []
        for band in value:
            if not (isinstance(band, list) and len(band) == 2):
                self.fault(where, f"each band must be [threshold, fraction], got {band!r}")
                return ()
            t = self.number(where, "band threshold", band[0])
            f = self.number(where, "band fraction", band[1], minimum=0)
            if t is None or f is None:
                return ()
            if f > 1:
                self.fault(where, f"band fraction must be between 0 and 1, got {_fmt(f)}")
                return ()
            out.append((t, f))
        thresholds = [t for t, _ in out]
        ascending = all(a < b for a, b in pairwise(thresholds))
        descending = all(a > b for a, b in pairwise(thresholds))
        if direction == "higher" and not ascending:
            self.fault(
                where,
                f"bands out of order: thresholds {[_fmt(t) for t in thresholds]} must rise from the "
                "easiest to the hardest",
            )
        if direction == "lower" and not descending:
            self.fault(
                where,
                f"bands out of order: with direction lower, thresholds {[_fmt(t) for t in thresholds]} "
                "must fall from the easiest to the hardest",
            )
        return tuple(out)

    def bonus(
        self, value: Any, stages: list[str], cats: set[str], seen: set[str]
    ) -> tuple[float, list[Indicator]]:
        if value is None:
            return 0.0, []
        if not isinstance(value, Mapping):
            self.fault("bonus", "bonus must be {cap, indicators}")
            return 0.0, []
        if not self.keys("bonus", value, ("cap", "indicators"), ()):
            return 0.0, []
        cap = self.number("bonus", "cap", value["cap"], minimum=0)
        indicators = self.indicators("bonus.indicators", value["indicators"], stages, cats, seen, bonus=True)
        return (cap or 0.0), indicators

    def penalties(self, value: Any, seen: set[str]) -> list[Penalty]:
        out = []
        for n, item in enumerate(self.seq("penalties", value, allow_empty=True)):
            where = f"penalties[{n + 1}]"
            if not isinstance(item, Mapping):
                self.fault(where, "each penalty must be {id, name, when, points}")
                continue
            if isinstance(item.get("id"), str):
                where = item["id"]
            if not self.keys(where, item, ("id", "name", "when", "points"), ("description",)):
                continue
            pid = self.ident(where, item["id"], seen, "penalty")
            when = self.expr(where, "when", item["when"], BOOL)
            points = self.number(where, "points", item["points"], minimum=0)
            if pid and when and points is not None:
                out.append(
                    Penalty(pid, self.label(where, item["name"]), when, points, item.get("description", ""))
                )
        return out

    def veto(self, value: Any) -> list[Expression]:
        out = []
        for n, item in enumerate(self.seq("veto", value, allow_empty=True)):
            expr = self.expr(f"veto[{n + 1}]", "veto", item, BOOL)
            if expr:
                out.append(expr)
        return out

    def lists(self, value: Any) -> list[HonourList]:
        out: list[HonourList] = []
        seen: set[str] = set()
        for n, item in enumerate(self.seq("lists", value, allow_empty=True)):
            where = f"lists[{n + 1}]"
            if not isinstance(item, Mapping) or not self.keys(where, item, ("id", "name", "top"), ()):
                if not isinstance(item, Mapping):
                    self.fault(where, "each list must be {id, name, top}")
                continue
            lid = self.ident(where, item["id"], seen, "list")
            top = self.number(f"list {item['id']}", "top", item["top"])
            if top is not None and not 0 < top <= 1:
                self.fault(f"list {item['id']}", f"top is a share of the cohort in (0, 1], got {_fmt(top)}")
                continue
            if lid and top is not None:
                # The decimal the user wrote, exactly: 0.1 means 1/10, not the nearest binary float.
                out.append(HonourList(lid, self.label(where, item["name"]), Fraction(str(item["top"]))))
        tops = [x.top for x in out]
        if any(a >= b for a, b in pairwise(tops)):
            self.fault(
                "lists", "lists are nested bands: list them from the smallest top share to the largest"
            )
        return out

    def grades(self, value: Any) -> list[Grade]:
        out = []
        for n, item in enumerate(self.seq("grades", value, allow_empty=True)):
            where = f"grades[{n + 1}]"
            if not isinstance(item, Mapping) or not self.keys(where, item, ("min", "grade"), ()):
                if not isinstance(item, Mapping):
                    self.fault(where, "each grade must be {min, grade}")
                continue
            low = self.number(where, "min", item["min"])
            if low is not None:
                out.append(Grade(low, str(item["grade"])))
        mins = [g.min for g in out]
        if any(a <= b for a, b in pairwise(mins)):
            self.fault(
                "grades",
                "grades are taken in file order, first reached wins: list them from the highest "
                "min to the lowest (later ones could never be given)",
            )
        return out

    def cohort(self, key: str, value: Any) -> tuple[str, ...]:
        items = self.seq(key, value, allow_empty=True)
        for item in items:
            if self.ns is None:
                if item not in COHORT_FIELDS:
                    self.fault(key, f"unknown cohort field {item!r} (an enterprise field or 'stage')")
            elif item != "stage" and self.ns.get(item) not in (TEXT, BOOL):
                self.fault(
                    key,
                    f"unknown cohort field {item!r} (a declared text or yes/no field, or 'stage')"
                    if item not in self.ns
                    else f"cohort field {item!r} is a number; cohorts are formed by text or yes/no fields",
                )
        if len(set(items)) != len(items):
            self.fault(key, "a cohort field is listed twice")
        return tuple(str(x) for x in items)


def _fmt(x: float) -> str:
    return f"{x:g}"
