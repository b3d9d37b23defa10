"""The API tokens page: a signed-in user creates and revokes their own tokens.

A new token's secret is shown once, in the response to the form that created it (never stored, never
put in a message or the session); the page is not cached.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gaoxin.web.accounts.models import ApiToken
from gaoxin.web.api.services import create_token, revoke_tokens

NAME_MAX = ApiToken._meta.get_field("name").max_length


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    secret = None
    error = None
    name = ""
    if request.method == "POST":
        name = request.POST.get("name", "").strip()
        if not name:
            error = _("Give the token a name, e.g. the system that will use it.")
        elif len(name) > NAME_MAX:
            error = _("The name is too long (at most %(n)d characters).") % {"n": NAME_MAX}
        else:
            with transaction.atomic():
                secret = create_token(request.user, name, by=request)
            name = ""
    own = ApiToken.objects.filter(user=request.user).order_by("revoked", "-created", "-id")
    return render(request, "api/tokens.html", {"tokens": own, "secret": secret, "error": error, "name": name})


@login_required
@require_POST
def revoke(request, token_id: int):
    with transaction.atomic():
        done = revoke_tokens(request.user, ids=[token_id], by=request)
    if done:
        messages.success(request, _("The token was revoked: requests that use it are now refused."))
    else:
        messages.error(request, _("No such active token of yours."))
    return redirect("api_pages:tokens")
