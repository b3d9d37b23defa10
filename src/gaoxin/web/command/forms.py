"""The command centre's forms: a target (the zone administrator sets and adjusts targets on the page as
well as by import), an entered actual, a task's progress. They read and check what is posted; the
rules (a computed indicator takes no entry, a period must have ended, a task's dates) stay in
``services`` and the pure core ``gaoxin.command``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.command.metrics import MetricError, metric_choices, parse_metric
from gaoxin.command.periods import parse_period
from gaoxin.web.command import services
from gaoxin.web.command.models import Target


class TargetForm(forms.ModelForm):
    metric = forms.ChoiceField(label=_("How the actual is obtained"), choices=())

    class Meta:
        model = Target
        fields = [
            "name",
            "unit",
            "metric",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
            "owner",
            "source",
            "order",
        ]

    def __init__(self, *args, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone if zone is not None else self.instance.zone
        self.fields["metric"].choices = metric_choices()
        for name in ("baseline_year", "target_year"):
            self.fields[name].widget.attrs.update({"min": 1990, "max": 2100})

    def clean_metric(self):
        try:
            return parse_metric(self.cleaned_data["metric"]).key
        except MetricError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        first, last = data.get("baseline_year"), data.get("target_year")
        if first is not None and last is not None and last <= first:
            self.add_error("target_year", _("The target year must be after the baseline year."))
        name = data.get("name")
        if name and Target.objects.filter(zone=self.zone, name=name).exclude(pk=self.instance.pk).exists():
            self.add_error("name", _("This zone already has an indicator of that name."))
        return data

    def save(self, commit=True):
        self.instance.zone = self.zone
        return super().save(commit)


class _Form(forms.Form):
    def first_error(self) -> str:
        return next((str(e[0]) for e in self.errors.values()), "")

    def values(self) -> dict:
        """The posted text (stripped) the page shows back, or empty fields."""
        data = self.data if self.is_bound else {}
        return {k: (data.get(k) or "").strip() for k in self.base_fields}


class ActualForm(_Form):
    """The actual of an entered target for a year (2025) or a month (2026-06), with its source."""

    period = forms.CharField(required=False)
    value = forms.CharField(required=False)
    source = forms.CharField(required=False)

    def clean_period(self):
        text = self.cleaned_data.get("period", "")
        try:
            return parse_period(text)
        except ValueError:
            raise forms.ValidationError(
                _("“%(value)s” is not a year (2025) or a month (2026-06).") % {"value": text}
            ) from None

    def clean_value(self):
        try:
            return services.parse_value(self.cleaned_data.get("value", ""))
        except services.CommandError as exc:
            raise forms.ValidationError(str(exc)) from None


def parse_date(text: str | None) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise forms.ValidationError(
            _("“%(value)s” is not a date such as 2026-03-01.") % {"value": text}
        ) from None


class TaskForm(_Form):
    """A task's progress: status, evidence (text and link), the day it was completed."""

    status = forms.CharField(required=False)
    evidence = forms.CharField(required=False, strip=False)
    evidence_link = forms.CharField(required=False, strip=False)
    completed_on = forms.CharField(required=False)
    next = forms.CharField(required=False)

    def clean_completed_on(self):
        return parse_date(self.cleaned_data.get("completed_on"))

    def back(self) -> str:
        """Where to go afterwards: a command-centre page the form came from, or ""."""
        back = (self.data.get("next") or "").strip()
        return back if back.startswith("/command/") else ""


class TableUploadForm(forms.Form):
    """One table's file to import: ``table`` is the key of ``bulk_io.TABLES``, ``file`` the upload."""

    table = forms.CharField(required=False)
    file = forms.FileField(required=False)

    def key(self) -> str:
        return (self.data.get("table") or "").strip()
