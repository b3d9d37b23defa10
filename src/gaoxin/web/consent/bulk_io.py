"""The consent app's tables out of the platform: a consented profile as a CSV file for the bank's
credit file. Consents are granted one by one by the firm itself (never imported in bulk), so there is
no import here.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from gaoxin.io import safe


def profile_csv(profile) -> bytes:
    """A consented profile as a CSV file for the bank's credit file: registry data, then the annual
    reports (one column per year), then qualifications. UTF-8 with BOM, for Excel."""
    out = io.StringIO()
    w = safe.writer(out)  # formula-like text neutralised (gaoxin.io.safe)
    w.writerow([_("Registry data"), "", *([""] * len(profile.years))])
    for f in profile.facts:
        w.writerow([f["label"], "", f["value"]])
    w.writerow([])
    w.writerow([_("Annual reports"), _("Unit"), *profile.years])
    for row in profile.report_rows:
        w.writerow([row["label"], row["unit"], *(c["value"] for c in row["cells"])])
    w.writerow([])
    w.writerow([_("Qualifications"), _("Valid from"), _("Valid to"), _("Certificate number")])
    for q in profile.qualifications:
        w.writerow([q["kind"], q["valid_from"], q["valid_to"], q["certificate_no"]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
