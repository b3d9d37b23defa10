"""Zones and accounts from the command line, for the first administrator and for scripted set-ups.

    manage.py gaoxin_user zone <code> <name>                       # create or rename a zone
    manage.py gaoxin_user bank <code> <name>                       # create or rename a bank
    manage.py gaoxin_user create <username> --role platform_admin  [--name 显示名]   # system administrator
    manage.py gaoxin_user create <username> --role security_admin                   # accounts, lockouts
    manage.py gaoxin_user create <username> --role audit_admin                      # the audit log
    manage.py gaoxin_user create <username> --role zone_admin --zone Z001
    manage.py gaoxin_user create <username> --role clerk --zone Z001
    manage.py gaoxin_user create <username> --role enterprise --uscc 91110108MA01ABCD1E
    manage.py gaoxin_user create <username> --role bank --bank demo-bank
    manage.py gaoxin_user password <username>
    manage.py gaoxin_user deactivate <username>

The password is asked for twice on a terminal and never typed on the command line; a script passes it
in the environment variable ``GAOXIN_PASSWORD`` instead. It is checked against the site's password
rules. Each role must name exactly what it belongs to (a zone administrator a zone, a bank user a
bank, …); the database refuses anything else as well.
"""

from __future__ import annotations

import getpass
import os
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gaoxin.web.accounts.models import Bank, Role, User
from gaoxin.web.registry.models import Enterprise, Zone

ANCHOR = {  # role → the option that names what the user belongs to
    Role.PLATFORM_ADMIN: None,
    Role.SECURITY_ADMIN: None,
    Role.AUDIT_ADMIN: None,
    Role.ZONE_ADMIN: "zone",
    Role.CLERK: "zone",
    Role.ENTERPRISE: "uscc",
    Role.BANK: "bank",
}


class Command(BaseCommand):
    help = "Create zones, banks and users (with their role and anchor); set passwords; deactivate users."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for kind in ("zone", "bank"):
            p = sub.add_parser(kind, help=f"create or rename a {kind}")
            p.add_argument("code")
            p.add_argument("name")
        create = sub.add_parser("create", help="create a user with one role")
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=[r.value for r in Role])
        create.add_argument("--name", default="", help="display name")
        create.add_argument("--zone", help="zone code (zone_admin, clerk)")
        create.add_argument("--uscc", help="the enterprise's credit code (enterprise)")
        create.add_argument("--bank", help="bank code (bank)")
        pw = sub.add_parser("password", help="set a user's password")
        pw.add_argument("username")
        off = sub.add_parser("deactivate", help="stop a user from signing in (their records stay)")
        off.add_argument("username")

    def handle(self, *args, **o):
        action = o["action"]
        if action in ("zone", "bank"):
            model = Zone if action == "zone" else Bank
            with transaction.atomic():
                obj, created = model.objects.update_or_create(code=o["code"], defaults={"name": o["name"]})
            self.stdout.write(f"{'created' if created else 'updated'} {action} {obj.code} {obj.name}")
            return
        if action == "create":
            self._create(o)
            return
        user = self._user(o["username"])
        if action == "password":
            user.set_password(self._password(user))
            user.save(update_fields=["password"])
            self.stdout.write(f"password set for {user.username}")
        else:
            user.is_active = False
            user.save(update_fields=["is_active"])
            self.stdout.write(f"{user.username} can no longer sign in")

    def _create(self, o) -> None:
        role = Role(o["role"])
        if User.objects.filter(username=o["username"]).exists():
            raise CommandError(f"a user named {o['username']!r} exists already")
        needed = ANCHOR[role]
        given = [k for k in ("zone", "uscc", "bank") if o.get(k)]
        if given != ([needed] if needed else []):
            want = f"--{needed}" if needed else "no --zone/--uscc/--bank"
            raise CommandError(f"role {role.value} needs {want} (given: {', '.join(given) or 'none'})")
        anchor = {}
        if needed == "zone":
            anchor["zone"] = self._get(Zone, code=o["zone"], what="zone")
        elif needed == "uscc":
            anchor["enterprise"] = self._get(Enterprise, uscc=o["uscc"], what="enterprise")
        elif needed == "bank":
            anchor["bank"] = self._get(Bank, code=o["bank"], what="bank")
        user = User(username=o["username"], role=role, display_name=o["name"], **anchor)
        password = self._password(user)
        with transaction.atomic():
            user.set_password(password)
            user.save()
        self.stdout.write(f"created {user.username} ({role.value})")

    def _get(self, model, what: str, **lookup):
        try:
            return model.objects.get(**lookup)
        except model.DoesNotExist:
            value = next(iter(lookup.values()))
            raise CommandError(f"no {what} {value!r}") from None

    def _user(self, username: str) -> User:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None

    def _password(self, user: User) -> str:
        password = os.environ.get("GAOXIN_PASSWORD")
        if password is None:
            if not sys.stdin.isatty():
                raise CommandError("no terminal to ask for the password: set GAOXIN_PASSWORD")
            password = getpass.getpass(f"Password for {user.username}: ")
            if getpass.getpass("Again: ") != password:
                raise CommandError("the two passwords differ")
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        return password
