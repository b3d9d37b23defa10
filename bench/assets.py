"""What the browser downloads and waits for on the chart pages: ``make bench-assets``.

Two builds of the platform are served side by side, each by gunicorn from its own demo database:

- **before**: a checkout of an earlier commit (``--before``, default the commit before the partial
  chart bundle), which served the full ``plotly.min.js`` from the plotly wheel, unhashed, uncompressed,
  cached for 60 s;
- **after**: this checkout, with ``GAOXIN_STATIC=manifest`` after ``collectstatic``: the plotly.js
  finance bundle, content-hashed names, gzip, cached for a year.

Debian's chromium (Playwright) signs in as the demo's platform administrator and opens each chart page
in a fresh browser context (cold cache), then again in the same context (warm). For every load it
records the bytes received (encoded bodies, as on the wire), the number of requests that went to the
network, and the time to the load event. Runs are interleaved (before, after, before, …) and medians
quoted. Results go to bench/results.md between the "assets" markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.md"
BEGIN = "<!-- assets:begin (written by bench/assets.py) -->"
END = "<!-- assets:end -->"
CHROMIUM = os.environ.get("GAOXIN_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "gaoxin-demo-2025"
PAGES = {  # the pages that load the chart library, and the dashboard a zone's staff open first
    "dashboard": "/registry/dashboard/",
    "enterprise profile": "/registry/enterprises/1/",
    "cultivation": "/cultivation/",
    "investment": "/investment/",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def python(checkout: Path) -> list[str]:
    """This environment's Python; the earlier commit also needs the plotly wheel it served its charts
    from (no longer a dependency), overlaid for the run by uv from the registry."""
    if checkout == ROOT:
        return [sys.executable]
    uv = os.environ.get("UV") or str(ROOT / ".tools" / "bin" / "uv")
    return [uv, "run", "--project", str(ROOT), "--with", "plotly>=5.24", "python"]


def build(checkout: Path, data_dir: Path, enterprises: int, manifest: bool) -> dict:
    env = {**os.environ, "PYTHONPATH": str(checkout / "src"), "GAOXIN_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    if manifest:
        env["GAOXIN_STATIC"] = "manifest"
    subprocess.run(
        [
            *python(checkout),
            "-m",
            "gaoxin.cli",
            "demo",
            "--no-serve",
            "--data-dir",
            str(data_dir),
            "--enterprises",
            str(enterprises),
        ],
        cwd=checkout,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    if manifest:
        subprocess.run(
            [sys.executable, str(checkout / "manage.py"), "collectstatic", "--noinput", "-v0"],
            cwd=checkout,
            env=env,
            check=True,
        )
    return env


def serve(checkout: Path, env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [*python(checkout), "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "gaoxin.web.wsgi"],
        cwd=checkout,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


def signed_in(browser, base: str) -> dict:
    """The demo administrator's session (cookies only): each measurement starts with an empty cache."""
    context = browser.new_context(base_url=base, locale="zh-CN")
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    state = context.storage_state()
    context.close()
    return state


def measure(browser, base: str, path: str, session: dict) -> dict:
    """A first visit of ``path`` (empty browser cache) and a second one right after (warm cache)."""
    context = browser.new_context(base_url=base, locale="zh-CN", storage_state=session)
    page = context.new_page()
    out = {}
    for phase in ("cold", "warm"):
        responses = []

        def keep(response, responses=responses):
            responses.append(response)

        page.on("response", keep)
        page.goto(path, wait_until="load")
        page.wait_for_load_state("networkidle")
        page.remove_listener("response", keep)
        received = network = 0
        for r in responses:
            sizes = r.request.sizes()
            if sizes["responseBodySize"] < 0:  # served from the browser's cache: nothing on the wire
                continue
            received += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            network += 1
        load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        out[phase] = {"bytes": received, "requests": network, "load_ms": load_ms}
    context.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default="f0cc659", help="the commit to compare with (default f0cc659)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--enterprises", type=int, default=60, help="firms per demo zone")
    parser.add_argument("--no-write", action="store_true", help="print only; leave results.md alone")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="gaoxin-assets-"))
    before = tmp / "before-checkout"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(before), args.before],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    servers = []
    try:
        builds = {
            "before": (before, build(before, tmp / "before-data", args.enterprises, manifest=False)),
            "after": (ROOT, build(ROOT, tmp / "after-data", args.enterprises, manifest=True)),
        }
        bases = {}
        for name, (checkout, env) in builds.items():
            port = free_port()
            servers.append(serve(checkout, env, port))
            bases[name] = f"http://127.0.0.1:{port}"
        samples: dict = {(b, p): [] for b in builds for p in PAGES}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"])
            sessions = {name: signed_in(browser, bases[name]) for name in builds}
            for _ in range(args.rounds):
                for page_name, path in PAGES.items():
                    for name in builds:  # interleaved: before, after, before, after …
                        samples[(name, page_name)].append(measure(browser, bases[name], path, sessions[name]))
            browser.close()
    finally:
        for proc in servers:
            proc.terminate()
            proc.wait(timeout=10)
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(before)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    report = render(samples, args)
    print(report)
    if not args.no_write:
        write(report)
    return 0


def _median(runs: list[dict], phase: str, key: str) -> float:
    return statistics.median(r[phase][key] for r in runs)


def render(samples: dict, args) -> str:
    lines = [
        f"Measured {dt.date.today()} on this machine ({os.cpu_count()} cores), chromium {CHROMIUM}, "
        f"{args.rounds} interleaved rounds, demo with {args.enterprises} firms per zone, gunicorn 2 workers; "
        f"before = commit {args.before} (full plotly.min.js from the wheel, unhashed, uncompressed, max-age 60 s), "
        "after = this checkout (plotly.js finance bundle, hashed, gzip, max-age 1 year). "
        "Medians. Bytes: response bodies as received plus headers.",
        "",
        "| page | before: first visit KB | after: first visit KB | ratio | before: load ms | after: load ms | "
        "before: requests | after: requests | before: 2nd visit KB | after: 2nd visit KB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page_name in PAGES:
        b, a = samples[("before", page_name)], samples[("after", page_name)]
        bk, ak = _median(b, "cold", "bytes") / 1024, _median(a, "cold", "bytes") / 1024
        lines.append(
            f"| {page_name} | {bk:,.0f} | {ak:,.0f} | {bk / ak:.1f}× | {_median(b, 'cold', 'load_ms'):,.0f} | "
            f"{_median(a, 'cold', 'load_ms'):,.0f} | {_median(b, 'cold', 'requests'):.0f} | "
            f"{_median(a, 'cold', 'requests'):.0f} | {_median(b, 'warm', 'bytes') / 1024:,.0f} | "
            f"{_median(a, 'warm', 'bytes') / 1024:,.0f} |"
        )
    return "\n".join(lines)


def write(report: str) -> None:
    text = RESULTS.read_text(encoding="utf-8")
    section = f"{BEGIN}\n## Chart pages in the browser (assets)\n\n{report}\n{END}"
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
