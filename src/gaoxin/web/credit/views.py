"""Credit pages: ranking, score runs, comparison, models, publishing lists, banks' lists.

Each view authorizes through ``accounts.scoping`` (``may`` for the role, ``visible`` for every query,
``can_write`` for the zone acted on), calls ``credit.services`` and renders; no number is computed here.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.scoring.model import ModelError
from gaoxin.web.accounts.models import Bank, Role
from gaoxin.web.accounts.scoping import can_write, may, visible
from gaoxin.web.credit import services
from gaoxin.web.credit.forms import ModelUploadForm, NewRunForm, PublishForm, RankingFilterForm
from gaoxin.web.credit.models import ListEntry, ModelFile, PublishedList, Score, ScoreRun
from gaoxin.web.platform.labels import label
from gaoxin.web.platform.views import (
    CSV,
    XLSX,
    download,
    int_or_none,
    paginate,
    require,
    run_status_view,
)
from gaoxin.web.registry.models import AnnualReport, Zone

COMPARE_SHOWN = 100
COMPARE_PAGE = 50  # continuing firms per page of the comparison
PREVIEW_ROWS = 20  # a list's preview shows its first 20 firms, and says of how many
RUN_FIELDS_DEFERRED = ("model_source", "notes")


# --- helpers -----------------------------------------------------------------------------------------


def _enterprise_url(pk: int) -> str | None:
    """The enterprise profile (registry's page), if that page exists."""
    try:
        return reverse("registry:enterprise", args=[pk])
    except NoReverseMatch:
        return None


def _admin_zones(user):
    """The zones a platform administrator chooses from; None for zone staff (their own zone)."""
    return visible(user, Zone) if user.role == Role.PLATFORM_ADMIN else None


def _done_runs(user):
    return (
        visible(user, ScoreRun)
        .filter(status=ScoreRun.Status.DONE)
        .select_related("zone")
        .defer(*RUN_FIELDS_DEFERRED)
        .order_by("-finished", "-id")
    )


def _chosen_run(user, wanted) -> tuple[list[ScoreRun], ScoreRun | None]:
    """The done runs to choose from and the chosen one (``wanted`` pk, or the latest)."""
    runs = list(_done_runs(user)[:200])
    if wanted in (None, ""):
        return runs, (runs[0] if runs else None)
    pk = int_or_none(wanted)
    for run in runs:
        if run.pk == pk:
            return runs, run
    return runs, get_object_or_404(_done_runs(user), pk=pk)


def _names(model) -> dict:
    return {
        "stages": {s.id: label(s.name) for s in model.stages},
        "lists": {x.id: label(x.name) for x in model.lists},
    }


# --- ranking -----------------------------------------------------------------------------------------


@login_required
@require_GET
def ranking(request):
    user = request.user
    require(user, "view_zone")
    runs, run = _chosen_run(user, request.GET.get("run"))
    context = {"runs": runs, "run": run}
    if run is not None:
        model = services.run_model(run)
        form = RankingFilterForm(request.GET, model=model)
        qs = services.ranking_queryset(visible(user, Score), run, form.filters())
        page = paginate(request, services.ranking_rows(qs), form.page_size())
        names = _names(model)
        rows = [
            {
                "score": s,
                "url": _enterprise_url(s.enterprise_id),
                "stage": names["stages"].get(s.stage, s.stage),
                "list": names["lists"].get(s.list, s.list),
                "interval": services.rank_interval(s) if run.uncertainty else None,
            }
            for s in page
        ]
        query = request.GET.copy()
        query["run"] = run.pk
        query.pop("page", None)
        context |= {
            "form": form,
            "page": page,
            "rows": rows,
            "model": model,
            "export_url": f"{reverse('credit:ranking_export')}?{query.urlencode()}",
        }
    return render(request, "credit/ranking.html", context)


@login_required
@require_GET
def ranking_export(request):
    user = request.user
    require(user, "view_zone")
    _runs, run = _chosen_run(user, request.GET.get("run"))
    if run is None:
        raise Http404
    model = services.run_model(run)
    filters = RankingFilterForm(request.GET, model=model).filters()
    qs = services.ranking_queryset(visible(user, Score), run, filters)
    described = _("Filters: %(filters)s") % {"filters": services.describe_filters(model, filters)}
    content = services.ranking_export(run, model, qs, described, actor=request, filters=filters)
    return download(content, f"排名-{run.zone.code}-{run.year}-{run.pk}.xlsx")


# --- score runs ----------------------------------------------------------------------------------------


def _new_run_form(user, data=None) -> NewRunForm:
    files = visible(user, ModelFile).select_related("zone").defer("source")
    files = list(files)
    years = visible(user, AnnualReport).order_by("-year").values_list("year", flat=True).distinct()
    last = visible(user, ScoreRun).only("model_id", "model_sha256").order_by("-created", "-id").first()
    return NewRunForm(
        data,
        model_files=files,
        years=list(years),
        zones=_admin_zones(user),
        last_model=services.model_ref(last, files) if last else "",
    )


def _upload_form(user, data=None, files=None) -> ModelUploadForm:
    return ModelUploadForm(data, files, zones=_admin_zones(user))


@login_required
@require_http_methods(["GET", "POST"])
def runs(request):
    user = request.user
    require(user, "view_zone")
    can_run = may(user, "run_scores")
    form = None
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied
        form = _new_run_form(user, request.POST)
        if form.is_valid():
            zone = form.cleaned_data.get("zone") or user.zone
            if zone is None or not can_write(user, zone):
                raise PermissionDenied
            model, year = form.cleaned_data["model"], form.cleaned_data["year"]
            run = services.submit_run(
                zone,
                year,
                model,
                user,
                actor=request,
                uncertainty=form.cleaned_data.get("uncertainty", False),
            )
            messages.success(request, _("Score run #%(pk)s started.") % {"pk": run.pk})
            return redirect("credit:run", pk=run.pk)
    elif can_run:
        form = _new_run_form(user)
    all_runs = visible(user, ScoreRun).select_related("zone", "created_by").defer(*RUN_FIELDS_DEFERRED)
    page = paginate(request, all_runs)
    return render(
        request,
        "credit/runs.html",
        {
            "page": page,
            "form": form,
            "upload_form": _upload_form(user) if can_run else None,
            "can_run": can_run,
        },
    )


def _run(user, pk: int, *fields) -> ScoreRun:
    return get_object_or_404(visible(user, ScoreRun).select_related("zone", "created_by", *fields), pk=pk)


@login_required
@require_GET
def run_detail(request, pk: int):
    user = request.user
    require(user, "view_zone")
    run = _run(user, pk, "job")
    model = services.run_model(run)
    done = run.status == ScoreRun.Status.DONE
    others = (
        _done_runs(user).filter(zone=run.zone_id).exclude(pk=run.pk)[:100]
        if done
        else ScoreRun.objects.none()
    )
    published = visible(user, PublishedList).filter(run=run).annotate(n=Count("entries")).order_by("-created")
    return render(
        request,
        "credit/run_detail.html",
        {
            "run": run,
            "model": model,
            "done": done,
            "summary": services.run_summary(run, model, visible(user, Score)) if done else None,
            "progress": services.run_progress(run),
            "others": list(others),
            "published": list(published),
            "can_run": may(user, "run_scores") and can_write(user, run),
            "can_publish": may(user, "publish") and can_write(user, run),
        },
    )


run_status = run_status_view(ScoreRun, services.run_progress)


@login_required
@require_GET
def run_export(request, pk: int):
    user = request.user
    require(user, "view_zone")
    run = _run(user, pk)
    if run.status != ScoreRun.Status.DONE:
        raise Http404
    content = services.run_export(run, services.run_model(run), visible(user, Score), actor=request)
    return download(content, f"评分结果-{run.zone.code}-{run.year}-{run.pk}.xlsx")


@login_required
@require_POST
def run_rerun(request, pk: int):
    user = request.user
    require(user, "run_scores")
    run = _run(user, pk)
    if not can_write(user, run):
        raise PermissionDenied
    new = services.rerun(run, user, actor=request)
    messages.success(request, _("Score run #%(pk)s started.") % {"pk": new.pk})
    return redirect("credit:run", pk=new.pk)


@login_required
@require_GET
def compare(request):
    user = request.user
    require(user, "view_zone")
    runs = list(_done_runs(user)[:200])
    a, b = request.GET.get("a"), request.GET.get("b")
    context = {"runs": runs, "a": int_or_none(a), "b": int_or_none(b)}
    if a and b:
        run_a = get_object_or_404(_done_runs(user), pk=int_or_none(a))
        run_b = get_object_or_404(_done_runs(user), pk=int_or_none(b))
        if run_a.zone_id != run_b.zone_id:
            context["error"] = _("Only runs of the same zone can be compared.")
        else:
            result = services.compare_runs(run_a, run_b, visible(user, Score))
            show = request.GET.get("show", "")
            show = show if show in ("up", "down", "others", "new", "dropped") else ""
            stage, q = request.GET.get("stage", ""), request.GET.get("q", "")
            listed = [] if show in ("new", "dropped") else services.compare_filter(result, show, stage, q)
            fmt = request.GET.get("format")
            if fmt in ("csv", "xlsx"):
                return download(
                    services.compare_export(result, fmt, listed, actor=request),
                    f"对比-{run_a.pk}-{run_b.pk}.{fmt}",
                    XLSX if fmt == "xlsx" else CSV,
                )
            page = paginate(request, listed, COMPARE_PAGE)
            for mover in page:
                mover.url = _enterprise_url(mover.enterprise_id)
            stages = sorted({m.stage_after for m in result.movers} | {m.stage_before for m in result.movers})
            context |= {
                "result": result,
                "page": page,
                "show": show,
                "stage": stage,
                "q": q,
                "stages": stages,
                "kinds": services.COMPARE_KINDS,
                "new": result.new[:COMPARE_SHOWN] if show in ("", "new") else [],
                "dropped": result.dropped[:COMPARE_SHOWN] if show in ("", "dropped") else [],
                "chart": services.compare_chart(result),
                "shown": COMPARE_SHOWN,
                "query": urlencode({k: v for k, v in request.GET.items() if k not in ("page", "format")}),
            }
    return render(request, "credit/compare.html", context)


# --- models --------------------------------------------------------------------------------------------


@login_required
@require_GET
def models_page(request):
    user = request.user
    require(user, "view_zone")
    files = visible(user, ModelFile).select_related("zone", "uploaded_by").defer("source")
    can_upload = may(user, "run_scores")
    return render(
        request,
        "credit/models.html",
        {
            "shipped": services.shipped_models(),
            "files": list(files),
            "upload_form": _upload_form(user) if can_upload else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def model_upload(request):
    user = request.user
    require(user, "run_scores")
    form = _upload_form(user, request.POST or None, request.FILES or None)
    faults = []
    if request.method == "POST" and form.is_valid():
        zone = form.cleaned_data.get("zone") or user.zone
        if zone is None or not can_write(user, zone):
            raise PermissionDenied
        upload = form.cleaned_data["file"]
        raw = upload.read(services.MAX_MODEL_BYTES + 1)
        try:
            model_file, created = services.store_model_file(zone, raw, upload.name, user, actor=request)
        except ModelError as exc:
            faults = exc.faults
        else:
            if created:
                messages.success(request, _("The model was checked and saved."))
            else:
                messages.info(request, _("This model file was already uploaded; nothing changed."))
            return redirect("credit:model_file", pk=model_file.pk)
    return render(request, "credit/model_upload.html", {"form": form, "faults": faults})


def _model_page(request, model, **context):
    return render(
        request,
        "credit/model_detail.html",
        {"model": services.model_outline(model), "source": model.source, **context},
    )


@login_required
@require_GET
def shipped_model(request, model_id: str):
    require(request.user, "view_zone")
    try:
        model = services.shipped_model(model_id)
    except KeyError:
        raise Http404 from None
    return _model_page(request, model, origin="shipped")


@login_required
@require_GET
def model_file(request, pk: int):
    require(request.user, "view_zone")
    model_file = get_object_or_404(
        visible(request.user, ModelFile).select_related("zone", "uploaded_by"), pk=pk
    )
    return _model_page(request, services.model_file_model(model_file), origin="file", model_file=model_file)


@login_required
@require_GET
def run_model(request, pk: int):
    require(request.user, "view_zone")
    run = _run(request.user, pk)
    return _model_page(request, services.run_model(run), origin="run", run=run)


@login_required
@require_GET
def run_sensitivity(request, pk: int):
    """Which indicators drive the run's ranking: leave one out, as a table and a bar chart."""
    require(request.user, "view_zone")
    run = _run(request.user, pk)
    if run.status != ScoreRun.Status.DONE:
        raise Http404
    model = services.run_model(run)
    rows = services.sensitivity(run, model)
    return render(
        request,
        "credit/sensitivity.html",
        {"run": run, "rows": rows, "chart": services.sensitivity_chart(rows)},
    )


# --- published lists -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def lists(request):
    user = request.user
    require(user, "view_zone")
    can_publish = may(user, "publish")
    if request.method == "POST" and not can_publish:
        raise PermissionDenied
    context: dict = {"can_publish": can_publish}
    if can_publish:
        wanted = request.POST.get("run") if request.method == "POST" else request.GET.get("run")
        runs, run = _chosen_run(user, wanted)
        context |= {"runs": runs, "run": run}
        if run is not None:
            model = services.run_model(run)
            form = PublishForm(request.POST or None, model=model, banks=visible(user, Bank))
            if request.method == "POST" and form.is_valid():
                if not can_write(user, run):
                    raise PermissionDenied
                filters = form.list_filters()
                try:
                    candidates = services.list_candidates(run, model, visible(user, Score), filters)
                    count = candidates.count()
                    previewing = "preview" in request.POST
                    expected = form.cleaned_data.get("expected")
                    if not previewing and not form.cleaned_data.get("confirm"):
                        form.add_error(
                            "confirm", _("Preview the list and tick the confirmation to publish it.")
                        )
                    elif not previewing and expected is not None and expected != count:
                        form.add_error(
                            None,
                            _("%(now)s firms match now, not the %(then)s of the preview: check it again.")
                            % {"now": count, "then": expected},
                        )
                    if previewing or form.errors:
                        shown = list(services.ranking_rows(candidates)[:PREVIEW_ROWS])
                        names = _names(model)
                        context["preview"] = {
                            "count": count,
                            "shown": len(shown),
                            "rows": [(s, names["stages"].get(s.stage, s.stage)) for s in shown],
                            "described": services.describe_filters(model, filters),
                            "banks": form.cleaned_data["banks"],
                        }
                    else:
                        published = services.publish_list(
                            run,
                            title=form.cleaned_data["title"],
                            filters=filters,
                            banks=form.cleaned_data["banks"],
                            user=user,
                            actor=request,
                        )
                        messages.success(request, _("The list was published."))
                        return redirect("credit:list", pk=published.pk)
                except services.PublishError as exc:
                    form.add_error(None, str(exc))
            context |= {"form": form, "model": model}
    published = (
        visible(user, PublishedList)
        .select_related("zone", "run", "created_by")
        .prefetch_related("banks")
        .annotate(n=Count("entries", distinct=True))
        .order_by("-created", "-id")
    )
    context["page"] = paginate(request, published)
    return render(request, "credit/lists.html", context)


def _list_context(user, published: PublishedList, page_number) -> dict:
    model = services.run_model(published.run)
    entries = (
        visible(user, ListEntry)
        .filter(published_list=published)
        .select_related("enterprise", "score")
        .only(
            "position",
            "enterprise_id",
            "enterprise__uscc",
            "enterprise__name",
            "score__stage",
            "score__total",
            "score__rank",
            "score__cohort_size",
            "score__grade",
            "score__list",
            "score__rank_p05",
            "score__rank_p95",
            "score__list_share",
        )
        .order_by("position")
    )
    page = Paginator(entries, 100).get_page(page_number)
    names = _names(model)
    rows = [
        {
            "entry": e,
            "stage": names["stages"].get(e.score.stage, e.score.stage),
            "list": names["lists"].get(e.score.list, e.score.list),
            "robust": services.robust(e.score.list_share),
        }
        for e in page
    ]
    return {
        "robust": services.robust_count(published) if published.run.uncertainty else None,
        "robust_share": services.ROBUST_SHARE,
        "published": published,
        "page": page,
        "rows": rows,
        "described": services.describe_filters(model, published.filters),
        "model": model,
    }


@login_required
@require_GET
def list_detail(request, pk: int):
    user = request.user
    require(user, "view_zone")
    published = get_object_or_404(
        visible(user, PublishedList).select_related("zone", "run", "created_by").prefetch_related("banks"),
        pk=pk,
    )
    context = _list_context(user, published, request.GET.get("page"))
    for row in context["rows"]:
        row["url"] = _enterprise_url(row["entry"].enterprise_id)
    return render(request, "credit/list_detail.html", {**context, "bank_view": False})


@login_required
@require_GET
def list_export(request, pk: int, fmt: str):
    user = request.user
    if fmt not in ("xlsx", "csv"):
        raise Http404
    published = get_object_or_404(visible(user, PublishedList).select_related("zone", "run__zone"), pk=pk)
    content = services.list_export(
        published, services.run_model(published.run), visible(user, Score), fmt, actor=request
    )
    return download(
        content, f"名单-{published.zone.code}-{published.pk}.{fmt}", XLSX if fmt == "xlsx" else CSV
    )


@login_required
@require_GET
def bank_lists(request):
    user = request.user
    published = (
        visible(user, PublishedList)
        .select_related("zone", "run")
        .defer("run__model_source", "run__notes")
        .annotate(n=Count("entries", distinct=True))
        .order_by("-created", "-id")
    )
    page = paginate(request, published)
    return render(request, "credit/bank_lists.html", {"page": page})


@login_required
@require_GET
def bank_list(request, pk: int):
    user = request.user
    published = get_object_or_404(visible(user, PublishedList).select_related("zone", "run"), pk=pk)
    services.list_seen(request, published)
    context = _list_context(user, published, request.GET.get("page"))
    return render(request, "credit/list_detail.html", {**context, "bank_view": True})


urls = [
    path("ranking/", ranking, name="ranking"),
    path("ranking/export.xlsx", ranking_export, name="ranking_export"),
    path("runs/", runs, name="runs"),
    path("runs/<int:pk>/", run_detail, name="run"),
    path("runs/<int:pk>/status/", run_status, name="run_status"),
    path("runs/<int:pk>/export.xlsx", run_export, name="run_export"),
    path("runs/<int:pk>/rerun/", run_rerun, name="run_rerun"),
    path("runs/<int:pk>/model/", run_model, name="run_model"),
    path("runs/<int:pk>/sensitivity/", run_sensitivity, name="run_sensitivity"),
    path("compare/", compare, name="compare"),
    path("models/", models_page, name="models"),
    path("models/upload/", model_upload, name="model_upload"),
    path("models/shipped/<slug:model_id>/", shipped_model, name="shipped_model"),
    path("models/file/<int:pk>/", model_file, name="model_file"),
    path("lists/", lists, name="lists"),
    path("lists/<int:pk>/", list_detail, name="list"),
    path("lists/<int:pk>/export.<str:fmt>", list_export, name="list_export"),
    path("bank/", bank_lists, name="bank_lists"),
    path("bank/<int:pk>/", bank_list, name="bank_list"),
]
