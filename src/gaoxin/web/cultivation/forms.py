"""The ladder settings as a form: one labelled field per setting of ``gaoxin.cultivation.config``.

Each setting is listed once (``SETTINGS``: its key path, label, kind and unit); the form shows the value
in force with the rules' default beside it, ratios as percentages and money in 万元, and saves only what
differs from the defaults, so the stored settings stay what the zone changed (the YAML text shows the
same). Settings the form does not cover (the gazelle's and unicorn's alternative pairs, the named
``overrides``) are kept as they are and edited as YAML. The rules core checks everything before saving.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from gaoxin.cultivation.config import TIERS, LadderConfig
from gaoxin.io import display
from gaoxin.web.cultivation.services import tier_name


@dataclass(frozen=True)
class Setting:
    path: tuple[str, ...]  # ("gazelle", "cagr"), ("near", "hightech"), ("sme_rules",)
    label: object  # a lazy translation
    kind: str  # pct | money | number | int | bool | choice
    unit: str = ""
    choices: tuple[tuple[str, object], ...] = ()
    optional: bool = False  # None allowed (no limit)

    @property
    def name(self) -> str:
        return "__".join(self.path)

    @property
    def group(self) -> str:
        return self.path[0] if len(self.path) > 1 else "general"


GROUPS = {
    "near": _("How close counts as “near” (the shortfalls' sum, as a share of what is required)"),
    "general": _("Rule sets and size lines"),
    "gazelle": _("Gazelle enterprises"),
    "unicorn": _("Unicorns and potential unicorns"),
    "leading": _("Leading tech enterprises"),
}

SETTINGS: tuple[Setting, ...] = (
    *(Setting(("near", t), lazy(tier_name, str)(t), "pct") for t in TIERS),
    Setting(
        ("sme_rules",),
        _("SME ladder rule set"),
        "choice",
        choices=(
            ("auto", _("By fiscal year (the 2026 revision from fiscal year 2025)")),
            ("2022", _("2022 rules")),
            ("2026", _("2026 revision")),
        ),
    ),
    Setting(
        ("hightech_capability_basis",),
        _("High-tech innovation capability judged on"),
        "choice",
        choices=(
            ("max", _("the top of the score range (default)")),
            ("mid", _("the middle of the score range")),
            ("min", _("the bottom of the score range (strictest)")),
        ),
    ),
    Setting(("sme_max_employees",), _("An SME has fewer employees than"), "number", "人"),
    Setting(("sme_max_revenue",), _("… or less revenue than"), "money", "万元"),
    Setting(("specialized_local_points",), _("Province's own specialisation points (0–15)"), "number", "分"),
    Setting(
        ("specialized_requires_innovative",),
        _("Specialised SME requires innovative SME status first"),
        "bool",
    ),
    Setting(
        ("little_giant_requires_specialized",),
        _("Little giant requires specialised SME status first"),
        "bool",
    ),
    Setting(("gazelle", "cagr"), _("Revenue growth per year (compound) at least"), "pct"),
    Setting(("gazelle", "years"), _("Over this many years"), "int", "年"),
    Setting(("gazelle", "base_revenue"), _("Base-year revenue at least"), "money", "万元"),
    Setting(("gazelle", "require_last_growth"), _("Revenue must have grown in the last year"), "bool"),
    Setting(
        ("gazelle", "max_age"),
        _("Founded at most this many years ago (empty: no limit)"),
        "number",
        "年",
        optional=True,
    ),
    Setting(("unicorn", "usd_cny"), _("Exchange rate (yuan per US dollar)"), "number", "元"),
    Setting(("unicorn", "valuation_usd"), _("Unicorn valuation at least (US dollars)"), "number", "美元"),
    Setting(("unicorn", "max_age"), _("Unicorn founded at most this many years ago"), "number", "年"),
    Setting(
        ("unicorn", "potential_cny"),
        _("Potential unicorn (up to 5 years old): valuation at least (yuan)"),
        "number",
        "元",
    ),
    Setting(("leading", "requires_hightech"), _("Must be a high-tech enterprise"), "bool"),
    Setting(("leading", "min_rd_ratio"), _("R&D expenditure ÷ main-business revenue at least"), "pct"),
    Setting(("leading", "rd_years"), _("… in each of the last this many years"), "int", "年"),
    Setting(("leading", "min_rd_staff"), _("Full-time R&D staff at least"), "number", "人"),
    Setting(("leading", "min_main_share"), _("Main-business share of revenue at least"), "pct"),
    Setting(("leading", "min_revenue"), _("Revenue at least"), "money", "万元"),
    Setting(
        ("leading", "clean_years"),
        _("No dishonesty or major incident in the last this many years"),
        "int",
        "年",
    ),
)


def default_of(setting: Setting, config: LadderConfig | None = None):
    """The value of ``setting`` in ``config`` (default: the rules' defaults)."""
    value: object = config or LadderConfig()
    for part in setting.path:
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    return value


def stored_value(setting: Setting, config: dict):
    """The value the stored settings give ``setting`` (None: not set there)."""
    value: object = config
    for part in setting.path:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def shown(setting: Setting, value) -> str:
    """A value as the page shows it (percentages, thousands separators, units, 是/否)."""
    if value is None:
        return "—" if not setting.optional else str(_("no limit"))
    if setting.kind == "bool":
        return str(_("yes")) if value else str(_("no"))
    if setting.kind == "choice":
        return str(dict(setting.choices).get(str(value), value))
    if setting.kind == "pct":
        return display.pct(value, 2)
    if setting.kind == "money":
        return display.money(value)
    text = display.num(value)
    return f"{text} {setting.unit}" if setting.unit else text


def _to_input(setting: Setting, value):
    """A value as the form's input holds it: a percentage for a ratio, plain digits (never 1E+9)."""
    if value is None:
        return None
    if setting.kind == "pct":
        return format((Decimal(str(value)) * 100).normalize(), "f")
    if setting.kind in ("money", "number"):
        return format(Decimal(str(value)).normalize(), "f")
    return value


def _from_input(setting: Setting, value):
    if value is None or value == "":
        return None
    if setting.kind == "pct":
        return float(Decimal(value) / 100)
    if setting.kind in ("money", "number"):
        return float(value)
    return value


class LadderSettingsForm(forms.Form):
    """One field per setting, initialised with the value in force; ``config()`` gives the dict to store."""

    def __init__(self, *args, stored: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored = dict(stored or {})
        for s in SETTINGS:
            current = stored_value(s, self.stored)
            initial = _to_input(s, default_of(s) if current is None else current)
            if s.kind == "bool":
                field: forms.Field = forms.BooleanField(required=False, initial=initial)
            elif s.kind == "choice":
                field = forms.ChoiceField(choices=s.choices, initial=initial)
            elif s.kind == "int":
                field = forms.IntegerField(min_value=1, max_value=50, initial=initial)
            else:
                field = forms.DecimalField(
                    min_value=Decimal(0),
                    max_digits=20,
                    decimal_places=6,
                    required=not s.optional,
                    initial=initial,
                    widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
                )
            field.label = s.label
            self.fields[s.name] = field

    def rows(self) -> list[dict]:
        """The settings by group, each with its field, unit and the rules' default as shown."""
        groups: dict[str, list] = {}
        for s in SETTINGS:
            unit = "%" if s.kind == "pct" else s.unit
            groups.setdefault(s.group, []).append(
                {"setting": s, "field": self[s.name], "unit": unit, "default": shown(s, default_of(s))}
            )
        return [{"title": GROUPS[g], "rows": rows} for g, rows in groups.items()]

    def config(self) -> dict:
        """The stored settings with the form's values: a setting equal to the rules' default is left out
        (so the zone's settings say only what it changed); what the form does not cover is kept."""
        out: dict = {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.stored.items()}
        for s in SETTINGS:
            value = _from_input(s, self.cleaned_data.get(s.name))
            default = default_of(s)
            same = value == default or (
                isinstance(value, float) and isinstance(default, int | float) and abs(value - default) < 1e-12
            )
            if len(s.path) == 1:
                if same:
                    out.pop(s.path[0], None)
                else:
                    out[s.path[0]] = value
                continue
            group, key = s.path
            sub = dict(out.get(group) or {})
            if same:
                sub.pop(key, None)
            else:
                sub[key] = value
            if sub:
                out[group] = sub
            else:
                out.pop(group, None)
        return out


def readable(config: dict) -> list[dict]:
    """The settings in force (``config`` over the defaults) as labelled rows, for those who may not edit."""
    rows = []
    for s in SETTINGS:
        current = stored_value(s, config)
        rows.append(
            {
                "group": GROUPS[s.group],
                "label": s.label,
                "value": shown(s, default_of(s) if current is None else current),
                "default": shown(s, default_of(s)),
                "changed": current is not None and current != default_of(s),
            }
        )
    return rows
