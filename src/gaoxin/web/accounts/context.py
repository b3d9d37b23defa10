"""Template context: the navigation a user's role gives them."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.web.accounts.scoping import may

# (url name, label, action that must be allowed or a role test): the action the page itself requires,
# so that no role is offered a page that answers it 403
NAV = [
    ("supervision:home", _("Supervision"), "supervise"),
    ("registry:dashboard", _("Dashboard"), "view_zone"),
    ("credit:ranking", _("Ranking"), "view_zone"),
    ("registry:enterprises", _("Enterprises"), "view_zone"),
    ("registry:imports", _("Imports"), "import"),
    ("credit:runs", _("Score runs"), "view_zone"),
    ("credit:lists", _("Published lists"), "view_zone"),
    ("credit:models", _("Models"), "view_zone"),
    ("registry:corrections", _("Corrections"), "view_zone"),
    ("command:home", _("Command centre"), "view_zone"),
    ("investment:home", _("Investment and chains"), "view_zone"),
    ("cultivation:home", _("Cultivation"), "view_zone"),
    ("finance:overview", _("Finance"), "finance_overview"),
    ("policy:home", _("Policies and awards"), "view_zone"),
    ("carriers:home", _("Innovation carriers"), "carriers_view"),
    ("green:home", _("Green and low-carbon"), "green_view"),
    ("benchmark:home", _("Zone benchmarking"), "view_zone"),
    ("accounts:audit", _("Audit log"), "read_audit"),
    ("supervision:zone_rule", _("Supervisors' access"), "set_zone_rule"),
    ("accounts:users", _("Accounts"), "manage_users"),
    ("accounts:zones", _("Zones"), "manage_platform"),
    ("accounts:banks", _("Banks"), "manage_platform"),
    ("accounts:regions", _("Regions"), "manage_platform"),
    ("registry:departments", _("Departments"), "manage_platform"),
    ("registry:my_enterprise", _("My enterprise"), "submit_corrections"),
    ("credit:bank_lists", _("White-lists"), "bank"),
    ("supervision:bank_lists", _("Regional white-lists"), "bank"),
    ("finance:workspace", _("Bank workspace"), "bank"),
    ("consent:bank_profiles", _("Authorised profiles"), "bank"),
    ("finance:my_financing", _("Financing"), "submit_corrections"),
    ("consent:mine", _("Data authorisation"), "submit_corrections"),
    ("policy:mine", _("Policies and awards"), "submit_corrections"),
    ("green:mine", _("Green and low-carbon"), "submit_corrections"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav": []}
    items = []
    for name, label, action in NAV:
        allowed = getattr(user, "role", None) == "bank" if action == "bank" else may(user, action)
        if not allowed:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # a page not built yet is simply not offered
        items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return {"nav": items}
