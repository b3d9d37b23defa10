"""Import pages: upload, preview, error report, confirm, progress; templates to download.

Views authorize (``may``/``visible``/``can_write``), call ``import_service`` and render. Import pages
are for zone staff and platform administrators (anyone else: 403); a batch outside the user's zone is
a 404, so guessing a number tells nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.data.dictionary import BY_ID
from gaoxin.io.sources import CSV_SUFFIXES, EXCEL_SUFFIXES, PARQUET_SUFFIXES
from gaoxin.web.accounts.scoping import audit, can_write, visible
from gaoxin.web.platform.views import download, paginate, require
from gaoxin.web.registry import bulk_io as templates_xlsx
from gaoxin.web.registry.models import ImportBatch, Zone
from gaoxin.web.registry.services import imports as service

PROBLEMS_PER_PAGE = 500
SUFFIXES = (*CSV_SUFFIXES, *EXCEL_SUFFIXES, *PARQUET_SUFFIXES)
TABLES = (
    ("enterprise", "enterprises", gettext_lazy("Enterprises")),
    ("report", "reports", gettext_lazy("Annual reports")),
    ("qualification", "qualifications", gettext_lazy("Qualifications")),
)


def _batch(request, pk: int, light: bool = False) -> ImportBatch:
    """The batch, if the user may see it (404 otherwise); ``light``: without its mapping. (Its problems
    are ``ImportProblem`` rows; the old JSON column is never loaded.)"""
    require(request.user, "import")
    qs = visible(request.user, ImportBatch).select_related("zone", "user").defer("problems")  # not read
    if light:
        qs = qs.defer("mapping")
    return get_object_or_404(qs, pk=pk)


class UploadForm(forms.Form):
    zone = forms.ModelChoiceField(label=gettext_lazy("Zone"), queryset=Zone.objects.none(), required=False)
    file = forms.FileField(
        label=gettext_lazy("File (csv, xlsx or parquet)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
    )
    department = forms.CharField(
        label=gettext_lazy("Source department"),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "departments", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, zones=None, choose_zone: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if choose_zone:
            self.fields["zone"].queryset = zones
            self.fields["zone"].required = True
        else:
            del self.fields["zone"]

    def clean_file(self):
        f = self.cleaned_data["file"]
        if Path(f.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(
                _("Unsupported file type %(suffix)s: use .csv, .xlsx or .parquet.")
                % {"suffix": Path(f.name).suffix or "—"}
            )
        return f


@login_required
@require_GET
def import_list(request):
    require(request.user, "import")
    batches = visible(request.user, ImportBatch).select_related("zone", "user").defer("problems", "mapping")
    zones = []
    zone_code = ""
    if request.user.is_platform_admin:
        zones = list(visible(request.user, Zone).order_by("code"))
        zone_code = request.GET.get("zone", "").strip()
        if zone_code:
            batches = batches.filter(zone__code=zone_code)
    page = paginate(request, batches.order_by("-created", "-id"))
    for b in page:
        b.summary = _summary(b)
    return render(
        request,
        "registry/import_list.html",
        {
            "page": page,
            "zones": zones,
            "zone_code": zone_code,
            "departments": templates_xlsx.department_fields(),
        },
    )


def _summary(batch: ImportBatch) -> list[tuple[str, dict]]:
    """(table label, created/updated/unchanged) for an applied batch's counts."""
    out = []
    for _table, key, label in TABLES:
        counts = batch.counts.get(key)
        if isinstance(counts, dict) and any(counts.values()):
            out.append((label, counts))
    return out


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    user = request.user
    require(user, "import")
    zones = visible(user, Zone).order_by("code")
    choose = user.is_platform_admin
    form = UploadForm(request.POST or None, request.FILES or None, zones=zones, choose_zone=choose)
    if request.method == "POST" and form.is_valid():
        zone = form.cleaned_data["zone"] if choose else user.zone
        if zone is None or not can_write(user, ImportBatch(zone=zone)):
            raise PermissionDenied
        stored = service.store_upload(form.cleaned_data["file"], zone)
        batch = service.prepare(
            stored,
            zone=zone,
            user=user,
            department=form.cleaned_data["department"],
            note=form.cleaned_data.get("note") or "",
            mark=True,
            background=True,  # read and checked by the task worker, never by the web process
        )
        audit(
            request,
            "import_upload",
            batch,
            file=batch.file_name,
            status=batch.status,
            errors=batch.error_count,
        )
        return redirect("registry:import_detail", pk=batch.pk)
    used = (
        visible(user, ImportBatch)
        .exclude(department="")
        .order_by()
        .values_list("department", flat=True)
        .distinct()[:30]
    )
    departments = list(dict.fromkeys([*templates_xlsx.department_names(), *used]))
    return render(
        request,
        "registry/import_upload.html",
        {
            "form": form,
            "departments": departments,
            "template_departments": list(templates_xlsx.department_fields()),
        },
    )


