"""The departments page of the system administrator: the list, a new department, one edited,
disabled or enabled again. The import pages read the departments (``bulk_io.department_fields``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gaoxin.data.dictionary import FIELDS
from gaoxin.web.platform.labels import label
from gaoxin.web.platform.views import paginate, require
from gaoxin.web.registry.models import Department
from gaoxin.web.registry.services import departments as service

KEYS = {"uscc", "name", "zone", "year"}  # every template has them: not a department's choice
TABLES = (
    ("enterprise", gettext_lazy("Registry data")),
    ("report", gettext_lazy("Annual report")),
    ("qualification", gettext_lazy("Qualifications")),
)


def field_choices() -> list:
    """The data dictionary's fields, grouped by table, labelled in the reader's language."""
    return [
        (str(title), [(f.id, label(f)) for f in FIELDS if f.table == table and f.id not in KEYS])
        for table, title in TABLES
    ]


class DepartmentForm(forms.ModelForm):
    fields = forms.MultipleChoiceField(
        label=gettext_lazy("Fields it usually supplies"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Department
        fields = ["code", "name", "name_en", "order", "fields"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields"].choices = field_choices()
        self.fields["fields"].help_text = _("The columns of the department's import template.")

    def clean_fields(self):  # a list in the dictionary's order, whatever order the boxes were ticked
        chosen = set(self.cleaned_data.get("fields") or [])
        return [f.id for f in FIELDS if f.id in chosen]


@login_required
@require_http_methods(["GET", "POST"])
def departments(request, pk: int | None = None):
    require(request.user, "manage_platform")
    items = Department.objects.order_by("order", "code")
    obj = get_object_or_404(items, pk=pk) if pk is not None else None
    form = DepartmentForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = service.save_department(request, form)
        messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
        return redirect("registry:departments")
    page = paginate(request, items)
    rows = [{"d": d, "fields": service.field_names(d.fields), "count": len(d.fields)} for d in page]
    return render(
        request,
        "registry/departments.html",
        {"page": page, "rows": rows, "form": form, "obj": obj},
        status=400 if form.errors else 200,
    )


class ActiveForm(forms.Form):
    active = forms.TypedChoiceField(choices=(("0", "0"), ("1", "1")), coerce=lambda v: v == "1")


@login_required
@require_POST
def department_active(request, pk: int):
    require(request.user, "manage_platform")
    department = get_object_or_404(Department, pk=pk)
    form = ActiveForm(request.POST)
    if form.is_valid():
        with transaction.atomic():
            service.set_active(request, department, form.cleaned_data["active"])
        messages.success(
            request,
            (_("%(name)s is offered again.") if department.active else _("%(name)s is no longer offered."))
            % {"name": department.name},
        )
    else:
        messages.error(request, _("Choose to disable or enable the department."))
    return redirect("registry:departments")


urls = [
    path("departments/", departments, name="departments"),
    path("departments/<int:pk>/", departments, name="department"),
    path("departments/<int:pk>/active/", department_active, name="department_active"),
]
