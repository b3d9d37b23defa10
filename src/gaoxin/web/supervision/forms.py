"""The supervision app's forms: publishing a region's list, a zone's rule on its firms' details."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.web.accounts.models import Bank
from gaoxin.web.accounts.scoping import visible


class PublishForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    sources = forms.ModelMultipleChoiceField(
        label=_("The zones' lists to unite"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    banks = forms.ModelMultipleChoiceField(
        label=_("Banks"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, lists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = lists
        self.fields["sources"].label_from_instance = lambda pl: (
            f"{pl.zone.name} · {pl.title}（{pl.run.year}）"
        )
        self.fields["banks"].queryset = visible(user, Bank).order_by("code")


class ZoneRuleForm(forms.Form):
    details_to_supervisors = forms.BooleanField(
        label=_("The supervisors above this zone may open its firms' details (each opening is audited)"),
        required=False,
    )
