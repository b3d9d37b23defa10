"""Corrections: an enterprise proposes a new value for one of its own fields; a zone administrator decides.

``submit_correction`` checks the proposal exactly as an import would check the cell — the dictionary's
type, unit, bounds and choices through ``gaoxin.io.validate.check_sheet``, and for a report value the
relations between fields (``check_relations``: R&D staff ≤ employees, net assets = assets − liabilities …)
— and stores it pending. ``decide_correction`` approves (the value changes, ``sources`` names
``correction:<id>``, a ``ChangeRecord`` keeps old → new with the correction) or rejects with a note. Both
authorize through the scoping helper and record an audit event; neither commits: the caller holds the
transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gaoxin.data.dictionary import BY_ID, Field
from gaoxin.io.headers import parse_header
from gaoxin.io.problems import Problem
from gaoxin.io.sources import RawSheet
from gaoxin.io.validate import Sheet, Sources, check_relations, check_sheet
from gaoxin.web.accounts.scoping import audit, can_write, may, visible
from gaoxin.web.registry.models import (
    ENTERPRISE_COLUMNS,
    REPORT_COLUMNS,
    AnnualReport,
    ChangeRecord,
    Correction,
    Enterprise,
)
from gaoxin.web.registry.services import shown, to_db

# The values an enterprise may ask to correct: its registry fields and its annual reports' fields.
ENTERPRISE_FIELD_IDS = tuple(f.id for f in ENTERPRISE_COLUMNS)
REPORT_FIELD_IDS = tuple(f.id for f in REPORT_COLUMNS)
CORRECTABLE = ENTERPRISE_FIELD_IDS + REPORT_FIELD_IDS
# The fields whose relations ``check_relations`` checks (NOT_GREATER_THAN, the sum rule, net assets).
_RELATED = (
    "employees",
    "tech_staff",
    "rd_staff",
    "revenue",
    "main_revenue",
    "hightech_revenue",
    "rd_expense",
    "rd_expense_domestic",
    "class1_ip_self_developed",
    "invention_patents",
    "other_class1_ip",
    "net_assets",
    "total_assets",
    "total_liabilities",
)


# Evidence a firm may attach to a correction: suffix → (content type, how the file begins).
EVIDENCE_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


class CorrectionError(ValueError):
    """A correction refused, with a message for the person who asked (in their language)."""


@dataclass(frozen=True)
class Parsed:
    field: Field
    value: object  # as the database stores it (Decimal for money)
    text: str  # as the history writes it


def _safe_name(name: str) -> str:
    """The evidence file's name as the firm wrote it (Chinese kept), without a path or unsafe character."""
    base = re.sub(r'[\x00-\x1f\\/:*?"<>|]', "_", Path(str(name).replace("\\", "/")).name).strip(" .")
    return base[-120:] or "evidence"


def field_label(f: Field) -> str:
    return f.en if (get_language() or "").startswith("en") and f.en else f.zh


def _reason(p: Problem) -> str:
    return p.reason_en if (get_language() or "").startswith("en") and p.reason_en else p.reason


def parse_value(fid: str, text: str, *, uscc: str, year: int | None = None) -> Parsed:
    """One proposed value, read and checked as an import reads and checks a cell of that column."""
    if fid not in CORRECTABLE:
        raise CorrectionError(_("This field cannot be corrected here."))
    f = BY_ID[fid]
    text = (text or "").strip()
    if not text:
        raise CorrectionError(_("Please enter the proposed value."))
    report = fid in REPORT_FIELD_IDS
    columns = [BY_ID["uscc"].zh, *([BY_ID["year"].zh] if report else []), f.zh]
    cells = [uscc, *([str(year)] if report else []), text]
    raw = RawSheet(
        name=None,
        headers=columns,
        header_row=1,
        frame=pl.DataFrame(
            {f"c{i}": [v] for i, v in enumerate(cells)}, schema={f"c{i}": pl.Utf8 for i in range(len(cells))}
        ),
    )
    sheet = Sheet(
        index=0,
        file=_("correction"),
        raw=raw,
        headers={parse_header(h, i).field.id: parse_header(h, i) for i, h in enumerate(columns)},
        tables=("report",) if report else ("enterprise",),
    )
    typed, problems = check_sheet(sheet)
    mine = [p for p in problems if p.column == f.zh]
    if mine:
        raise CorrectionError(f"{field_label(f)}“{text}”：{_reason(mine[0])}")
    if problems:  # the key (the enterprise's own code or year) is wrong: not the user's doing
        raise CorrectionError("; ".join(_reason(p) for p in problems))
    value = typed[fid][0]
    stored = to_db(fid, value)
    return Parsed(f, stored, shown(stored))


