"""Walk the demo platform in a real browser as every role: a tool for looking, not a test.

For each demo account it signs in, follows every same-site link reachable from the navigation (breadth
first, a few variants per URL pattern), takes a full-page screenshot of every page into
``OUT/<role>/`` and flags what a user would stumble on: 4xx/5xx answers, browser console errors,
charts that drew nothing, English words or raw codes (``snake_case``, ``None``, ``{'…'}``) on a
Chinese page, long numbers without thousands separators. The findings go to ``OUT/report.json`` and
a summary to stdout; the screenshots are for a person to look at (a long page is also cut into
readable 900 px pieces, ``NNN-page.tK.png``). About 2–4 minutes per role at ``--max-pages 80``.

How to run it (the demo database once, a server you can stop, then the walk)::

    uv run gaoxin demo --no-serve --data-dir /tmp/walkdemo --enterprises 400
    GAOXIN_DATA_DIR=/tmp/walkdemo DATABASE_URL=sqlite:////tmp/walkdemo/gaoxin.sqlite3 \\
        GAOXIN_TASKS=immediate GAOXIN_STATIC=manifest \\
        uv run python manage.py runserver 127.0.0.1:18731 --noreload &
    uv run python -m bench.walk --base http://127.0.0.1:18731 --out /tmp/walk [--roles bank,firm]

It drives the system's Chromium (``--chromium``, default /usr/bin/chromium); it never downloads a
browser. ``--workflows`` also runs the main workflows that change data (import preview, a score run,
publishing a list, approving and disbursing the pending loan): run it on a throw-away demo only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlparse

PASSWORD = "gaoxin-demo-2025"
ROLES = (
    "admin",
    "security",
    "auditor",
    "zone_admin",
    "clerk",
    "firm",
    "bank",
    "province",
    "nation",
)
# Never followed: they sign out, switch language, or download instead of showing a page.
SKIP = re.compile(r"/accounts/logout|/i18n/|/static/|/admin/")
DOWNLOAD = re.compile(r"(export|download|\.xlsx|\.csv|\.pdf|\.zip|/file/|/files/|format=)", re.I)
# Words that may stay in Latin script on a Chinese page.
ALLOWED_LATIN = {
    "gaoxin",
    "api",
    "excel",
    "csv",
    "xlsx",
    "json",
    "token",
    "http",
    "https",
    "uscc",
    "national",
    "openapi",
    "swagger",
    "english",
    "mems",
    "plotly",
    "sha",
    "etag",
}
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
LATIN = re.compile(r"\b[A-Za-z][a-z]{3,}\b")
RAW = re.compile(r"\bNone\b|\{'|'\}|\bTrue\b|\bFalse\b|\bnan\b|\bNaN\b|\[\]|\bnull\b")
LONG_NUMBER = re.compile(r"(?<![\d.,:\-/A-Za-z])\d{5,}(?:\.\d+)?(?![\d\-/A-Za-z])")


TILE = 900  # px: the height of one readable piece of a long page's screenshot
MAX_TILES = 8


@dataclass
class Page:
    role: str
    url: str
    status: int
    title: str = ""
    shot: str = ""
    flags: dict[str, list[str]] = field(default_factory=dict)


def pattern(url: str) -> str:
    """A URL with its ids and query values blanked: pages that differ only by them count as one."""
    parts = urlparse(url)
    path = re.sub(r"/\d+(?=/|$)", "/N", parts.path)
    path = re.sub(r"/[0-9A-Z]{18}(?=/|$)", "/USCC", path)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return path + ("?" + "&".join(keys) if keys else "")


def _hits(regex: re.Pattern, text: str, keep, limit: int = 8) -> list[str]:
    """Each distinct hit with a little of the text around it, so that a person can find it."""
    out: dict[str, str] = {}
    for m in regex.finditer(text):
        word = m.group(0)
        if word in out or not keep(word):
            continue
        before = text[max(0, m.start() - 20) : m.start()].replace("\n", " ").replace("\t", " ")
        after = text[m.end() : m.end() + 20].replace("\n", " ").replace("\t", " ")
        out[word] = f"…{before}[{word}]{after}…"
        if len(out) >= limit:
            break
    return list(out.values())


def flags_for(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    checks = {
        "english": (LATIN, lambda w: w.lower() not in ALLOWED_LATIN),
        "raw_code": (SNAKE, lambda w: True),
        "raw_value": (RAW, lambda w: True),
        # an 18-digit number is a firm's USCC, a six-digit 20YYMM a month
        "no_separator": (
            LONG_NUMBER,
            lambda n: len(n) != 18 and not re.fullmatch(r"20\d\d(0[1-9]|1[0-2])", n),
        ),
    }
    for name, (regex, keep) in checks.items():
        if hits := _hits(regex, text, keep):
            found[name] = hits
    return found


def sign_in(page, base: str, username: str, password: str) -> bool:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    return "/accounts/login/" not in page.url


def visit(page, role: str, url: str, out: Path, index: int, console: list[str]) -> tuple[Page, list[str]]:
    console.clear()
    response = page.goto(url, wait_until="networkidle")
    status = response.status if response else 0
    result = Page(role=role, url=url, status=status)
    kind = (response.headers.get("content-type", "") if response else "") or ""
    if "text/html" not in kind:
        return result, []
    result.title = page.title()
    page.wait_for_timeout(300)  # let the charts draw
    slug = re.sub(r"[^A-Za-z0-9]+", "-", urlparse(url).path + "-" + urlparse(url).query).strip("-")
    shot = out / role / f"{index:03d}-{slug[:80] or 'home'}.png"
    page.screenshot(path=str(shot), full_page=True)
    result.shot = str(shot)
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.viewport_size["width"] if page.viewport_size else 1366
    for n, top in enumerate(range(0, min(height, TILE * MAX_TILES), TILE)):  # readable pieces of long pages
        clip = {"x": 0, "y": top, "width": width, "height": min(TILE, height - top)}
        page.screenshot(path=str(shot.with_suffix(f".t{n}.png")), full_page=True, clip=clip)
    text = page.inner_text("main") if page.query_selector("main") else page.inner_text("body")
    result.flags = flags_for(text)
    empty_charts = page.eval_on_selector_all(
        "[data-chart]", "els => els.filter(e => !e.querySelector('svg')).map(e => e.dataset.chart)"
    )
    if empty_charts:
        result.flags["empty_chart"] = empty_charts
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 2"
    )
    if overflow:
        result.flags["horizontal_overflow"] = [str(page.evaluate("document.documentElement.scrollWidth"))]
    dead_buttons = page.eval_on_selector_all(
        "main button:not([type=submit]):not([type=reset])",
        "els => els.filter(b => !b.form && !b.id && Object.keys(b.dataset).length === 0"
        " && !b.getAttribute('aria-controls')).map(b => b.innerText.trim()).filter(Boolean)",
    )
    if dead_buttons:
        result.flags["button_without_action"] = dead_buttons[:10]
    if console:
        result.flags["console"] = list(console)[:10]
    links = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    return result, links


def walk_role(browser, base: str, role: str, out: Path, max_pages: int, per_pattern: int) -> list[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    (out / role).mkdir(parents=True, exist_ok=True)
    if not sign_in(page, base, role, PASSWORD):
        context.close()
        return [Page(role=role, url=f"{base}/accounts/login/", status=0, flags={"login": ["failed"]})]
    host = urlparse(base).netloc
    seen: set[str] = set()
    per: Counter[str] = Counter()
    queue: deque[str] = deque([base + "/"])
    pages: list[Page] = []
    while queue and len(pages) < max_pages:
        url = urldefrag(queue.popleft())[0]
        if url in seen:
            continue
        seen.add(url)
        key = pattern(url)
        if per[key] >= per_pattern:
            continue
        per[key] += 1
        try:
            result, links = visit(page, role, url, out, len(pages), console)
        except Exception as exc:  # a page that does not load is a finding, not a crash of the walk
            result, links = Page(role=role, url=url, status=0, flags={"error": [str(exc)[:200]]}), []
        pages.append(result)
        for link in links:
            parts = urlparse(link)
            if parts.netloc != host or SKIP.search(parts.path):
                continue
            if DOWNLOAD.search(parts.path + "?" + parts.query):
                if link not in seen:  # only the status of a download
                    seen.add(link)
                    answer = context.request.get(link)
                    pages.append(Page(role=role, url=link, status=answer.status))
                continue
            if link not in seen:
                queue.append(link)
    context.close()
    return pages


# --- workflows (--workflows): the steps that change data, each ending in a screenshot ---------------------


def _step(page, out: Path, role: str, name: str, console: list[str]) -> Page:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    shot = out / role / f"wf-{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    text = page.inner_text("main") if page.query_selector("main") else ""
    flags = flags_for(text)
    if console:
        flags["console"] = list(console)
    console.clear()
    return Page(role=role, url=page.url, status=200, title=name, shot=str(shot), flags=flags)


def _csv_for_import(page, base: str) -> bytes:
    """Three firms of the clerk's zone with a new R&D headcount, and one row that cannot be right."""
    page.goto(f"{base}/registry/enterprises/")
    usccs = [u for u in re.findall(r"\b[0-9A-Z]{18}\b", page.inner_text("main"))][:3]
    lines = ["统一社会信用代码,年度,研发人员数"] + [f"{u},2025,{20 + i}" for i, u in enumerate(usccs)]
    lines.append("91430100XXXXXXXXXX,2025,很多")  # an unknown firm and a count that is not a number
    return ("\n".join(lines) + "\n").encode("utf-8")


