"""Translations: GNU gettext's ``msgfmt`` compiles the catalogues; this module checks them first and
finds the messages the code uses.

    uv run python -m gaoxin.web.platform.i18n            # rewrite every django.mo from its django.po
    uv run python -m gaoxin.web.platform.i18n --check    # exit 1 if a django.mo is stale or a message is untranslated

``msgfmt`` (Debian's ``gettext`` package; ``make setup`` and ``.ci/run`` require it) writes the .mo
files Python's ``gettext`` (and so Django) reads; the output is deterministic, so a test compares the
committed ``django.mo`` with the compilation of ``django.po`` and fails when someone forgot to rebuild.

Before ``msgfmt`` sees a catalogue it is read here (``parse_po``): the completeness tests need its
entries, and one liberty is checked that ``msgfmt`` would refuse outright — because several people add
their own blocks to one file in parallel, a msgid may appear twice if both give the same translation
(two different translations of one msgid are refused, with both lines). Fuzzy entries are left out and
``#~`` obsolete ones ignored, as ``msgfmt`` does.

``used_messages`` finds every msgid the project asks for — ``{% translate %}``, ``{% blocktranslate %}``
(through Django's own ``templatize``, as ``makemessages`` does) and ``_()``, ``gettext()``,
``gettext_lazy()``, ``pgettext()``, ``ngettext()`` … calls in Python — so that a test can prove no
English leaks into the Chinese pages.
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent.parent  # src/gaoxin/web
SRC_DIR = WEB_DIR.parent  # src/gaoxin
LOCALE_DIR = WEB_DIR / "locale"
PO_PATH = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
# Each app may keep its own catalogue in <app>/locale/ (Django reads every installed app's locale
# directory), so that people working on different apps never edit one file at once.
APP_PO_GLOB = "*/locale/zh_Hans/LC_MESSAGES/django.po"


def po_paths() -> list[Path]:
    """The project catalogue first, then the apps' catalogues in name order."""
    return [PO_PATH, *sorted(p for p in WEB_DIR.glob(APP_PO_GLOB) if p != PO_PATH)]


def all_entries() -> list[Entry]:
    """The entries of every catalogue (a msgid translated in any of them counts as translated)."""
    out: list[Entry] = []
    for po in po_paths():
        out += parse_po(po.read_text(encoding="utf-8"), str(po))
    return out


CONTEXT_SEP = "\x04"  # GNU gettext joins msgctxt and msgid with EOT
PLURAL_SEP = "\x00"


class PoError(ValueError):
    """A .po file that cannot be compiled; every fault is listed with its line."""

    def __init__(self, path: str, faults: list[str]):
        self.path, self.faults = path, faults
        super().__init__("\n".join(f"{path}: {f}" for f in faults))


@dataclass
class Entry:
    msgid: str
    line: int
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index → text; index 0 for a plain msgstr
    fuzzy: bool = False
    comments: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return not self.fuzzy and bool(self.msgstr) and all(self.msgstr.values())


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*)$")


def _unquote(text: str, line: int, faults: list[str]) -> str:
    """The value of one C-style quoted string, e.g. ``"a\\"b\\n"``."""
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        faults.append(f"line {line}: expected a quoted string, got {text!r}")
        return ""
    out, i, body = [], 0, text[1:-1]
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1 : i + 2]
            if nxt not in _ESCAPES:
                faults.append(f"line {line}: unknown escape \\{nxt} in {text!r}")
                nxt = nxt or "\\"
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        if ch == '"':
            faults.append(f"line {line}: unescaped quote inside {text!r}")
        out.append(ch)
        i += 1
    return "".join(out)