def _relation_problems(fid: str, value, report: AnnualReport, uscc: str) -> list[str]:
    """Relations between fields of the report that the proposed value would break (and did not before)."""
    if fid not in _RELATED:
        return []

    def frame(row: dict) -> pl.DataFrame:
        data = {"uscc": [uscc], "year": [report.year]}
        data |= {k: [None if v is None else float(v)] for k, v in row.items()}
        return pl.DataFrame(
            data, schema={"uscc": pl.Utf8, "year": pl.Int64, **dict.fromkeys(row, pl.Float64)}
        )

    before = {k: getattr(report, k) for k in _RELATED}
    after = before | {fid: value}
    sheet = Sheet(
        index=0, file=_("correction"), raw=RawSheet(None, [], 1, pl.DataFrame()), tables=("report",)
    )

    def problems(row: dict) -> set[str]:
        merged = frame(row)
        parts = merged.with_columns(
            pl.lit(0, pl.Int32).alias("__sheet"), pl.lit(2).alias("__row"), pl.lit(0).alias("__ord")
        )
        found = check_relations(Sources(parts, [sheet], ("uscc", "year")), merged)
        return {_reason(p) for ps in found.values() for p in ps}

    return sorted(problems(after) - problems(before))


def correctable_years(user, enterprise: Enterprise) -> list[int]:
    return list(
        visible(user, AnnualReport)
        .filter(enterprise=enterprise)
        .order_by("-year")
        .values_list("year", flat=True)
    )


def current_value(enterprise: Enterprise, fid: str, report: AnnualReport | None):
    return getattr(report if fid in REPORT_FIELD_IDS else enterprise, fid)


def _report(user, enterprise: Enterprise, fid: str, year, *, lock: bool = False) -> AnnualReport | None:
    if fid not in REPORT_FIELD_IDS:
        return None
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise CorrectionError(_("Please choose the year of the report to correct.")) from None
    qs = visible(user, AnnualReport).filter(enterprise=enterprise, year=year)
    report = (qs.select_for_update() if lock else qs).first()
    if report is None:
        raise CorrectionError(_("There is no annual report for %(year)s to correct.") % {"year": year})
    return report


