"""docs/dev/architecture.md stays true: its layout names every folder of src/gaoxin and src/gaoxin/web
and no other, and every app has the faces the document lists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "dev" / "architecture.md"
SRC = ROOT / "src" / "gaoxin"
WEB = SRC / "web"

# The faces every app has (alternatives: a module or a package of that name).
FACES = (
    ("models.py", "models/"),
    ("scopes.py",),
    ("services.py", "services/"),
    ("forms.py",),
    ("views.py", "views/"),
    ("urls.py",),
    ("api.py",),
    ("bulk_io.py",),
    ("panels.py",),
    ("demo.py",),
    ("templates/",),
    ("locale/",),
)
# Not apps of the pattern: the toolkit every app shares, and the API app that assembles the routers.
NOT_APPS = {"platform", "api"}
# Faces an app does not have yet, each with the reason; a face added makes its entry stale (the test
# says so), so this list only shrinks.
MISSING = {
    ("accounts", "scopes.py"): "the scoping helper itself (accounts/scoping.py) holds accounts' rules",
}


def _layout_block(doc: Path) -> list[str]:
    text = doc.read_text(encoding="utf-8")
    section = text.split("\n## Layout", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```\n(.*?)```", section, re.S)
    assert match, "docs/dev/architecture.md: no code block under '## Layout'"
    return match.group(1).splitlines()


def documented(doc: Path = DOC) -> tuple[set[str], set[str]]:
    """The folders the layout names directly under src/gaoxin (indent 2) and src/gaoxin/web (indent 4)."""
    top, web = set(), set()
    lines = _layout_block(doc)
    assert lines[0].strip() == "src/gaoxin/", lines[0]
    for line in lines[1:]:
        m = re.match(r"^( +)([A-Za-z_][\w]*)/(\s|$)", line)
        if not m:
            continue
        indent = len(m.group(1))
        if indent == 2:
            top.add(m.group(2))
        elif indent == 4:
            web.add(m.group(2))
    return top, web


def folders(path: Path) -> set[str]:
    return {p.name for p in path.iterdir() if p.is_dir() and not p.name.startswith((".", "__"))}


def apps() -> list[str]:
    return sorted(p.parent.name for p in WEB.glob("*/apps.py") if p.parent.name not in NOT_APPS)


def test_the_layout_names_every_core_package_and_no_other():
    top, _ = documented()
    assert top - folders(SRC) == set(), "the doc names folders that are not under src/gaoxin"
    assert folders(SRC) - top == set(), "folders under src/gaoxin missing from docs/dev/architecture.md"


def test_the_layout_names_every_web_folder_and_no_other():
    _, web = documented()
    assert web - folders(WEB) == set(), "the doc names folders that are not under src/gaoxin/web"
    assert folders(WEB) - web == set(), "folders under src/gaoxin/web missing from docs/dev/architecture.md"


def test_the_layout_parser_sees_a_change(tmp_path):
    """The check can fail: a doc without ``finance/`` (core and app) and with a ghost ``zone/`` is seen."""
    fake = tmp_path / "architecture.md"
    text = DOC.read_text(encoding="utf-8")
    text = text.replace("\n  finance/ ", "\n  zone/    ").replace("\n    finance/ ", "\n    things ")
    fake.write_text(text, encoding="utf-8")
    top, web = documented(fake)
    assert "zone" in top and "finance" not in top and "finance" not in web
    assert top - folders(SRC) == {"zone"} and folders(WEB) - web == {"finance"}


def test_the_doc_lists_the_faces_the_test_checks():
    text = DOC.read_text(encoding="utf-8")
    faces = text.split("## The faces of an app", 1)[1].split("\n## ", 1)[0]
    for alternatives in FACES:
        assert any(f"`{a.rstrip('/')}" in faces for a in alternatives), alternatives


def _has(app: str, alternatives: tuple[str, ...]) -> bool:
    for a in alternatives:
        p = WEB / app / a.rstrip("/")
        if p.is_dir() if a.endswith("/") else p.is_file():
            return True
    return False


@pytest.mark.parametrize("app", apps())
def test_every_app_has_every_face(app):
    absent = [alts[0] for alts in FACES if not _has(app, alts) and (app, alts[0]) not in MISSING]
    assert absent == [], f"gaoxin.web.{app} lacks {absent} (docs/dev/architecture.md, 'The faces of an app')"


def test_the_list_of_missing_faces_is_not_stale():
    stale = [k for k in MISSING if _has(k[0], next(a for a in FACES if a[0] == k[1]))]
    assert stale == [], f"these faces exist now; remove them from MISSING: {stale}"


def test_every_app_is_in_the_layout():
    _, web = documented()
    assert set(apps()) <= web


# --- validation in forms, not hand-written in views -------------------------------------------------

OLD_APPS = ("registry", "credit", "cultivation", "consent", "finance", "investment", "command")
HAND_PARSED = re.compile(r"request\.POST\.get\(|request\.POST\[|request\.FILES\.get\(|in request\.POST\b")
# What is still read by hand, per file, and why; the number may only go down (a lower count fails
# until it is lowered here, so the list stays true).
STILL_BY_HAND = {
    "credit/views.py": 2,  # the run of the list form and which button (preview or publish) was pressed
    "cultivation/views.py": 3,  # the year of a new assessment; the settings page's YAML text
    "finance/views.py": 1,  # which button of a loan's actions (first loan) was pressed
    "command/views.py": 1,  # the zone chooser's zone, on GET and POST alike
}


def _view_files(app: str) -> list[Path]:
    return [*(WEB / app).glob("views.py"), *(WEB / app).glob("views/*.py")]


def test_the_old_apps_views_leave_posted_data_to_forms():
    counts = {}
    for app in OLD_APPS:
        for p in _view_files(app):
            n = len(HAND_PARSED.findall(p.read_text(encoding="utf-8")))
            if n:
                counts[str(p.relative_to(WEB))] = n
    assert counts == STILL_BY_HAND, "read what is posted through a form (the app's forms.py)"


def test_the_hand_parsing_check_sees_one():
    assert HAND_PARSED.search('note = request.POST.get("note", "")')
    assert HAND_PARSED.search('if "preview" in request.POST:')
    assert not HAND_PARSED.search("form = NoteForm(request.POST)")