def parse_po(text: str, path: str = "django.po") -> list[Entry]:
    """The entries of a .po file (obsolete ``#~`` entries left out). Raises PoError listing every fault."""
    faults: list[str] = []
    entries: list[Entry] = []
    current: Entry | None = None
    pending_fuzzy = False
    pending_comments: list[str] = []
    target: str | tuple[str, int] | None = None  # which string a continuation line extends
    parts: dict = {}  # "msgctxt" / "msgid" / "msgid_plural" / ("msgstr", n) → [text]; "indexed": msgstr[n] seen

    def finish() -> None:
        nonlocal current, parts
        if current is None:
            return
        if "msgid" not in parts:
            faults.append(f"line {current.line}: an entry without msgid")
        elif not any(k[0] == "msgstr" for k in parts):
            faults.append(f"line {current.line}: msgid {parts['msgid'][0]!r} has no msgstr")
        else:
            current.msgid = parts["msgid"][0]
            current.msgctxt = parts["msgctxt"][0] if "msgctxt" in parts else None
            current.msgid_plural = parts["msgid_plural"][0] if "msgid_plural" in parts else None
            current.msgstr = {k[1]: v[0] for k, v in parts.items() if isinstance(k, tuple)}
            indexed = bool(parts.get("indexed"))
            if current.msgid_plural is None and indexed:
                faults.append(f"line {current.line}: msgstr[n] without msgid_plural")
            if current.msgid_plural is not None and (not indexed or 0 not in current.msgstr):
                faults.append(f"line {current.line}: msgid_plural needs msgstr[0], msgstr[1] …")
            entries.append(current)
        current, parts = None, {}

    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#"):
            if any(isinstance(k, tuple) for k in parts):
                finish()  # a comment after a msgstr belongs to the next entry
            target = None
            if line.startswith("#~"):
                continue
            if line.startswith("#,") and "fuzzy" in {f.strip() for f in line[2:].split(",")}:
                pending_fuzzy = True
            pending_comments.append(line)
            continue
        m = _KEYWORD.match(line)
        if m:
            keyword, index, rest = m.group(1), m.group(2), m.group(3)
            if keyword == "msgctxt" or (keyword == "msgid" and (current is None or "msgid" in parts)):
                finish()
                current = Entry(msgid="", line=n, fuzzy=pending_fuzzy, comments=pending_comments)
                pending_fuzzy, pending_comments = False, []
            if current is None:
                faults.append(f"line {n}: {keyword} before any msgid")
                target = None
                continue
            key = ("msgstr", int(index or 0)) if keyword.startswith("msgstr") else keyword
            if index is not None:
                parts["indexed"] = [True]
            if key in parts:
                faults.append(f"line {n}: {keyword} given twice in one entry")
            parts[key] = [_unquote(rest, n, faults)]
            target = key
            continue
        if line.startswith('"'):
            if target is None or current is None:
                faults.append(f"line {n}: a string outside any entry")
                continue
            parts[target][0] += _unquote(line, n, faults)
            continue
        faults.append(f"line {n}: cannot read {line[:60]!r}")
    finish()
    if faults:
        raise PoError(path, faults)
    return entries


def catalog(entries: Iterable[Entry], path: str = "django.po") -> dict[str, str]:
    """The .mo key → translation map: translated, non-fuzzy entries (and the header), duplicates checked."""
    out: dict[str, str] = {}
    seen: dict[str, Entry] = {}
    faults: list[str] = []
    for e in entries:
        if e.msgid == "" and e.msgctxt is None:
            out[""] = e.msgstr.get(0, "")  # the header: charset and plural forms
            continue
        if not e.translated:
            continue
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}{CONTEXT_SEP}{e.msgid}"
        if e.msgid_plural is not None:
            key += PLURAL_SEP + e.msgid_plural
            value = PLURAL_SEP.join(e.msgstr[i] for i in sorted(e.msgstr))
        else:
            value = e.msgstr[0]
        if key in out and out[key] != value:
            first = seen[key]
            faults.append(
                f"line {e.line}: msgid {e.msgid!r} translated as {value!r}, "
                f"but line {first.line} translates it as {out[key]!r}"
            )
            continue
        out.setdefault(key, value)
        seen.setdefault(key, e)
    if faults:
        raise PoError(path, faults)
    return out


_QUOTE = str.maketrans({v: "\\" + k for k, v in _ESCAPES.items()})


def _quoted(text: str) -> str:
    return '"' + text.translate(_QUOTE) + '"'


def _po_text(messages: dict[str, str]) -> str:
    """The catalogue (``catalog``'s key → translation map) as a plain .po file for ``msgfmt``."""
    out = []
    header = messages.get("", "Content-Type: text/plain; charset=UTF-8\n")
    out.append(f"msgid {_quoted('')}\nmsgstr {_quoted(header)}\n")
    for key, value in messages.items():
        if key == "":
            continue
        context, _, msgid = key.rpartition(CONTEXT_SEP) if CONTEXT_SEP in key else (None, "", key)
        lines = [f"msgctxt {_quoted(context)}"] if context is not None else []
        if PLURAL_SEP in msgid:
            single, plural = msgid.split(PLURAL_SEP, 1)
            lines += [f"msgid {_quoted(single)}", f"msgid_plural {_quoted(plural)}"]
            lines += [f"msgstr[{i}] {_quoted(v)}" for i, v in enumerate(value.split(PLURAL_SEP))]
        else:
            lines += [f"msgid {_quoted(msgid)}", f"msgstr {_quoted(value)}"]
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def msgfmt_path() -> str:
    """GNU gettext's ``msgfmt`` (Debian/Ubuntu: ``apt-get install gettext``), or a clear error."""
    found = shutil.which("msgfmt")
    if found is None:
        raise PoError("msgfmt", ["GNU gettext's msgfmt is not installed: apt-get install gettext"])
    return found


