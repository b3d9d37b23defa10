"""Translations: the pure-Python .po → .mo compiler, the committed catalogue, and its completeness.

No English may leak into the Chinese pages: every msgid the templates and the code ask for has a
Chinese translation (the "documentation tested for completeness" idea), placeholders survive
translation, and the committed django.mo is exactly the compilation of django.po.
"""

from __future__ import annotations

import gettext
import io

import pytest

from gaoxin.web.platform import i18n


def _translations(po_text: str) -> gettext.GNUTranslations:
    return gettext.GNUTranslations(io.BytesIO(i18n.compile_po(po_text)))


HEADER = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=1; plural=0;\n"
"""


def test_compiled_catalogue_reads_back_through_pythons_gettext():
    po = (
        HEADER
        + r"""
# === area one ===
msgid "Dashboard"
msgstr "园区概览"

msgid ""
"Page %(n)s of "
"%(total)s"
msgstr "第 %(n)s 页，"
"共 %(total)s 页"

msgctxt "verb"
msgid "Export"
msgstr "导出"

msgid "%(n)s firm"
msgid_plural "%(n)s firms"
msgstr[0] "%(n)s 家企业"

msgid "Say \"hi\"\n"
msgstr "说“你好”\n"

#, fuzzy
msgid "Unsure"
msgstr "不确定"

msgid "Untranslated"
msgstr ""

