"""The authentication backend: Django's password check plus the platform's one sign-in rule
(``services.may_sign_in``), applied at sign-in and to every signed-in request."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from gaoxin.web.accounts.services import ANCHOR_STATE, SignInRefused, may_sign_in, sign_in_refusal


class SignInBackend(ModelBackend):
    """``ModelBackend`` where an account may sign in only if ``may_sign_in`` says so.

    - ``authenticate``: a wrong password (or a disabled account) is ``None`` as before; the right
      password of an account whose zone or bank is disabled raises ``SignInRefused`` with the reason,
      so the sign-in form can say why.
    - ``get_user`` (every request of a session): the user with its anchors' state in the same query;
      a user who may no longer sign in is signed out (an anonymous request).
    """

    def user_can_authenticate(self, user) -> bool:
        return may_sign_in(user)

    def authenticate(self, request, username=None, password=None, **kwargs):
        model = get_user_model()
        if username is None:
            username = kwargs.get(model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = model._default_manager.get_by_natural_key(username)
        except model.DoesNotExist:
            model().set_password(password)  # the same time as a wrong password (Django's own defence)
            return None
        if not user.check_password(password) or not user.is_active:
            return None
        reason = sign_in_refusal(user)
        if reason is not None:
            raise SignInRefused(reason)
        return user

    def get_user(self, user_id):
        model = get_user_model()
        user = model._default_manager.annotate(**ANCHOR_STATE).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
