"""What the audit log's action codes mean, in the reader's language (the codes stay in the database
and in the filter, so that a search by code keeps working; an unknown code is shown as it is)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from gaoxin.web.platform.labels import qualification

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
    "policy_trigger": _("Re-matched a policy after new data (a trigger)"),
    "policy_facts": _("Imported department data for a policy"),
    "login": _("Signed in"),
    "login_failed": _("Sign-in failed"),
    "login_locked": _("Sign-in refused: account locked"),
    "login_refused": _("Sign-in refused: zone or bank disabled"),
    "logout": _("Signed out"),
    "audit_export": _("Exported the audit log"),
    "user_create": _("Created an account"),
    "user_edit": _("Changed an account's role or what it belongs to"),
    "user_disable": _("Disabled an account"),
    "user_enable": _("Enabled an account"),
    "password_reset": _("Set a temporary password"),
    "password_change": _("Changed their own password"),
    "account_unlock": _("Unlocked an account"),
    "zone_create": _("Created a zone"),
    "zone_edit": _("Changed a zone"),
    "bank_create": _("Created a bank"),
    "bank_edit": _("Changed a bank"),
    "zone_disable": _("Disabled a zone"),
    "zone_enable": _("Enabled a zone"),
    "bank_disable": _("Disabled a bank"),
    "bank_enable": _("Enabled a bank"),
    "region_create": _("Created a region"),
    "region_edit": _("Changed a region"),
    "department_create": _("Created a department"),
    "department_edit": _("Changed a department"),
    "department_disable": _("Disabled a department"),
    "department_enable": _("Enabled a department"),
    "regional_publish": _("Published a regional white-list"),
    "view_regional_list": _("Viewed a regional white-list"),
    "zone_rule_supervisors": _("Changed whether supervisors see the zone's firm details"),
    "audit_archive": _("Archived audit entries past the retention period"),
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
    "finance_approve": _("Approved a loan application"),
    "finance_reject": _("Rejected a loan application"),
    "finance_disburse": _("Disbursed a loan"),
    "finance_repay": _("Recorded a repayment"),
    "finance_default": _("Recorded a loan default"),
    "finance_product_created": _("Created a financial product"),
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
    "benchmark_view": _("Viewed the zone benchmarking"),
    "benchmark_compute": _("Computed zone facts from the registry"),
    "benchmark_import": _("Imported zone facts"),
    "benchmark_export": _("Exported zone facts"),
    "benchmark_peers": _("Imported a peer table"),
    "carriers_settings": _("Changed the innovation carriers settings"),
    "carriers_incubator_saved": _("Saved an incubator"),
    "carriers_firm_added": _("Added an incubated firm"),
    "carriers_firm_exit": _("Recorded an incubated firm's exit"),
    "carriers_graduations": _("Detected graduations from the register"),
    "carriers_self_evaluation": _("Saved an incubator self-evaluation"),
    "carriers_admission_scored": _("Scored an applicant to the incubation chain"),
    "carriers_admission_decided": _("Decided an admission to the incubation chain"),
    "carriers_reserve_added": _("Added a firm to the listing reserve"),
    "carriers_reserve_saved": _("Edited a listing reserve entry"),
    "carriers_reserve_stage": _("Recorded a listing stage"),
    "carriers_reward_paid": _("Recorded a listing stage reward as paid"),
    "carriers_needs_from_chains": _("Proposed challenge needs from the chains' gaps"),
    "carriers_need_submitted": _("Submitted a technical need"),
    "carriers_challenge_created": _("Created a challenge (揭榜挂帅)"),
    "carriers_challenge_published": _("Published a challenge"),
    "carriers_applied": _("Applied to a challenge"),
    "carriers_expert_added": _("Added a challenge expert"),
    "carriers_review_assigned": _("Assigned an application to an expert"),
    "carriers_review_started": _("Started a challenge review"),
    "carriers_conflict_declared": _("Declared a conflict of interest"),
    "carriers_review_submitted": _("Submitted a challenge review"),
    "carriers_selected": _("Selected a challenge team"),
    "carriers_contract_signed": _("Signed a challenge contract"),
    "carriers_payment": _("Recorded a challenge payment"),
    "carriers_milestone": _("Decided a challenge milestone"),
    "carriers_contract_terminated": _("Terminated a challenge contract"),
    "carriers_race_settled": _("Settled a horse race"),
    "carriers_import": _("Imported a carriers table"),
    "carriers_rewards_to_policy": _("Handed listing stage rewards to the policy engine"),
    "carriers_official_grade": _("Recorded an incubator's official evaluation grade"),
}

OBJECTS = {
    "user": _("account"),
    "zone": _("zone"),
    "bank": _("bank"),
    "region": _("region"),
    "department": _("department"),
    "regionallist": _("regional white-list"),
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
    "incubator": _("incubator"),
    "reservefirm": _("listing reserve firm"),
    "challenge": _("challenge"),
    "challengeapplication": _("challenge application"),
    "need": _("technical need"),
    "carriersettings": _("carrier settings"),
    "tableimport": _("carriers import"),
    "peertable": _("peer table"),
}


# The detail's keys as the log shows them; an unknown key is shown with its underscores as spaces.
DETAILS = {
    "what": _("what"),
    "year": _("year"),
    "number": _("number"),
    "amount": _("amount"),
    "version": _("version"),
    "status": _("status"),
    "code": _("code"),
    "total": _("total"),
    "stage": _("stage"),
    "rows": _("rows"),
    "model": _("model"),
    "file": _("file"),
    "bank": _("bank"),
    "username": _("user name"),
    "kind": _("kind"),
    "enterprise": _("enterprise"),
    "reason": _("reason"),
    "note": _("note"),
    "filters": _("filters"),
    "before": _("before"),
    "entries": _("entries"),
    "archive": _("archive"),
    "sha256": _("SHA-256"),
    "name": _("name"),
    "name_en": _("English name"),
    "fields": _("fields"),
    "order": _("order"),
    "active": _("active"),
    "sessions_ended": _("sessions ended"),
    "tokens_revoked": _("tokens revoked"),
    "format": _("format"),
    "tier": _("ladder tier"),
    "title": _("title"),
    "until": _("valid until"),
    "product": _("product"),
    "term": _("term (months)"),
    "after": _("after"),
    "rate": _("annual rate (%)"),
    "on": _("date"),
    "first_loan": _("first loan"),
    "firm": _("firm"),
    "grade": _("grade"),
    "score": _("score"),
    "applicant": _("applicant"),
    "policy": _("policy"),
    "start": _("from"),
    "end": _("to"),
    "region": _("region"),
    "zones": _("zones"),
    "lists": _("lists"),
    "banks": _("banks"),
    "month": _("month"),
    "expert": _("expert"),
    "challenge": _("challenge"),
    "funding": _("funding"),
    "peers": _("peer zones"),
}

# What an export or a view was of (the detail's ``what``): the codes the apps write, in words.
WHAT = {
    "run": _("score run results"),
    "ranking": _("ranking"),
    "enterprises": _("enterprise list"),
    "ladder_candidates": _("ladder candidates"),
    "finance_eligible": _("firms eligible for a product"),
    "supervision overview": _("supervision overview"),
    "regional list": _("regional white-list"),
    "policy_run": _("policy matching results"),
    "policy_batch": _("payment batch"),
    "policy_ledger": _("award ledger"),
    "green": _("green figures"),
    "green:figures": _("green figures"),
    "green:benchmarks": _("green benchmarks"),
    "green:list": _("green list"),
    "command:targets": _("command centre targets"),
    "command:actuals": _("command centre actuals"),
    "command:talents": _("talents"),
    "command:platforms": _("innovation platforms"),
    "command:tasks": _("action tasks"),
    "carriers_incubators": _("incubators"),
    "carriers_graduates": _("graduated firms"),
    "carriers_reserve": _("listing reserve firms"),
    "carriers_rewards": _("listing stage rewards"),
    "carriers_payments": _("challenge payments"),
    "investment_projects": _("investment projects"),
    "investment_nodes": _("chain nodes"),
    "investment_firms": _("firms at chain nodes"),
}

# Status codes a detail's before / after / status carries (loan applications, corrections …).
STATUSES = {
    "pending": _("pending"),
    "approved": _("approved"),
    "rejected": _("rejected"),
    "disbursed": _("disbursed"),
    "repaid": _("repaid"),
    "defaulted": _("defaulted"),
}
_STATUS_KEYS = {"before", "after", "status"}


_DECIMAL = re.compile(r"-?\d+\.\d+")


def detail_fields(detail: dict) -> list[tuple[str, str]]:
    """An entry's detail as (label, text) pairs: lists joined, nested mappings as ``k=v``."""

    def text(value, key: str = "") -> str:
        if isinstance(value, bool):
            return str(_("Yes") if value else _("No"))
        if key == "what" and isinstance(value, str):
            return str(WHAT.get(value, value))
        if key == "tier" and isinstance(value, str):
            return qualification(value)
        if key in _STATUS_KEYS and isinstance(value, str) and value in STATUSES:
            return str(STATUSES[value])
        if isinstance(value, (int, float)) and not isinstance(value, bool) and "year" not in key:
            return f"{value:,}"  # counts and amounts; a year stays as it is written
        if isinstance(value, str) and _DECIMAL.fullmatch(value):  # amounts are stored as "58.455000"
            whole, _dot, frac = value.partition(".")
            frac = frac.rstrip("0")
            return f"{int(whole):,}" + (f".{frac}" if frac else "") if whole.lstrip("-") else value
        if isinstance(value, dict):  # filters: only those that were set
            return "; ".join(f"{k}={text(v, k)}" for k, v in value.items() if v not in ("", None, [], {}))
        if isinstance(value, (list, tuple)):
            return ", ".join(text(v) for v in value)
        return "" if value is None else str(value)

    detail = dict(detail or {})
    pairs = []
    if detail.get("before") in STATUSES and detail.get("after") in STATUSES:  # a status change: one line
        before, after = detail.pop("before"), detail.pop("after")
        pairs.append((str(DETAILS["status"]), f"{text(before, 'status')} → {text(after, 'status')}"))
    pairs += [(str(DETAILS.get(k, k.replace("_", " "))), text(v, k)) for k, v in detail.items()]
    return [(k, v) for k, v in pairs if v != ""]  # a detail that was not set says nothing


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def object_label(kind: str) -> str:
    return str(OBJECTS.get(kind, kind))