@login_required
@require_GET
def import_detail(request, pk: int):
    batch = service.settle_check(_batch(request, pk))
    error_page = paginate(request, service.problem_rows(batch, "error"), PROBLEMS_PER_PAGE)
    warning_rows = service.problem_rows(batch, "warning")
    warning_total = warning_rows.count()
    warnings = list(warning_rows[:PROBLEMS_PER_PAGE])
    state = service.status(batch)
    running = state["job"] in ("queued", "running")
    failed_job = state.get("failed") and batch.status == ImportBatch.Status.PREVIEW
    job = service.job_of(batch) if failed_job else None
    twin = None
    if batch.status == ImportBatch.Status.DUPLICATE and batch.counts.get("duplicate_of"):
        twin = (
            visible(request.user, ImportBatch)
            .select_related("user")
            .filter(pk=batch.counts["duplicate_of"])
            .first()
        )
    preview = batch.counts.get("preview", {})
    tables = preview.get("tables", {})
    sample = preview.get("sample", {})
    planned = preview.get("changes") or {}
    planned_rows = [{**c, "label": BY_ID.get(c["field"]) or c["field"]} for c in planned.get("shown", [])]
    return render(
        request,
        "registry/import_detail.html",
        {
            "batch": batch,
            "errors": error_page,
            "error_total": error_page.paginator.count,
            "warnings": warnings,
            "warning_total": warning_total,
            "mapping": batch.mapping,
            "tables": [
                {"label": label, "rows": tables.get(t, 0), "sample": sample.get(t)}
                for t, _key, label in TABLES
            ],
            "result": _summary(batch),
            "changes": batch.counts.get("changes"),
            "planned": planned,
            "planned_rows": planned_rows,
            "applied_at": service.applied_at(batch) if batch.status == ImportBatch.Status.APPLIED else None,
            "note": preview.get("note", ""),
            "twin": twin,
            "twin_at": service.applied_at(twin) if twin else None,
            "state": state,
            "running": running,
            "failed_message": job.message if job else "",
            "annotated": service.annotated_file(batch) is not None,
            "marking": service.marking(batch),
            "can_confirm": (
                batch.status == ImportBatch.Status.PREVIEW
                and not batch.error_count
                and not running
                and can_write(request.user, batch)
            ),
        },
    )


@login_required
@require_POST
def import_confirm(request, pk: int):
    batch = _batch(request, pk, light=True)
    if not can_write(request.user, batch):
        raise PermissionDenied
    try:
        service.confirm(batch, request.user)
    except service.ImportRefused:
        messages.error(request, _("This import cannot be confirmed (it is not awaiting confirmation)."))
        return redirect("registry:import_detail", pk=batch.pk)
    batch.refresh_from_db()
    audit(request, "import_apply", batch, file=batch.file_name, status=batch.status)
    return redirect("registry:import_detail", pk=batch.pk)


@login_required
@require_GET
def import_progress(request, pk: int):
    batch = service.settle_check(_batch(request, pk, light=True))
    return JsonResponse(service.status(batch))


@login_required
@require_GET
def import_errors(request, pk: int):
    batch = _batch(request, pk, light=True)
    if not service.problem_rows(batch).exists():
        raise Http404
    with tempfile.TemporaryDirectory() as tmp:
        path = service.write_error_report(batch, Path(tmp) / "errors.xlsx")
        content = path.read_bytes()
    stem = Path(batch.file_name.split("、")[0]).stem or "import"
    return download(content, f"{stem}-错误报告.xlsx")


@login_required
@require_GET
def import_annotated(request, pk: int):
    """The refused file with its error cells marked (light red, the reason in a comment)."""
    batch = _batch(request, pk, light=True)
    path = service.annotated_file(batch)
    if path is None:
        raise Http404
    return download(path.read_bytes(), path.name)


@login_required
@require_GET
def import_template(request):
    user = request.user
    require(user, "import")
    department = request.GET.get("department", "").strip() or None
    if department is not None and department not in templates_xlsx.department_fields():
        raise Http404
    zone = user.zone if user.zone_id else visible(user, Zone).order_by("code").first()
    content = templates_xlsx.template_bytes(zone_code=zone.code if zone else "Z001", department=department)
    return download(content, templates_xlsx.file_name(department))


urls = [
    path("imports/", import_list, name="imports"),
    path("imports/new/", import_upload, name="import_upload"),
    path("imports/template.xlsx", import_template, name="import_template"),
    path("imports/<int:pk>/", import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", import_confirm, name="import_confirm"),
    path("imports/<int:pk>/progress/", import_progress, name="import_progress"),
    path("imports/<int:pk>/errors.xlsx", import_errors, name="import_errors"),
    path("imports/<int:pk>/annotated.xlsx", import_annotated, name="import_annotated"),
]
