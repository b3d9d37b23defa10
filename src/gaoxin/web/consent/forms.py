"""The consent app's forms: a firm grants a bank its detailed profile (the "Data authorisation" page).

The form checks what the page can check — a bank the firm may choose, a last day written as a date —
with the same messages as before; the rules of a grant (at most a year, a purpose, no second live
consent) stay in ``services.grant`` and ``gaoxin.consent.rules``.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _

from gaoxin.web.consent import services


class GrantForm(forms.Form):
    bank = forms.CharField(required=False)
    until = forms.CharField(required=False)
    purpose = forms.CharField(required=False)

    def __init__(self, *args, banks, **kwargs):
        super().__init__(*args, **kwargs)
        self.banks = list(banks)

    def clean_bank(self):
        key = (self.cleaned_data.get("bank") or "").strip()
        bank = next((b for b in self.banks if str(b.pk) == key), None)
        if bank is None:
            raise forms.ValidationError(_("Choose the bank to authorise."), code="bank")
        return bank

    def clean_until(self):
        try:
            return services.parse_until(self.cleaned_data.get("until"))
        except services.ConsentError as exc:
            raise forms.ValidationError(str(exc), code=exc.code) from None

    def clean_purpose(self):
        return (self.cleaned_data.get("purpose") or "").strip()

    def values(self) -> dict:
        """What the page shows in its fields: the posted text, or the initial values."""
        if self.is_bound:
            return {k: (self.data.get(k) or "").strip() for k in ("bank", "until", "purpose")}
        return {k: str(self.initial.get(k, "")) for k in ("bank", "until", "purpose")}

    def first_error(self) -> str:
        for name in ("bank", "until", "purpose", "__all__"):
            if self.errors.get(name):
                return str(self.errors[name][0])
        return ""


class RevokeForm(forms.Form):
    """A revoke is for good: the page's tick is required here too, not only by the browser."""

    confirm = forms.BooleanField(required=True)
