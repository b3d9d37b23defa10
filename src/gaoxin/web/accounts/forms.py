"""The accounts app's forms: the audit log's filter, accounts, passwords, zones and banks."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.web.accounts.audit_labels import ACTIONS, OBJECTS
from gaoxin.web.accounts.models import Bank
from gaoxin.web.registry.models import Region, Zone


class AuditFilter(forms.Form):
    """Filter the audit log by user, action, object and date (both ends inclusive)."""

    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Object"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("(all)"))]
        self.fields["action"].choices = everything + sorted(
            ((code, str(label)) for code, label in ACTIONS.items()), key=lambda c: c[1]
        )
        self.fields["object_type"].choices = everything + sorted(
            ((code, str(label)) for code, label in OBJECTS.items()), key=lambda c: c[1]
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class _PasswordTwice(forms.Form):
    password = forms.CharField(label=_("Temporary password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("The same again"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        data = super().clean()
        one, two = data.get("password"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords differ."))
        elif one:
            try:
                validate_password(one, getattr(self, "for_user", None))
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class AccountForm(forms.Form):
    """An account's role and what it belongs to; the enterprise is named by its credit code."""

    role = forms.ChoiceField(label=_("Role"))
    display_name = forms.CharField(label=_("display name"), required=False, max_length=100)
    zone = forms.ModelChoiceField(label=_("zone"), queryset=None, required=False)
    bank = forms.ModelChoiceField(label=_("bank"), queryset=None, required=False)
    region = forms.ModelChoiceField(label=_("region"), queryset=None, required=False)
    uscc = forms.CharField(label=_("unified social credit code"), required=False, max_length=18)

    def __init__(self, *args, viewer, **kwargs):
        from gaoxin.web.accounts.models import Bank, Role
        from gaoxin.web.accounts.scoping import visible
        from gaoxin.web.registry.models import Region, Zone

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Role.choices
        self.fields["zone"].queryset = visible(viewer, Zone).order_by("code")
        self.fields["bank"].queryset = visible(viewer, Bank).order_by("code")
        self.fields["region"].queryset = visible(viewer, Region).order_by("code")

    def clean_uscc(self):
        from gaoxin.web.accounts.scoping import anchor_enterprise

        uscc = self.cleaned_data["uscc"].strip().upper()
        if not uscc:
            return None
        enterprise = anchor_enterprise(uscc)
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise on the register has this credit code."))
        return enterprise


class NewAccountForm(AccountForm, _PasswordTwice):
    username = forms.RegexField(
        label=_("user name"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Letters, digits and . @ + - _ only.")},
    )
    field_order = [
        "username",
        "display_name",
        "role",
        "zone",
        "bank",
        "region",
        "uscc",
        "password",
        "password2",
    ]

    def clean_username(self):
        from gaoxin.web.accounts.models import User

        name = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return name


class ResetPasswordForm(_PasswordTwice):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_user = for_user


class OwnPasswordForm(_PasswordTwice):
    """The user's own new password (after an administrator set a temporary one)."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_user = for_user
        self.fields["password"].label = _("New password")

    def clean(self):
        data = super().clean()
        if (
            data.get("password")
            and self.for_user is not None
            and self.for_user.check_password(data["password"])
        ):
            self.add_error("password", _("Choose a password other than the temporary one."))
        return data


class ZoneForm(forms.ModelForm):
    """A zone's code (unique), name and region; ``services.save_org`` saves and audits."""

    class Meta:
        model = Zone
        fields = ["code", "name", "region"]


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        node = parent
        while node is not None:  # no region may sit under itself
            if self.instance.pk is not None and node.pk == self.instance.pk:
                raise forms.ValidationError(_("A region cannot be under itself."))
            node = node.parent
        return parent


class BankForm(forms.ModelForm):
    class Meta:
        model = Bank
        fields = ["code", "name"]


class ActiveForm(forms.Form):
    """Disable (``0``) or enable (``1``) a zone or a bank: the 停用/启用 buttons of its row."""

    active = forms.ChoiceField(choices=[("0", "0"), ("1", "1")])
    confirm = forms.BooleanField(label=_("I have read what this changes."), required=True)
