"""A button on an object's page: one POST that acts on that object, declared instead of written out.

Most writes of a flow are the same view: find the object in the user's scope (404 outside it), check
the user may write it (403), read the button's small form, call one service under ``attempt`` (one
transaction; a named refusal becomes the error message), say what happened and go back to the page the
button is on. The policy app alone wrote that view eleven times. ``post_view(Act(...))`` is it once;
an app declares what differs::

    policy_publish = post_view(Act(
        Policy,
        lambda request, p, _data: services.publish_policy(p, request.user, request),
        done=gettext_lazy("Published."),
        back="policy:policy",
        check=_write,
        refusals=(services.PolicyFlowError,),
    ))

- ``do(request, obj, data)``: the service call; ``data`` is the ``form``'s cleaned data (``{}``
  without a form). A form that does not validate refuses with its errors, or with ``invalid``.
- ``done``: the success message, or a function of what ``do`` returned (``lambda n: …``).
- ``back``: the URL name of the object's page (reversed with ``obj.pk``), or a function of ``obj``
  giving the URL; ``then``: a function of what ``do`` returned giving where to go after success
  instead (the batch just made, the run just matched).
- ``check(request, obj)``: raises ``PermissionDenied`` unless the user may do this to ``obj``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from gaoxin.web.accounts.scoping import visible
from gaoxin.web.platform.actions import Refused, attempt, valid


@dataclass(frozen=True)
class Act:
    """What one object's POST does (see the module's text)."""

    model: type
    do: Callable[[Any, Any, dict], Any]
    back: str | Callable[[Any], str]
    check: Callable[[Any, Any], None]
    done: Any = ""  # a (lazy) message, or a function of ``do``'s result giving one
    form: type | None = None
    invalid: Any = ""  # the refusal of a form that does not validate, instead of its errors
    refusals: tuple[type[Exception], ...] = ()
    related: tuple[str, ...] = ()
    then: Callable[[Any], str] | None = None


def _url(back: str | Callable[[Any], str], obj) -> str:
    return back(obj) if callable(back) else reverse(back, args=[obj.pk])


def post_view(act: Act):
    """The view (``pk`` in the URL) that does ``act``."""

    @login_required
    @require_POST
    def view(request, pk: int):
        obj = get_object_or_404(visible(request.user, act.model).select_related(*act.related), pk=pk)
        act.check(request, obj)
        with attempt(request, *act.refusals):
            data = {}
            if act.form is not None:
                form = act.form(request.POST)
                if act.invalid and not form.is_valid():
                    raise Refused(str(act.invalid))
                data = valid(form)
            result = act.do(request, obj, data)
            said = act.done(result) if callable(act.done) else act.done
            if said:
                messages.success(request, said)
            if act.then is not None:
                return redirect(act.then(result))
        return redirect(_url(act.back, obj))

    return view
