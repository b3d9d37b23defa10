"""The caller: who they are (role and anchor), and their own API tokens (list, revoke).

Tokens are created only on the token page or with ``manage.py gaoxin_token`` — where a person sees the
secret once — never through the API.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status

from gaoxin.web.accounts.models import ApiToken
from gaoxin.web.api.common import ERRORS
from gaoxin.web.api.schemas import MeOut, TokenOut
from gaoxin.web.api.services import revoke_tokens

router = Router(tags=["me"])


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The caller: role and scope")
def me(request):
    user = request.user
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "zone": user.zone,
        "enterprise": user.enterprise,
        "bank": user.bank,
        "via": request.api_via,
    }


@router.get("/me/tokens", response={200: list[TokenOut], **ERRORS}, summary="The caller's API tokens")
def tokens(request):
    return list(ApiToken.objects.filter(user=request.user).order_by("-created", "-id"))


@router.delete(
    "/me/tokens/{token_id}", response={204: None, **ERRORS}, summary="Revoke one of the caller's tokens"
)
def revoke(request, token_id: int):
    if not ApiToken.objects.filter(user=request.user, pk=token_id).exists():
        raise Http404(_("Token not found."))
    revoke_tokens(request.user, ids=[token_id], by=request)
    return Status(204, None)
