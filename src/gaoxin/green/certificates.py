"""绿证 (green electricity certificates): serial numbers, counts and overlaps.

1 certificate = 1,000 kWh of renewable electricity, and the certificate is the sole proof of its
renewable attribute (发改能源〔2023〕1044号, domain notes §(d) D7). A firm reports the certificates it
holds for a period as batches: a count, the serial numbers (single serials or ranges such as
``GEC2025000001-GEC2025000100``) and where they come from:

- ``green_power``: transferred with electricity bought in a green-power trade (绿电交易, 证电合一): the
  proof of that electricity, never more electricity on top of it;
- ``self_pv``: issued for the firm's own generation: the proof of its self-generated power;
- ``standalone``: bought alone (单独购买): renewable consumption the firm adds to its grid power.

A serial may be counted once: the same serial in two batches (of one firm, or of two firms) is a
double count, found here by ``overlaps``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

KWH_PER_CERTIFICATE = Decimal(1000)
ORIGINS = {
    "green_power": ("随绿电交易划转", "with green power bought"),
    "self_pv": ("自发绿电核发", "issued for own generation"),
    "standalone": ("单独购买", "bought alone"),
}
_SPLIT = re.compile(r"[\s,，;；、]+")
_SERIAL = re.compile(r"^([A-Za-z]*[^\d\-]*?)(\d+)$")


class SerialError(ValueError):
    pass


@dataclass(frozen=True)
class SerialRange:
    prefix: str
    first: int
    last: int
    width: int

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    def __str__(self) -> str:
        a = f"{self.prefix}{self.first:0{self.width}d}"
        return a if self.first == self.last else f"{a}-{self.prefix}{self.last:0{self.width}d}"


def _one(token: str) -> tuple[str, int, int]:
    m = _SERIAL.match(token)
    if not m:
        raise SerialError(f"“{token}” is not a serial number (letters then digits, e.g. GEC2025000001)")
    return m[1].upper(), int(m[2]), len(m[2])


def parse_serials(text: str | None) -> list[SerialRange]:
    """The serial ranges written in ``text`` (empty: none)."""
    out = []
    for token in _SPLIT.split((text or "").strip()):
        if not token:
            continue
        a, sep, b = token.partition("-")
        if not sep:
            b = a
        prefix, first, width = _one(a)
        if b.isdigit():  # GEC2025000301-0310: the leading part is implied
            digits = f"{first:0{width}d}"
            last = int(digits[: max(width - len(b), 0)] + b)
        else:
            prefix2, last, _w = _one(b)
            if prefix2 != prefix:
                raise SerialError(f"“{token}”: both ends of a range need the same prefix")
        if last < first:
            raise SerialError(f"“{token}”: the range ends before it begins")
        out.append(SerialRange(prefix, first, last, width))
    return out


def serial_count(ranges: Iterable[SerialRange]) -> int:
    return sum(r.count for r in ranges)


@dataclass(frozen=True)
class Batch:
    """Certificates held for a period: ``count`` (the number the firm declares) and its serials."""

    count: int
    origin: str = "standalone"
    serials: tuple[SerialRange, ...] = ()
    key: object = None  # who holds it (firm, row), for the overlap report

    def __post_init__(self):
        if self.count < 0:
            raise SerialError("a certificate count cannot be negative")
        if self.origin not in ORIGINS:
            raise SerialError(f"unknown origin {self.origin!r}; one of {', '.join(ORIGINS)}")

    @property
    def kwh(self) -> Decimal:
        return self.count * KWH_PER_CERTIFICATE

    def count_problem(self) -> str | None:
        """Why the declared count does not match the serials (None when it does or none are given)."""
        if not self.serials:
            return None
        n = serial_count(self.serials)
        return None if n == self.count else f"count {self.count} but the serial numbers cover {n}"


@dataclass(frozen=True)
class Overlap(SerialRange):
    """A stretch of serials held twice: by ``a`` and by ``b`` (the batches' keys)."""

    a: object
    b: object


def overlaps(batches: Iterable[Batch]) -> list[Overlap]:
    """Every stretch of serials held twice, between two batches (and within one)."""
    spans = sorted(
        ((r.prefix, r.first, r.last, r.width, b.key) for b in batches for r in b.serials),
        key=lambda s: (s[0], s[1], s[2]),
    )
    out = []
    reach: dict[str, tuple[int, object]] = {}  # prefix → (furthest last so far, its holder)
    for prefix, first, last, width, key in spans:
        if prefix in reach and reach[prefix][0] >= first:
            far, holder = reach[prefix]
            out.append(Overlap(prefix, first, min(far, last), width, a=holder, b=key))
            if last > far:
                reach[prefix] = (last, key)
        else:
            reach[prefix] = (last, key)
    return out