#~ msgid "Gone"
#~ msgstr "已删除"
"""
    )
    t = _translations(po)
    assert t.gettext("Dashboard") == "园区概览"
    assert t.gettext("Page %(n)s of %(total)s") == "第 %(n)s 页，共 %(total)s 页"
    assert t.pgettext("verb", "Export") == "导出" and t.gettext("Export") == "Export"
    assert (
        t.ngettext("%(n)s firm", "%(n)s firms", 1)
        == t.ngettext("%(n)s firm", "%(n)s firms", 5)
        == "%(n)s 家企业"
    )
    assert t.gettext('Say "hi"\n') == "说“你好”\n"
    assert t.gettext("Unsure") == "Unsure"  # fuzzy entries are left out, as msgfmt does
    assert t.gettext("Untranslated") == "Untranslated"
    assert t.gettext("Gone") == "Gone"
    assert t.info()["content-type"] == "text/plain; charset=UTF-8"


def test_output_is_deterministic_and_sorted_like_msgfmt():
    a = i18n.mo_bytes({"b": "乙", "a": "甲", "": "Content-Type: text/plain; charset=UTF-8\n"})
    b = i18n.mo_bytes({"": "Content-Type: text/plain; charset=UTF-8\n", "a": "甲", "b": "乙"})
    assert a == b and a[:4] == b"\xde\x12\x04\x95"  # little-endian magic


def test_the_same_msgid_in_two_blocks_must_agree():
    same = HEADER + '\nmsgid "Zone"\nmsgstr "园区"\n\n# === other ===\nmsgid "Zone"\nmsgstr "园区"\n'
    assert _translations(same).gettext("Zone") == "园区"
    clash = HEADER + '\nmsgid "Zone"\nmsgstr "园区"\n\n# === other ===\nmsgid "Zone"\nmsgstr "区域"\n'
    with pytest.raises(i18n.PoError) as err:
        i18n.compile_po(clash)
    assert "line" in str(err.value) and "'Zone'" in str(err.value)


@pytest.mark.parametrize(
    "broken",
    [
        'msgid "a"\n',  # no msgstr
        'msgid "a"\nmsgstr "b\\q"\n',  # unknown escape
        'msgstr "b"\n',  # msgstr before msgid
        'msgid "a"\nmsgstr[0] "b"\n',  # plural form without msgid_plural
        'msgid "a"\nmsgstr b\n',  # unquoted
    ],
)
def test_a_broken_po_file_is_refused_with_its_line(broken):
    with pytest.raises(i18n.PoError) as err:
        i18n.compile_po(HEADER + "\n" + broken)
    assert "line" in str(err.value)


def test_messages_are_found_in_python_and_templates():
    py = 'from x import gettext as _\nA = _("One")\nB = pgettext_lazy("ctx", "Two")\nC = ngettext("a", "b", n)\nD = _(name)\n'
    found = {(m.context, m.msgid, m.plural) for m in i18n.python_messages(py)}
    assert found == {(None, "One", None), ("ctx", "Two", None), (None, "a", "b")}
    tpl = (
        '{% load i18n %}{% translate "Three" %}{% translate "Four" context "menu" %}'
        "{% blocktranslate with n=x %}Page {{ n }}{% endblocktranslate %}"
        "{% blocktranslate count n=x trimmed %}\n  one {{ n }}\n{% plural %}\n  many {{ n }}\n{% endblocktranslate %}"
        '{{ _("Five") }}'
    )
    found = {(m.context, m.msgid, m.plural) for m in i18n.template_messages(tpl)}
    assert found == {
        (None, "Three", None),
        ("menu", "Four", None),
        (None, "Page %(n)s", None),
        (None, "one %(n)s", "many %(n)s"),
        (None, "Five", None),
    }


def test_committed_mo_is_the_compilation_of_the_po():
    for po in i18n.po_paths():
        expected = i18n.compile_po(po.read_text(encoding="utf-8"), str(po))
        assert po.with_suffix(".mo").read_bytes() == expected, (
            f"{po}: stale .mo: run `uv run python -m gaoxin.web.platform.i18n`"
        )


def test_every_message_the_project_uses_has_a_chinese_translation():
    entries = i18n.all_entries()
    used = i18n.used_messages()
    assert len(used) > 100  # the scan finds the project's messages (templates and code)
    missing = i18n.untranslated(used, entries)
    listing = "\n".join(f"  {m.where}: {m.msgid!r}" for m in missing)
    assert not missing, f"{len(missing)} messages have no zh_Hans translation in {i18n.PO_PATH}:\n{listing}"


def test_translations_keep_their_placeholders():
    entries = i18n.all_entries()
    wrong = []
    for e in entries:
        if not e.msgid or not e.translated:
            continue
        for text in e.msgstr.values():
            source = e.msgid_plural if e.msgid_plural and "%(" in e.msgid_plural else e.msgid
            if sorted(set(i18n.placeholders(source))) != sorted(set(i18n.placeholders(text))):
                wrong.append(f"line {e.line}: {e.msgid!r} → {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_the_chinese_catalogue_is_what_django_serves():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext("Zone dashboard") == "园区概览"
        assert (
            translation.gettext(
                "Too many failed sign-ins. This account is locked for %(minutes)s more minutes."
            )
            % {"minutes": 5}
            == "登录失败次数过多，该账户将锁定 5 分钟。"
        )
    with translation.override("en"):
        assert translation.gettext("Zone dashboard") == "Zone dashboard"


def test_the_command_rewrites_a_stale_mo(tmp_path, monkeypatch):
    po = tmp_path / "django.po"
    mo = tmp_path / "django.mo"
    po.write_text(HEADER + '\nmsgid "Zone"\nmsgstr "园区"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "PO_PATH", po)
    monkeypatch.setattr(i18n, "MO_PATH", mo)
    monkeypatch.setattr(i18n, "po_paths", lambda: [po])
    monkeypatch.setattr(i18n, "used_messages", lambda: [i18n.Message("Zone")])
    assert i18n.main(["--check"]) == 1 and not mo.exists()
    assert i18n.main([]) == 0 and mo.read_bytes() == i18n.compile_po(po.read_text(encoding="utf-8"))
    assert i18n.main(["--check"]) == 0
    monkeypatch.setattr(i18n, "used_messages", lambda: [i18n.Message("Zone"), i18n.Message("Bank")])
    assert i18n.main(["--check"]) == 1  # an untranslated message fails the check


def test_a_message_reads_the_same_in_every_catalogue():
    # Django serves the first catalogue that has a msgid: two apps translating it differently would
    # make the word depend on the app order, silently.
    seen: dict[tuple, tuple[str, str]] = {}
    clashes = []
    for po in i18n.po_paths():
        for e in i18n.parse_po(po.read_text(encoding="utf-8"), str(po)):
            if not e.msgid or not e.translated:
                continue
            text = e.msgstr.get(0, "")
            first = seen.setdefault(e.key, (text, po.parent.parent.parent.parent.name))
            if first[0] != text:
                clashes.append(
                    f"{e.msgid!r}: {first[0]!r} ({first[1]}) vs {text!r} ({po.parent.parent.parent.parent.name})"
                )
    assert not clashes, "\n".join(clashes)
