"""The policy app's forms: validation lives here, not in views."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.finance.money import MoneyError, parse_money
from gaoxin.policy.model import PolicyError, loads_policy


class PolicyFileForm(forms.Form):
    text = forms.CharField(
        label=_("Policy file (YAML)"), widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "false"})
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        try:
            self.policy = loads_policy(text, "policy.yaml")
        except PolicyError as exc:
            raise forms.ValidationError([str(f) for f in exc.faults]) from None
        return text


class RunForm(forms.Form):
    year = forms.IntegerField(label=_("Data year"), min_value=2000, max_value=2100)


class CompareForm(forms.Form):
    other = forms.IntegerField(label=_("Compare with run"), min_value=1)


class PublicityForm(forms.Form):
    start = forms.DateField(label=_("Publicity from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Publicity until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The publicity must end on or after the day it starts."))
        return data


class ConfirmForm(forms.Form):
    account_name = forms.CharField(label=_("Account name"), max_length=200)
    account_bank = forms.CharField(label=_("Bank"), max_length=200)
    account_no = forms.RegexField(
        label=_("Account number"),
        regex=r"^[0-9 -]{8,40}$",
        error_messages={"invalid": _("An account number has 8 to 40 digits.")},
    )

    def clean_account_no(self):
        return self.cleaned_data["account_no"].replace(" ", "").replace("-", "")


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the result is wrong"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    evidence = forms.CharField(
        label=_("Evidence (document numbers, figures)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("uphold", _("Uphold")), ("reject", _("Reject"))]
    )
    amount = forms.CharField(label=_("Amount granted (万元)"), required=False)
    note = forms.CharField(label=_("Reason for the decision"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "uphold":
            try:
                data["amount"] = parse_money(data.get("amount") or "")
            except MoneyError:
                self.add_error("amount", _("Give the amount granted in 万元, greater than 0."))
        else:
            data["amount"] = None
        return data


class ClawbackForm(forms.Form):
    amount = forms.CharField(label=_("Amount (万元)"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_amount(self):
        try:
            return parse_money(self.cleaned_data["amount"])
        except MoneyError:
            raise forms.ValidationError(_("Give the amount in 万元, greater than 0.")) from None


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