def check_evidence(upload) -> None:
    """An evidence file (Django ``UploadedFile``) the platform keeps: pdf, jpg, png or xlsx by its name
    *and* by its first bytes (a renamed program is not a picture), at most ``EVIDENCE_MAX_BYTES``."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        raise CorrectionError(_("Attach the evidence as a PDF, JPG, PNG or XLSX file."))
    if upload.size > EVIDENCE_MAX_BYTES:
        raise CorrectionError(
            _("The evidence file is too large (at most %(mb)s MB).")
            % {"mb": EVIDENCE_MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in EVIDENCE_TYPES[suffix][1]):
        raise CorrectionError(_("The evidence file is not the kind of file its name says."))


def evidence_of(correction: Correction) -> tuple[bytes, str, str] | None:
    """A visible correction's evidence: (content, file name, content type), or None when it has none
    (or its file is gone). The caller found ``correction`` through ``scoping.visible``."""
    if not correction.evidence:
        return None
    name = Path(correction.evidence.name).name
    content_type = EVIDENCE_TYPES.get(Path(name).suffix.lower(), ("application/octet-stream", ()))[0]
    try:
        with correction.evidence.open("rb") as f:
            return f.read(), name, content_type
    except OSError:
        return None


def submit_correction(
    user, enterprise: Enterprise, fid: str, year, proposed: str, reason: str, evidence=None
) -> Correction:
    """An enterprise user proposes ``proposed`` for ``fid`` (of the ``year`` report for report fields),
    with an optional ``evidence`` file (``check_evidence``)."""
    if not may(user, "submit_corrections") or not can_write(user, Correction(enterprise=enterprise)):
        raise PermissionDenied
    if fid not in CORRECTABLE:
        raise CorrectionError(_("This field cannot be corrected here."))
    report = _report(user, enterprise, fid, year)
    parsed = parse_value(fid, proposed, uscc=enterprise.uscc, year=report.year if report else None)
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionError(_("Please give the reason for the correction."))
    current = current_value(enterprise, fid, report)
    if current == parsed.value or (current in (None, "") and parsed.value in (None, "")):
        raise CorrectionError(_("The proposed value is the value already recorded."))
    if report is not None:
        broken = _relation_problems(fid, parsed.value, report, enterprise.uscc)
        if broken:
            raise CorrectionError("; ".join(broken))
    pending = visible(user, Correction).filter(
        enterprise=enterprise,
        field=fid,
        year=report.year if report else None,
        status=Correction.Status.PENDING,
    )
    if pending.exists():
        raise CorrectionError(_("A correction of this value is already waiting for a decision."))
    if evidence is not None:
        check_evidence(evidence)
        evidence.name = _safe_name(evidence.name)
    correction = Correction.objects.create(
        enterprise=enterprise,
        year=report.year if report else None,
        field=fid,
        current=shown(current),
        proposed=parsed.text,
        reason=reason,
        submitted_by=user,
        evidence=evidence,
    )
    audit(
        user,
        "submit_correction",
        correction,
        field=fid,
        year=correction.year,
        proposed=parsed.text,
        **({"evidence": Path(correction.evidence.name).name} if correction.evidence else {}),
    )
    return correction


def decide_correction(user, correction: Correction, *, approve: bool, note: str = "") -> Correction:
    """Approve (apply the value, with history and provenance) or reject (with a note) a pending correction."""
    if not may(user, "decide_corrections") or not can_write(user, correction):
        raise PermissionDenied
    note = (note or "").strip()
    # Lock the row: two administrators deciding at once must not both apply it.
    correction = Correction.objects.select_for_update().select_related("enterprise").get(pk=correction.pk)
    if correction.status != Correction.Status.PENDING:
        raise CorrectionError(_("This correction has already been decided."))
    if not approve and not note:
        raise CorrectionError(_("Please write why the correction is rejected."))
    enterprise = correction.enterprise
    if approve:
        fid = correction.field
        if fid in REPORT_FIELD_IDS:
            report = _report(user, enterprise, fid, correction.year, lock=True)
            target = report
        else:
            report = None
            enterprise = visible(user, Enterprise).select_for_update().get(pk=enterprise.pk)
            target = enterprise
        parsed = parse_value(fid, correction.proposed, uscc=enterprise.uscc, year=correction.year)
        if report is not None:
            broken = _relation_problems(fid, parsed.value, report, enterprise.uscc)
            if broken:
                raise CorrectionError("; ".join(broken))
        old = getattr(target, fid)
        setattr(target, fid, parsed.value)
        target.sources = {**target.sources, fid: f"correction:{correction.pk}"}
        target.save(update_fields=[fid, "sources", "updated"])
        ChangeRecord.objects.create(
            enterprise=enterprise,
            year=correction.year,
            field=fid,
            old=shown(old),
            new=parsed.text,
            correction=correction,
            user=user,
        )
    correction.status = Correction.Status.APPROVED if approve else Correction.Status.REJECTED
    correction.decided_by = user
    correction.decided = timezone.now()
    correction.decision_note = note
    correction.save(update_fields=["status", "decided_by", "decided", "decision_note"])
    audit(user, "approve_correction" if approve else "reject_correction", correction, note=note)
    return correction