def workflow(browser, base: str, role: str, out: Path) -> list[Page]:
    """The role's main workflow through the forms a user fills in (throw-away demo only)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    (out / role).mkdir(parents=True, exist_ok=True)
    sign_in(page, base, role, PASSWORD)
    steps: list[Page] = []
    try:
        if role == "clerk":  # import: upload → preview (with its errors) → the corrected file → confirm
            data = _csv_for_import(page, base)
            page.goto(f"{base}/registry/imports/new/")
            page.set_input_files(
                "input[name=file]", {"name": "研发人员.csv", "mimeType": "text/csv", "buffer": data}
            )
            page.fill("input[name=department]", "科技局")
            page.click("form#upload button[type=submit]")
            steps.append(_step(page, out, role, "import-preview-with-errors", console))
            good = b"\n".join(data.splitlines()[:-1]) + b"\n"
            page.goto(f"{base}/registry/imports/new/")
            page.set_input_files(
                "input[name=file]", {"name": "研发人员2.csv", "mimeType": "text/csv", "buffer": good}
            )
            page.fill("input[name=department]", "科技局")
            page.click("form#upload button[type=submit]")
            steps.append(_step(page, out, role, "import-preview", console))
            confirm = page.query_selector("button#confirm")
            if confirm:
                confirm.click()
                steps.append(_step(page, out, role, "import-applied", console))
        elif role == "zone_admin":  # a score run, then a list: preview → confirmation → published
            page.goto(f"{base}/credit/runs/")
            page.click("form[action$='/credit/runs/'] button.primary")
            steps.append(_step(page, out, role, "score-run", console))
            page.goto(f"{base}/credit/lists/")
            page.fill("input[name=title]", "走查白名单")
            page.fill("input[name=top]", "10")
            page.check("input[name=banks]")
            page.click("button[name=preview]")
            steps.append(_step(page, out, role, "list-preview", console))
            publish = page.query_selector("button[name=publish]")
            if publish:
                page.check("input[name=confirm]")
                publish.click()
                steps.append(_step(page, out, role, "list-published", console))
        elif role == "bank":  # the pending loan: over the cap (refused), within it, then disbursed
            page.goto(f"{base}/finance/bank/")
            href = page.evaluate(
                "() => { const r = [...document.querySelectorAll('main tr')].find(t => t.innerText.includes('待审核'));"
                " const a = r && r.querySelector('a'); return a ? a.href : null; }"
            )
            if href is None:
                raise RuntimeError("no pending application in the bank workspace")
            page.goto(href)
            for amount, name in (("100000", "approve-over-cap"), ("200", "approved")):
                page.goto(href)
                page.fill("form#form-approve input[name=approve-amount]", amount)
                if amount != "200":  # above the request: the form asks why
                    page.fill("form#form-approve input[name=approve-above_request_reason]", "走查：超过上限")
                page.check("form#form-approve input[type=checkbox]")
                page.click("form#form-approve button[type=submit]")
                steps.append(_step(page, out, role, name, console))
            if page.query_selector("form#form-disburse"):
                for box in page.query_selector_all("form#form-disburse input[type=checkbox]"):
                    box.check()
                page.click("form#form-disburse button[type=submit]")
                steps.append(_step(page, out, role, "disbursed", console))
        elif role == "auditor":  # the log filtered to exports
            page.goto(f"{base}/accounts/audit/?action=export")
            steps.append(_step(page, out, role, "audit-exports", console))
            page.goto(f"{base}/accounts/audit/?action=finance_approve")
            steps.append(_step(page, out, role, "audit-approvals", console))
    except Exception as exc:  # a step that cannot be done is a finding
        steps.append(
            Page(role=role, url=page.url, status=0, title="workflow", flags={"error": [str(exc)[:300]]})
        )
    context.close()
    return steps


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base", default="http://127.0.0.1:18731")
    p.add_argument("--out", default="/tmp/walk")
    p.add_argument("--roles", default=",".join(ROLES))
    p.add_argument("--max-pages", type=int, default=120)
    p.add_argument("--per-pattern", type=int, default=2)
    p.add_argument("--chromium", default="/usr/bin/chromium")
    p.add_argument("--workflows", action="store_true", help="also run the workflows that change data")
    p.add_argument("--no-crawl", action="store_true", help="only the workflows")
    args = p.parse_args(argv)

    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    every: list[Page] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        for role in args.roles.split(","):
            pages = []
            if not args.no_crawl:
                pages = walk_role(browser, args.base.rstrip("/"), role, out, args.max_pages, args.per_pattern)
            if args.workflows:
                pages += workflow(browser, args.base.rstrip("/"), role, out)
            every += pages
            bad = [pg for pg in pages if pg.status >= 400 or pg.status == 0]
            flagged = [pg for pg in pages if pg.flags]
            print(f"{role}: {len(pages)} pages, {len(bad)} errors, {len(flagged)} flagged")
            for pg in bad:
                print(f"  {pg.status} {pg.url}")
        browser.close()
    (out / "report.json").write_text(
        json.dumps([asdict(pg) for pg in every], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    for pg in every:
        if pg.flags:
            print(
                pg.role, pg.url.split("//", 1)[-1].split("/", 1)[-1], json.dumps(pg.flags, ensure_ascii=False)
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
