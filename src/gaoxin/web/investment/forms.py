"""The investment app's forms: a project's next step, a firm mapped to a chain node, a table to import,
the zone's settings. The forms read and check what is posted (with the messages the pages always
gave); the rules of a stage change stay in ``services`` and the pure core ``gaoxin.investment``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.web.investment.models import TableImport

PROJECT_ACTIONS = ("advance", "drop", "revive", "link", "unlink")


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


class ProjectActionForm(forms.Form):
    """One step of a project: advance to a stage, drop, revive, link or unlink its enterprise.
    ``on`` is the day it happened (a date that does not read is no date: the service takes today)."""

    action = forms.CharField(required=False)
    on = forms.CharField(required=False)
    note = forms.CharField(required=False)
    stage = forms.CharField(required=False)
    enterprise = forms.CharField(required=False)

    def clean_on(self) -> dt.date | None:
        return _date(self.cleaned_data.get("on"))


class NodeFirmForm(forms.Form):
    """Map a firm (USCC or full name) to a chain node, or remove a mapping (``action=remove``)."""

    action = forms.CharField(required=False)
    mapping = forms.IntegerField(required=False, min_value=1)
    enterprise = forms.CharField(required=False)

    @property
    def removing(self) -> bool:
        return (self.data.get("action") or "") == "remove"

    def mapping_pk(self) -> int:
        return (self.cleaned_data.get("mapping") if self.is_valid() else None) or 0


class ImportForm(forms.Form):
    kind = forms.ChoiceField(choices=TableImport.Kind.choices)
    file = forms.FileField()


def _decimal(text: str | None, low: Decimal | None, high: Decimal | None) -> tuple[Decimal | None, bool]:
    text = (text or "").strip()
    if not text:
        return None, True
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, False
    if not value.is_finite() or (low is not None and value < low) or (high is not None and value > high):
        return None, False
    return value, True


# name, lowest, highest, whole number, required, the message when it is not
SETTINGS = (
    ("stalled_days", Decimal(0), Decimal(3650), True, True,
     _("Days before a project is stalled: a whole number from 0 to 3650.")),
    ("weak_min_firms", Decimal(0), Decimal(100000), True, False,
     _("Fewest firms: a whole number, or empty for no threshold.")),
    ("weak_min_revenue", Decimal(0), None, False, False,
     _("Revenue threshold: a number of 万元 of zero or more, or empty.")),
    ("weak_min_hightech_share", Decimal(0), Decimal(1), False, False,
     _("High-tech share threshold: a number from 0 to 1, or empty.")),
    ("weak_min_score", Decimal(0), Decimal(1000), False, False,
     _("Score threshold: a number from 0 to 1000, or empty.")),
)  # fmt: skip


class SettingsForm(forms.Form):
    """The zone's investment settings: when a project is stalled, when a chain node is weak."""

    stalled_days = forms.CharField(required=False)
    weak_min_firms = forms.CharField(required=False)
    weak_min_revenue = forms.CharField(required=False)
    weak_min_hightech_share = forms.CharField(required=False)
    weak_min_score = forms.CharField(required=False)

    def clean(self):
        data = super().clean()
        for name, low, high, whole, required, message in SETTINGS:
            value, ok = _decimal(data.get(name), low, high)
            if (
                not ok
                or (required and value is None)
                or (whole and value is not None and value != value.to_integral_value())
            ):
                self.add_error(name, message)
                continue
            data[name] = int(value) if whole and value is not None else value
        return data

    def messages(self) -> list[str]:
        """The errors in the order of the fields (the page lists them above the form)."""
        return [str(e) for name, *_rest in SETTINGS for e in self.errors.get(name, [])]

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name, *_rest in SETTINGS}