def mo_bytes(messages: dict[str, str]) -> bytes:
    """The GNU .mo of ``messages``, compiled by ``msgfmt`` (deterministic: the same input, the same bytes)."""
    done = subprocess.run(
        [msgfmt_path(), "--check-format", "--check-header", "-o", "-", "-"],
        input=_po_text(messages).encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise PoError("msgfmt", done.stderr.decode("utf-8", "replace").splitlines())
    return done.stdout


def compile_po(text: str, path: str = "django.po") -> bytes:
    """``text`` checked here (every fault with its line; a msgid given twice must agree), then compiled
    by ``msgfmt``."""
    return mo_bytes(catalog(parse_po(text, path), path))


# --- the messages the code uses -----------------------------------------------------------------------

# name → (index of msgctxt or None, index of msgid, index of msgid_plural or None)
_CALLS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


@dataclass(frozen=True, order=True)
class Message:
    msgid: str
    context: str | None = None
    plural: str | None = None
    where: str = field(default="", compare=False)


def _at(items: list, i: int | None):
    return items[i] if i is not None and i < len(items) else None


def _callee(node: ast.Call) -> str | None:
    f = node.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        return f.attr
    return None


def python_messages(source: str, where: str = "") -> Iterator[Message]:
    """Translatable literals in Python source: calls of the gettext family with string constants."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        spec = _CALLS.get(_callee(node) or "")
        if spec is None:
            continue
        ctx_i, id_i, pl_i = spec
        strings = [
            a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args
        ]
        msgid = _at(strings, id_i)
        if msgid is None:
            continue  # a variable: nothing to check statically
        yield Message(msgid, _at(strings, ctx_i), _at(strings, pl_i), f"{where}:{node.lineno}")


_TEMPLATIZED_CALL = re.compile(
    r"\b(n?p?gettext)\(((?:\s*u?(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\s*,?)+)"
)
_LITERAL = re.compile(r"u?('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")
_TEMPLATE_UNDERSCORE = re.compile(r"\b_\(\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')\s*\)")


def template_messages(source: str, where: str = "") -> Iterator[Message]:
    """Translatable text of a Django template, found as ``makemessages`` finds it (``templatize``)."""
    from django.utils.translation.template import templatize

    code = templatize(source)
    for m in _TEMPLATIZED_CALL.finditer(code):
        name = m.group(1)
        literals = [ast.literal_eval(x) for x in _LITERAL.findall(m.group(2))]
        ctx_i, id_i, pl_i = _CALLS[name]
        line = code.count("\n", 0, m.start()) + 1
        yield Message(_at(literals, id_i), _at(literals, ctx_i), _at(literals, pl_i), f"{where}:{line}")
    for m in _TEMPLATE_UNDERSCORE.finditer(code):  # {{ _("…") }} and filter arguments
        line = code.count("\n", 0, m.start()) + 1
        yield Message(ast.literal_eval(m.group(1)), None, None, f"{where}:{line}")


def project_files(root: Path = SRC_DIR) -> tuple[list[Path], list[Path]]:
    """The project's Python modules (migrations excluded) and Django templates."""
    py = sorted(p for p in root.rglob("*.py") if "migrations" not in p.parts)
    html = sorted(p for p in root.rglob("templates/**/*") if p.is_file() and p.suffix in (".html", ".txt"))
    return py, html


def used_messages(root: Path = SRC_DIR) -> list[Message]:
    """Every message the project's code and templates ask to translate, with where it is asked."""
    py, html = project_files(root)
    found: list[Message] = []
    for p in py:
        found += python_messages(p.read_text(encoding="utf-8"), str(p.relative_to(root.parent)))
    for p in html:
        found += template_messages(p.read_text(encoding="utf-8"), str(p.relative_to(root.parent)))
    return found


_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def placeholders(text: str) -> list[str]:
    """The Python-format placeholders of a message (``%(name)s`` by name; ``%s`` positionally)."""
    return sorted(m.group(1) or m.group(0) for m in _PLACEHOLDER.finditer(text) if m.group(0) != "%%")


def untranslated(messages: Iterable[Message], entries: Iterable[Entry]) -> list[Message]:
    """The messages without a complete, non-fuzzy translation."""
    done = {(e.msgctxt, e.msgid) for e in entries if e.translated}
    return sorted({m for m in messages if (m.context, m.msgid) not in done}, key=lambda m: m.where)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gaoxin.web.platform.i18n", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if anything is out of date"
    )
    args = parser.parse_args(argv)
    entries: list[Entry] = []
    compiled: list[tuple[Path, bytes]] = []
    try:
        for po in po_paths():
            mine = parse_po(po.read_text(encoding="utf-8"), str(po))
            entries += mine
            compiled.append((po.with_suffix(".mo"), compile_po(po.read_text(encoding="utf-8"), str(po))))
    except PoError as exc:
        print(exc, file=sys.stderr)
        return 2
    missing = untranslated(used_messages(), entries)
    for m in missing:
        print(f"untranslated: {m.where}: {m.msgid!r}", file=sys.stderr)
    stale = [(mo, data) for mo, data in compiled if not mo.exists() or mo.read_bytes() != data]
    if args.check:
        for mo, _ in stale:
            print(f"{mo} is out of date: run python -m gaoxin.web.platform.i18n", file=sys.stderr)
        return 1 if stale or missing else 0
    for mo, data in stale:
        mo.write_bytes(data)
        print(f"wrote {mo} ({len(data)} bytes)")
    if not stale:
        print("every catalogue is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
