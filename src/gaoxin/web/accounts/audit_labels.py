"""What the audit log's action codes mean, in the reader's language (the codes stay in the database
and in the filter, so that a search by code keeps working; an unknown code is shown as it is)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "policy_draft": _("Saved a policy draft"),
    "policy_publish": _("Published a policy"),
    "policy_match": _("Matched a policy against the zone's firms"),
    "policy_publicity": _("Opened the publicity of an award list"),
    "policy_publicity_close": _("Closed the publicity of an award list"),
    "policy_confirm": _("Confirmed an award"),
    "policy_waive": _("Waived an award"),
    "policy_object": _("Objected to an award result"),
    "policy_objection_decide": _("Decided an objection to an award"),
    "policy_batch": _("Prepared a payment batch"),
    "policy_paid": _("Marked a payment batch as paid"),
    "policy_clawback": _("Clawed back an award"),
    "login": _("Signed in"),
    "login_failed": _("Sign-in failed"),
    "login_locked": _("Sign-in refused: account locked"),
    "logout": _("Signed out"),
    "token_created": _("API token created"),
    "token_revoked": _("API token revoked"),
    "view": _("Viewed"),
    "view_enterprise": _("Viewed an enterprise"),
    "view_enterprise_finance": _("Viewed an enterprise's financing"),
    "view_report": _("Viewed a report"),
    "export": _("Exported"),
    "import_upload": _("Uploaded an import file"),
    "import_apply": _("Applied an import"),
    "import_table": _("Imported a table"),
    "investment_import": _("Imported investment data"),
    "run_scores": _("Started a score run"),
    "upload_model": _("Uploaded a model"),
    "publish": _("Published a list"),
    "submit_correction": _("Submitted a correction"),
    "approve_correction": _("Approved a correction"),
    "reject_correction": _("Rejected a correction"),
    "run_ladder": _("Started a ladder assessment"),
    "ladder_settings": _("Changed the ladder settings"),
    "consent_grant": _("Granted a data authorisation"),
    "consent_revoke": _("Revoked a data authorisation"),
    "finance_apply": _("Applied for a loan"),
    "finance_product_saved": _("Saved a financial product"),
    "investment_settings": _("Changed the investment settings"),
    "chain_node_firms": _("Changed a chain node's firms"),
    "enter_actual": _("Entered a target's actual"),
    "edit_target": _("Edited a target"),
    "update_task": _("Updated a task"),
    "green_import": _("Imported energy data"),
    "green_set_upload": _("Uploaded a coefficient set"),
    "green_set_change": _("Changed the coefficient sets (recomputed)"),
    "green_benchmarks": _("Imported the energy benchmark table"),
    "green_publish": _("Published a green list"),
}

OBJECTS = {
    "policy": _("policy"),
    "matchrun": _("policy matching run"),
    "award": _("policy award"),
    "paymentbatch": _("payment batch"),
    "enterprise": _("enterprise"),
    "scorerun": _("score run"),
    "publishedlist": _("published list"),
    "importbatch": _("import"),
    "correction": _("correction"),
    "application": _("loan application"),
    "product": _("financial product"),
    "consent": _("data authorisation"),
    "project": _("investment project"),
    "target": _("target"),
    "task": _("task"),
    "ladderrun": _("ladder assessment"),
    "recompute": _("recomputation of green figures"),
    "greenlist": _("green list"),
    "coefficientfile": _("coefficient set"),
}


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def object_label(kind: str) -> str:
    return str(OBJECTS.get(kind, kind))
