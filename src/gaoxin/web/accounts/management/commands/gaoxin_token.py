"""API tokens from the command line: create one for a user (its secret is printed once), list, revoke.

    manage.py gaoxin_token create <username> [--name NAME]
    manage.py gaoxin_token list <username>
    manage.py gaoxin_token revoke <username> (--prefix gx_abcde | --id N | --all)

A token reads exactly what its user may read (same scoping as the pages); a bank's machine client gets
a token of a bank user. Only the token's hash is stored: a lost secret cannot be shown again; revoke
it and create another.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gaoxin.web.accounts.models import ApiToken, User
from gaoxin.web.accounts.services import may_sign_in
from gaoxin.web.api.services import create_token, revoke_tokens


class Command(BaseCommand):
    help = "Create (print once), list or revoke a user's API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print its secret once")
        create.add_argument("username")
        create.add_argument("--name", default="cli", help="what the token is for (default: cli)")
        listing = sub.add_parser("list", help="list a user's tokens (never their secrets)")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="revoke tokens: requests that use them get 401")
        revoke.add_argument("username")
        which = revoke.add_mutually_exclusive_group(required=True)
        which.add_argument("--prefix", help="the token's first characters, e.g. gx_AbCdE")
        which.add_argument("--id", type=int, help="the token's id (see list)")
        which.add_argument("--all", action="store_true", help="every active token of the user")

    def handle(self, *args, **options):
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"no user named {options['username']!r}") from None
        action = options["action"]
        if action == "create":
            if not may_sign_in(user):  # the one sign-in rule: inactive, or its zone or bank disabled
                raise CommandError(
                    f"user {user.username!r} may not sign in (inactive, or its zone or bank is disabled): "
                    "a token of theirs would not work"
                )
            name = options["name"].strip()[:100] or "cli"
            with transaction.atomic():
                secret = create_token(user, name)
            self.stderr.write(
                f"Token {name!r} for {user.username} ({user.role}). Shown once; keep it secret:"
            )
            self.stdout.write(secret)
        elif action == "list":
            for t in ApiToken.objects.filter(user=user).order_by("-created", "-id"):
                state = "revoked" if t.revoked else "active"
                used = t.last_used.isoformat(timespec="seconds") if t.last_used else "never used"
                self.stdout.write(f"{t.pk}\t{t.prefix}…\t{t.name}\t{state}\t{used}")
        else:
            ids = [options["id"]] if options["id"] is not None else None
            prefix = options["prefix"]
            if prefix is not None and len(prefix) < 4:
                raise CommandError("give at least the first 4 characters of the token (e.g. gx_AbCdE)")
            with transaction.atomic():
                n = revoke_tokens(user, ids=ids, prefix=prefix)
            if n == 0:
                raise CommandError("no matching active token")
            self.stdout.write(f"revoked {n} token(s) of {user.username}")
