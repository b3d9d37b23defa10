"""A password rule Django does not ship: characters of several kinds (issue 18, item 10).

MLPS 2.0 (GB/T 22239-2019, level 3) asks for passwords of some complexity; length alone (10 characters,
``MinimumLengthValidator``) lets ``aaaaaaaaaa`` and ``zhangsan2024``-like words through.
``CharacterClassesValidator`` asks for at least ``min_classes`` of four kinds: lower-case letters,
upper-case letters, digits, and anything else (punctuation, spaces, Chinese characters). Every form
that sets a password (sign-up by the security administrator, the self-service change, ``gaoxin_user``)
goes through ``validate_password``, so all of them apply it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def classes(password: str) -> int:
    kinds = [False] * 4
    for ch in password:
        if ch.isascii() and ch.islower():
            kinds[0] = True
        elif ch.isascii() and ch.isupper():
            kinds[1] = True
        elif ch.isdigit():
            kinds[2] = True
        else:
            kinds[3] = True
    return sum(kinds)


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "A password needs characters of at least %(n)s kinds: lower-case letters, upper-case "
            "letters, digits, other characters (punctuation, spaces, Chinese)."
        ) % {"n": self.min_classes}
