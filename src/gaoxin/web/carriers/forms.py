"""The carriers app's forms: validation lives here, not in views."""

from __future__ import annotations

import json
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.carriers import challenges as core_ch
from gaoxin.web.carriers.models import STAGE_CHOICES, Challenge, IncubatedFirm, Incubator, ReserveFirm
from gaoxin.web.platform.labels import label

MONEY = {"max_digits": 20, "decimal_places": 4}


class DateInput(forms.DateInput):
    input_type = "date"


class IncubatorForm(forms.ModelForm):
    class Meta:
        model = Incubator
        exclude = ["zone"]
        widgets = {"established": DateInput()}


class FirmForm(forms.Form):
    enterprise = forms.CharField(label=_("Enterprise (USCC or full name; empty for a team)"), required=False)
    name = forms.CharField(label=_("Firm or team"), max_length=200, required=False)
    entered = forms.DateField(label=_("Entered"), widget=DateInput())
    field = forms.CharField(label=_("Field"), max_length=100, required=False)
    patent_applied = forms.NullBooleanField(label=_("Has applied for patents"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("enterprise") and not data.get("name"):
            raise forms.ValidationError(_("Give the enterprise or the team's name."))
        return data


class ExitForm(forms.Form):
    firm = forms.IntegerField(widget=forms.HiddenInput())
    on = forms.DateField(label=_("Left on"), widget=DateInput())
    reason = forms.ChoiceField(label=_("Why"), choices=[c for c in IncubatedFirm.Exit.choices if c[0]])


class ReserveAddForm(forms.Form):
    enterprise = forms.CharField(label=_("Enterprise (USCC or full name)"))
    on = forms.DateField(label=_("Entered the reserve on"), widget=DateInput())
    target_board = forms.ChoiceField(
        label=_("Target board"),
        choices=[("", "—"), *ReserveFirm._meta.get_field("target_board").choices],
        required=False,
    )


class ReserveEditForm(forms.ModelForm):
    class Meta:
        model = ReserveFirm
        fields = [
            "target_board",
            "target_standard",
            "broker",
            "accountant",
            "lawyer",
            "market_cap",
            "cash_flow_3y",
            "core_patents",
            "state_approved",
            "share_capital",
            "official",
            "note",
        ]

    def clean_target_standard(self):
        v = self.cleaned_data.get("target_standard")
        if v is not None and not 1 <= v <= 5:
            raise forms.ValidationError(_("A STAR standard is 1 to 5."))
        return v


class AdvanceForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage reached"), choices=STAGE_CHOICES[1:])
    on = forms.DateField(label=_("Date"), widget=DateInput())
    evidence = forms.CharField(
        label=_("Evidence (filing number, notice, decision)"), max_length=300, required=False
    )


class ChallengeForm(forms.ModelForm):
    shares_text = forms.CharField(label=_("Payment shares (e.g. 60/20/20)"), required=False)

    class Meta:
        model = Challenge
        fields = [
            "code",
            "title",
            "problem",
            "indicators",
            "ceiling",
            "requester_funding",
            "deadline",
            "eligibility",
            "ip_terms",
            "race",
            "funded",
            "min_reviews",
            "min_cofunding",
        ]
        widgets = {
            "deadline": DateInput(),
            "problem": forms.Textarea(attrs={"rows": 3}),
            "indicators": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_ceiling(self):
        v = self.cleaned_data["ceiling"]
        if v <= 0:
            raise forms.ValidationError(_("The ceiling must be above 0."))
        return v

    def clean_shares_text(self):
        text = (self.cleaned_data.get("shares_text") or "").strip()
        if not text:
            return None
        try:
            parts = [Decimal(p.strip().rstrip("%")) / 100 for p in text.replace("／", "/").split("/")]
        except Exception:
            raise forms.ValidationError(
                _("Write the shares as percentages separated by /, e.g. 60/20/20.")
            ) from None
        faults = core_ch.check_shares(parts)
        if faults:
            raise forms.ValidationError("; ".join(faults))
        return [str(p) for p in parts]

    def clean(self):
        data = super().clean()
        if not data.get("race"):
            data["funded"] = 1
        elif (data.get("funded") or 0) < 2:
            self.add_error("funded", _("A horse race funds at least 2 teams."))
        return data


class ApplicationForm(forms.Form):
    plan = forms.CharField(label=_("Technical plan"), widget=forms.Textarea(attrs={"rows": 4}))
    partners = forms.CharField(
        label=_("Partner firms (USCC, one per line)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    partners_other = forms.CharField(
        label=_("Other partners (universities, institutes)"), max_length=300, required=False
    )
    budget = forms.DecimalField(label=_("Total budget (万元)"), min_value=0, **MONEY)
    requested = forms.DecimalField(label=_("Funding requested (万元)"), min_value=0, **MONEY)
    cofunding = forms.DecimalField(label=_("Co-funding (万元)"), min_value=0, **MONEY)


class ReviewForm(forms.Form):
    """One field per criterion of the challenge's rubric, each 0 … its points."""

    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, rubric=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = tuple(rubric)
        for c in self.rubric:
            self.fields[f"c_{c.code}"] = forms.DecimalField(
                label=f"{label(c)}（0–{c.points}）",
                min_value=0,
                max_value=c.points,
                max_digits=8,
                decimal_places=2,
            )

    def scores(self) -> dict:
        return {c.code: self.cleaned_data[f"c_{c.code}"] for c in self.rubric}


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("Why you must abstain"), max_length=200)


class ContractForm(forms.Form):
    number = forms.CharField(label=_("Contract (任务书) number"), max_length=60)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    funding = forms.DecimalField(label=_("Zone funding (万元)"), min_value=0, **MONEY)
    milestones = forms.CharField(
        label=_("Milestones: one per line, “indicator | due date”"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_milestones(self):
        import datetime as dt

        out = []
        for i, line in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            if not line.strip():
                continue
            if "|" not in line:
                raise forms.ValidationError(_("Line %(n)s: write “indicator | 2026-06-30”.") % {"n": i})
            indicator, due = line.rsplit("|", 1)
            try:
                out.append((indicator.strip(), dt.date.fromisoformat(due.strip())))
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(n)s: the due date must be like 2026-06-30.") % {"n": i}
                ) from None
        if not out:
            raise forms.ValidationError(_("Give at least one milestone."))
        return out


class MilestoneForm(forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput())
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("fail", _("Not reached"))]
    )
    on = forms.DateField(label=_("Date"), widget=DateInput())
    evidence = forms.CharField(label=_("Evidence"), max_length=300, required=False)
    score = forms.DecimalField(
        label=_("Acceptance score (horse race)"), required=False, max_digits=8, decimal_places=2
    )


class TerminateForm(forms.Form):
    on = forms.DateField(label=_("Terminated on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=300)
    verified_spend = forms.DecimalField(
        label=_("Verified eligible spending (万元)"), required=False, min_value=0, **MONEY
    )
    deduct = forms.BooleanField(label=_("Deduct verified spending from the clawback"), required=False)


class NeedForm(forms.Form):
    title = forms.CharField(label=_("Need"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AdmissionForm(forms.Form):
    """The applicant's name and one field per input of the zone's admission model (a yes/no for a
    ``flag`` indicator, a number otherwise), so that a clerk never writes JSON."""

    name = forms.CharField(label=_("Applicant"), max_length=200)

    def __init__(self, *args, model=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.inputs: list[str] = []
        for ind in getattr(model, "indicators", ()):
            if ind.value in self.inputs:
                continue
            self.inputs.append(ind.value)
            if ind.method == "flag":
                self.fields[f"v_{ind.value}"] = forms.NullBooleanField(label=label(ind), required=False)
            else:
                self.fields[f"v_{ind.value}"] = forms.DecimalField(
                    label=label(ind), required=False, max_digits=20, decimal_places=4
                )

    @property
    def values(self) -> dict:
        return {k: self.cleaned_data.get(f"v_{k}") for k in self.inputs}


class GradeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    grade = forms.ChoiceField(
        label=_("Grade"),
        choices=[("A", _("A (excellent)")), ("B", _("B (good)")), ("C", _("C (pass)")), ("D", _("D (fail)"))],
    )
    score = forms.DecimalField(label=_("Evaluation score"), required=False, max_digits=8, decimal_places=2)


class JsonObjectField(forms.CharField):
    """A JSON object typed in a textarea; empty is ``{}``, anything but an object is refused."""

    def __init__(self, *, rows: int = 3, **kwargs):
        super().__init__(widget=forms.Textarea(attrs={"rows": rows}), required=False, **kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return {}
        try:
            v = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("Not valid JSON.")) from None
        if not isinstance(v, dict):
            raise forms.ValidationError(_("Give an object of name → value."))
        return v


class SettingsForm(forms.Form):
    stalled_days = forms.IntegerField(
        label=_("Days without a stage change before a reserve firm is stalled"), min_value=0, max_value=3650
    )
    incubator_rules = JsonObjectField(
        label=_(
            "Rule thresholds (JSON: name → value for the national incubator conditions; sections "
            "maker_space, period, graduation, star, attributes for the others)"
        ),
    )
    reward_schedule = JsonObjectField(label=_("Listing rewards by stage (JSON: stage → 万元)"))
    reward_netting = forms.ChoiceField(
        label=_("Reward netting"),
        choices=[("per_stage", _("Each stage once")), ("cumulative", _("Cumulative, less all paid"))],
    )
    reward_cap = forms.DecimalField(label=_("Reward cap (万元)"), required=False, min_value=0, **MONEY)
    payment_shares = forms.CharField(label=_("Default payment shares (e.g. 60/20/20)"), required=False)
    min_first_share = forms.DecimalField(
        label=_("Minimum first payment share (0–1)"),
        required=False,
        min_value=0,
        max_value=1,
        max_digits=5,
        decimal_places=4,
    )
    self_evaluation = JsonObjectField(label=_("Self-evaluation model (JSON; empty: the default)"), rows=4)
    admission = JsonObjectField(label=_("Admission model (JSON; empty: the default)"), rows=4)

    def clean_payment_shares(self):
        text = (self.cleaned_data.get("payment_shares") or "").strip()
        if not text:
            return []
        try:
            return [str(Decimal(p.strip().rstrip("%")) / 100) for p in text.split("/")]
        except Exception:
            raise forms.ValidationError(
                _("Write the shares as percentages separated by /, e.g. 60/20/20.")
            ) from None
