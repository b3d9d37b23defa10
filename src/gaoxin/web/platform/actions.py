"""A write from a page: run the service call, turn its refusal into a message, then redirect.

Every POST view that changes something does the same three things: it calls a service inside one
transaction, shows the success in words, and — when the service refuses (a rule of the domain says
no: a publicity already open, a batch already paid) — rolls the transaction back and shows the
refusal as an error message instead of a 500, then redirects back to the page the user came from.
The apps used to write that ``try: with transaction.atomic(): … except XError as exc:
messages.error(request, str(exc))`` block by hand in every such view (ten times in the policy app
alone); ``attempt`` is that block once, so that a refusal is handled the same way everywhere and a
view says only what it does::

    with attempt(request, services.PolicyFlowError):
        services.publish_policy(p, request.user, request)
        messages.success(request, _("Published."))
    return redirect("policy:policy", p.pk)

A form whose input does not validate is a refusal too: ``valid(form)`` inside the block returns its
cleaned data, or refuses with the form's errors in one line (nothing is called, nothing changes);
``uploaded(request)`` is the chosen file, or the refusal that none was.
Anything that is not a named refusal (``PermissionDenied``, ``Http404``, a bug) goes on up as before.
``attempt(request, XError, message=_("Task not updated: %(reason)s"))`` words the error around the
refusal's text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.utils.translation import gettext as _


class Refused(Exception):
    """Input the page refuses before any service is called (a form that does not validate)."""


@dataclass
class Attempt:
    """How a block under ``attempt`` ended: ``refused`` with the ``reason`` shown, or not."""

    refused: bool = False
    reason: str = ""


def form_errors(form, sep: str = " ") -> str:
    """A bound form's errors as one message line, field by field, in the order the form lists them."""
    return sep.join(str(e) for errs in form.errors.values() for e in errs)


def uploaded(request, name: str = "file"):
    """The file uploaded as ``name``; refuse ("Choose a file to import.") when none was chosen."""
    upload = request.FILES.get(name)
    if upload is None:
        raise Refused(_("Choose a file to import."))
    return upload


def valid(form, sep: str = " ") -> dict[str, Any]:
    """The form's cleaned data; if it does not validate, refuse with its errors (``form_errors``)."""
    if not form.is_valid():
        raise Refused(form_errors(form, sep))
    return form.cleaned_data


@contextmanager
def attempt(request, *refusals: type[Exception], message: str = "") -> Iterator[Attempt]:
    """Run the block in one transaction; a ``Refused`` or one of ``refusals`` rolls it back and
    becomes an error message (``str(exc)``, or ``message`` with it as ``%(reason)s``) on the next page
    instead of propagating.

    The yielded ``Attempt`` tells the view afterwards whether it was refused (to redirect elsewhere)."""
    outcome = Attempt()
    try:
        with transaction.atomic():
            yield outcome
    except (Refused, *refusals) as exc:
        outcome.refused, outcome.reason = True, str(exc)
        messages.error(request, message % {"reason": outcome.reason} if message else outcome.reason)
