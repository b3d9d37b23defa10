"""The target form (the zone administrator sets and adjusts targets on the page as well as by import)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.command.metrics import MetricError, metric_choices, parse_metric
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
