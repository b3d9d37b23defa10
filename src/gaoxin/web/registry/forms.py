"""The registry's forms: a firm's correction of one of its figures, and the zone's decision on it.

The forms read and tidy what is posted; whether a field may be corrected, for which year, and whether
the proposed value reads as that field's type is the correction service's rule
(``services.corrections.submit_correction``), which names the reason in the reader's language.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

STATUSES = ("pending", "approved", "rejected", "all")


class CorrectionForm(forms.Form):
    field = forms.CharField(required=False)
    year = forms.CharField(required=False)
    proposed = forms.CharField(required=False)
    reason = forms.CharField(required=False)
    evidence = forms.FileField(required=False)  # checked by services.corrections.check_evidence

    def values(self) -> dict:
        """The posted text (stripped) the page shows back, or empty fields."""
        data = self.data if self.is_bound else {}
        return {k: (data.get(k) or "").strip() for k in self.base_fields if k != "evidence"}

    def first_error(self) -> str:
        return next((str(e[0]) for e in self.errors.values()), "")


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=(("approve", "approve"), ("reject", "reject")),
        error_messages={
            "required": _("Choose approve or reject."),
            "invalid_choice": _("Choose approve or reject."),
        },
    )
    note = forms.CharField(required=False, strip=False)
    status = forms.CharField(required=False)  # the list the reviewer came from, to go back to

    def back(self) -> str:
        status = (self.data.get("status") or "pending").strip()
        return status if status in STATUSES else "pending"
