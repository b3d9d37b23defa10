"""Finance forms: exact decimals with clear errors (never a float), products field by field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.data.dictionary import QUALIFICATION_KINDS, TECH_FIELDS
from gaoxin.finance.money import MoneyError, parse_money
from gaoxin.finance.products import POOL_KEYS
from gaoxin.web.finance.models import Product
from gaoxin.web.platform.labels import choice, qualification


def money_message(exc: MoneyError) -> str:
    p = exc.params
    if exc.code == "too_precise":
        return _("%(value)s has more than %(places)s decimal places.") % p
    if exc.code == "not_positive":
        return _("%(value)s must be greater than 0.") % p
    if exc.code == "negative":
        return _("%(value)s must not be negative.") % p
    return _("%(value)s is not a number.") % {"value": p.get("value", "")}


class MoneyField(forms.CharField):
    """An exact decimal (万元 to the fen by default): '1,200.5' is 1200.5; '1.0000001' is refused."""

    def __init__(self, *args, places: int = 6, positive: bool = True, **kwargs):
        self.places, self.positive = places, positive
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return parse_money(value, positive=self.positive, places=self.places)
        except MoneyError as exc:
            raise forms.ValidationError(money_message(exc)) from None


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


class ApplyForm(forms.Form):
    product = forms.ModelChoiceField(
        label=gettext_lazy("Product"),
        queryset=Product.objects.none(),
        empty_label=gettext_lazy("Choose a product"),  # not Django's "---------"
    )
    amount = MoneyField(label=gettext_lazy("Amount (万元)"))
    term = forms.IntegerField(label=gettext_lazy("Term (months)"), min_value=1, max_value=360)
    purpose = forms.CharField(label=gettext_lazy("Purpose"), max_length=500, required=False)

    def __init__(self, *args, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        if products is not None:
            self.fields["product"].queryset = products


class BankApplyForm(ApplyForm):
    uscc = forms.CharField(label=gettext_lazy("USCC of the firm"), max_length=18)


def _confirm():
    """The confirmation an irreversible step needs (a required checkbox: no script, CSP-safe)."""
    return forms.BooleanField(
        label=gettext_lazy("I have checked the figures above: this step cannot be undone."),
        required=True,
        error_messages={"required": gettext_lazy("Tick the confirmation to go ahead.")},
    )


class DecisionForm(forms.Form):
    amount = MoneyField(label=gettext_lazy("Amount approved (万元)"), required=False)
    rate = MoneyField(label=gettext_lazy("Annual rate (%)"), places=4, positive=False, required=False)
    term = forms.IntegerField(label=gettext_lazy("Term (months)"), min_value=1, max_value=360, required=False)
    above_request_reason = forms.CharField(
        label=gettext_lazy(
            "Reason for approving more than requested (required if so; kept in the audit log)"
        ),
        max_length=500,
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)
    confirm = _confirm()


class DisburseForm(forms.Form):
    amount = MoneyField(label=gettext_lazy("Amount disbursed (万元)"), required=False)
    on = forms.DateField(label=gettext_lazy("Date"), required=False, widget=_date_input())
    first_loan = forms.BooleanField(label=gettext_lazy("First loan of this firm (首贷)"), required=False)
    confirm = _confirm()


class RepayForm(forms.Form):
    amount = MoneyField(label=gettext_lazy("Principal repaid (万元)"), required=False)
    on = forms.DateField(label=gettext_lazy("Date"), required=False, widget=_date_input())
    confirm = _confirm()


class DefaultForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Date"), required=False, widget=_date_input())
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)
    confirm = _confirm()


class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)
    confirm = _confirm()


def _multi(choices, label):
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class ProductForm(forms.Form):
    """Every field of every kind; the kind's fields are read, the others ignored (the page groups them)."""

    kind = forms.ChoiceField(label=gettext_lazy("Product type"), choices=Product.Kind.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    active = forms.BooleanField(label=gettext_lazy("Enabled"), required=False, initial=True)
    zone = forms.ModelChoiceField(label=gettext_lazy("Zone"), queryset=None, required=False)
    pool = forms.ModelChoiceField(
        label=gettext_lazy("Risk-compensation pool"), queryset=Product.objects.none(), required=False
    )
    # eligibility
    min_score = MoneyField(label=gettext_lazy("Lowest score"), places=4, positive=False, required=False)
    min_grade = forms.ChoiceField(label=gettext_lazy("Lowest grade"), required=False)
    stages = _multi((), gettext_lazy("Stages"))
    lists = _multi((), gettext_lazy("Honour lists"))
    whitelist = forms.BooleanField(
        label=gettext_lazy("Only firms on a white-list published to the bank"), required=False
    )
    top_share = MoneyField(label=gettext_lazy("Top share of the cohort (e.g. 0.2)"), places=4, required=False)
    industries = forms.CharField(
        label=gettext_lazy("Industry codes (prefixes, comma-separated)"), required=False
    )
    tech_fields = _multi([(t, t) for t in TECH_FIELDS], gettext_lazy("High-tech fields"))
    qualifications = _multi(list(QUALIFICATION_KINDS.items()), gettext_lazy("Qualifications (any of)"))
    # loan
    base = MoneyField(label=gettext_lazy("Base credit line (万元)"), required=False)
    cap = MoneyField(label=gettext_lazy("Credit line cap (万元)"), required=False)
    step = MoneyField(label=gettext_lazy("Round the line down to (万元)"), required=False)
    max_uplift = MoneyField(
        label=gettext_lazy("Uplift for the top of the cohort (e.g. 0.5 = +50%)"),
        places=4,
        positive=False,
        required=False,
    )
    rate = MoneyField(label=gettext_lazy("Annual rate (%)"), places=4, positive=False, required=False)
    term_months = forms.IntegerField(label=gettext_lazy("Longest term (months)"), min_value=1, required=False)
    # guarantee
    guarantee_share = MoneyField(label=gettext_lazy("Share guaranteed (0–1)"), places=4, required=False)
    fee_rate = MoneyField(label=gettext_lazy("Guarantee fee (%)"), places=4, positive=False, required=False)
    max_amount = MoneyField(label=gettext_lazy("Largest amount per firm (万元)"), required=False)
    # fund
    ticket_min = MoneyField(label=gettext_lazy("Smallest ticket (万元)"), required=False)
    ticket_max = MoneyField(label=gettext_lazy("Largest ticket (万元)"), required=False)
    # subsidy
    subsidy_share = MoneyField(
        label=gettext_lazy("Share of interest subsidised (0–1)"), places=4, required=False
    )
    subsidy_cap = MoneyField(label=gettext_lazy("Largest subsidy per firm and year (万元)"), required=False)
    # pool
    split_government = MoneyField(
        label=gettext_lazy("Government's share (weight)"), places=4, positive=False, required=False
    )
    split_guarantor = MoneyField(
        label=gettext_lazy("Guarantor's share (weight)"), places=4, positive=False, required=False
    )
    split_bank = MoneyField(
        label=gettext_lazy("Bank's share (weight)"), places=4, positive=False, required=False
    )
    ceiling = MoneyField(label=gettext_lazy("Bad-loan ratio ceiling (e.g. 0.03)"), places=6, required=False)
    warn_at = MoneyField(
        label=gettext_lazy("Warn at this share of the ceiling (e.g. 0.8)"), places=4, required=False
    )
    fund_size = MoneyField(label=gettext_lazy("Fund size (万元)"), required=False)
    warn_ratio = MoneyField(
        label=gettext_lazy("Warning bad-loan ratio (e.g. 0.05; empty: the share of the ceiling above)"),
        places=6,
        required=False,
    )
    halt_ratio = MoneyField(
        label=gettext_lazy("Circuit-breaker: stop new loans from this bad-loan ratio (e.g. 0.08)"),
        places=6,
        required=False,
    )
    coverage_multiple = MoneyField(
        label=gettext_lazy("Coverage limit: loans backed at most this multiple of the fund (e.g. 10)"),
        places=4,
        required=False,
    )
    borrower_share = MoneyField(
        label=gettext_lazy(
            "Single-borrower limit: share of the coverage limit one firm may have (e.g. 0.05)"
        ),
        places=4,
        required=False,
    )

    def __init__(self, *args, voc=None, kinds=None, zones=None, pools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [c for c in Product.Kind.choices if c[0] in kinds]
        if zones is None:
            del self.fields["zone"]
        else:
            self.fields["zone"].queryset = zones
            self.fields["zone"].required = True
        self.fields["pool"].queryset = pools if pools is not None else Product.objects.none()
        if voc is not None:
            self.fields["min_grade"].choices = [("", "—")] + [(g, g) for g in voc.grades]
            self.fields["stages"].choices = voc.stage_choices()
            self.fields["lists"].choices = voc.list_choices()
        # the stored values stay Chinese (the dictionary's); what the reader sees is in their language
        self.fields["tech_fields"].choices = [(t, choice(t)) for t in TECH_FIELDS]
        self.fields["qualifications"].choices = [(k, qualification(k)) for k in QUALIFICATION_KINDS]

    GROUPS = (
        ("", gettext_lazy("Product"), ("kind", "name", "description", "active", "zone", "pool")),
        (
            "",
            gettext_lazy("Who is eligible"),
            (
                "min_score",
                "min_grade",
                "stages",
                "lists",
                "whitelist",
                "top_share",
                "industries",
                "tech_fields",
                "qualifications",
            ),
        ),
        ("loan", gettext_lazy("Bank loan"), ("base", "cap", "step", "max_uplift", "rate", "term_months")),
        ("guarantee", gettext_lazy("Guarantee plan"), ("guarantee_share", "fee_rate", "max_amount")),
        ("fund", gettext_lazy("Guidance fund"), ("ticket_min", "ticket_max")),
        ("subsidy", gettext_lazy("Interest subsidy"), ("subsidy_share", "subsidy_cap")),
        (
            "pool",
            gettext_lazy("Risk-compensation pool"),
            ("split_government", "split_guarantor", "split_bank", *POOL_KEYS),
        ),
    )

    def groups(self):
        """(kind or "", legend, bound fields) for the page; a kind's group is shown for that kind only."""
        kinds = {c[0] for c in self.fields["kind"].choices}
        return [
            (kind, legend, [self[n] for n in names if n in self.fields])
            for kind, legend, names in self.GROUPS
            if not kind or kind in kinds
        ]

    def rules(self) -> dict:
        """The product's rules as ``gaoxin.finance.products.load_product`` reads them."""
        d = self.cleaned_data
        s = lambda v: None if v is None else format(v.normalize(), "f")  # noqa: E731  (50, not 50.000000)
        elig = {
            "min_score": s(d.get("min_score")),
            "min_grade": d.get("min_grade") or None,
            "stages": d.get("stages") or [],
            "lists": d.get("lists") or [],
            "whitelist": bool(d.get("whitelist")),
            "top_share": s(d.get("top_share")),
            "industries": [
                x.strip() for x in (d.get("industries") or "").replace("，", ",").split(",") if x.strip()
            ],
            "tech_fields": d.get("tech_fields") or [],
            "qualifications": d.get("qualifications") or [],
        }
        elig = {k: v for k, v in elig.items() if v not in (None, [], False)}
        kind = d["kind"]
        out: dict = {"kind": kind, "eligibility": elig}
        if kind == "loan":
            line = {"base": s(d.get("base")), "cap": s(d.get("cap"))}
            if d.get("step") is not None:
                line["step"] = s(d["step"])
            if d.get("max_uplift"):
                line["uplift"] = {"mode": "linear", "max": s(d["max_uplift"])}
            out |= {"line": line, "rate": s(d.get("rate")), "term_months": d.get("term_months")}
        elif kind == "guarantee":
            out |= {k: s(d.get(k)) for k in ("guarantee_share", "fee_rate", "max_amount")}
        elif kind == "fund":
            out |= {k: s(d.get(k)) for k in ("ticket_min", "ticket_max")}
        elif kind == "subsidy":
            out |= {k: s(d.get(k)) for k in ("subsidy_share", "subsidy_cap")}
        elif kind == "pool":
            out["split"] = {p: s(d.get(f"split_{p}")) or "0" for p in ("government", "guarantor", "bank")}
            out |= {k: s(d.get(k)) for k in POOL_KEYS}
            out = {k: v for k, v in out.items() if v is not None or k in ("ceiling", "fund_size")}
        return out

    # form field ← the rules' key path (to show the core's faults next to the right field)
    FAULT_FIELDS = {
        "line.base": "base",
        "line.cap": "cap",
        "line.step": "step",
        "line.uplift.max": "max_uplift",
        "rate": "rate",
        "term_months": "term_months",
        "eligibility.min_score": "min_score",
        "eligibility.min_grade": "min_grade",
        "eligibility.top_share": "top_share",
        "split": "split_government",
        "split.government": "split_government",
        "split.guarantor": "split_guarantor",
        "split.bank": "split_bank",
    }

    def add_faults(self, faults) -> None:
        for f in faults:
            name = self.FAULT_FIELDS.get(f.where) or (f.where if f.where in self.fields else None)
            self.add_error(name, f"{f.where}: {f.fault}" if name is None else f.fault)

    @staticmethod
    def initial_from(product: Product) -> dict:
        r = product.rules or {}
        e = r.get("eligibility", {})
        line = r.get("line", {})
        split = r.get("split", {})
        init = {
            "kind": product.kind,
            "name": product.name,
            "description": product.description,
            "active": product.active,
            "zone": product.zone_id,
            "pool": product.pool_id,
            "min_score": e.get("min_score"),
            "min_grade": e.get("min_grade"),
            "stages": e.get("stages", []),
            "lists": e.get("lists", []),
            "whitelist": e.get("whitelist", False),
            "top_share": e.get("top_share"),
            "industries": ", ".join(e.get("industries", [])),
            "tech_fields": e.get("tech_fields", []),
            "qualifications": e.get("qualifications", []),
            "base": line.get("base"),
            "cap": line.get("cap"),
            "step": line.get("step"),
            "max_uplift": (line.get("uplift") or {}).get("max"),
            "rate": r.get("rate"),
            "term_months": r.get("term_months"),
        }
        for k in (
            "guarantee_share",
            "fee_rate",
            "max_amount",
            "ticket_min",
            "ticket_max",
            "subsidy_share",
            "subsidy_cap",
            *POOL_KEYS,
        ):
            init[k] = r.get(k)
        for p in ("government", "guarantor", "bank"):
            init[f"split_{p}"] = split.get(p)
        return init
