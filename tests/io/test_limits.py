"""Hostile spreadsheets are refused before any reader allocates from their declared size (issue 18)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet '
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
    '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'
)
PARTS = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}


def _bomb(path: Path, dim: str = '<dimension ref="A1:XFD1048576"/>') -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in PARTS.items():
            z.writestr(name, text)
        z.writestr("xl/worksheets/sheet1.xml", SHEET.format(dim=dim))
    return path


def _run(code: str) -> subprocess.CompletedProcess:
    # in a subprocess: if a guard failed, the reader would abort the process, not the suite
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_a_tiny_workbook_declaring_the_whole_grid_is_refused_naming_the_limit(tmp_path):
    for dim in ('<dimension ref="A1:XFD1048576"/>', ""):  # declared, and only the cells' real extent
        path = _bomb(tmp_path / f"bomb{len(dim)}.xlsx", dim)
        assert path.stat().st_size < 2000
        r = _run(
            f"from gaoxin.io.read import read_file; r = read_file({str(path)!r}); "
            "print(r.ok, r.errors[0].reason_en)"
        )
        assert r.returncode == 0, r.stderr[-500:]
        assert r.stdout.startswith("False") and "max_columns" in r.stdout


def test_read_table_refuses_the_same_bomb(tmp_path):
    path = _bomb(tmp_path / "bomb.xlsx")
    code = (
        "from pathlib import Path; from gaoxin.io.tables import Column, read_table; "
        f"t = read_table(Path({str(path)!r}), [Column('name', '名称', 'name')]); print(t.ok, t.errors[0].reason_en)"
    )
    r = _run(code)
    assert r.returncode == 0, r.stderr[-500:]
    assert r.stdout.startswith("False") and "max_columns" in r.stdout


def test_every_limit_is_a_setting_read_from_the_environment():
    from gaoxin.io import limits

    got = limits.from_environ({"GAOXIN_MAX_PROBLEMS": "7", "GAOXIN_MAX_FILE_BYTES": "1_000"})
    assert (got.max_problems, got.max_file_bytes, got.max_rows) == (7, 1000, limits.DEFAULT.max_rows)
    for bad in ("lots", "0", "-3"):
        try:
            limits.from_environ({"GAOXIN_MAX_TEXT": bad})
        except ValueError as e:
            assert "GAOXIN_MAX_TEXT" in str(e)
        else:
            raise AssertionError(bad)
    r = _run("from gaoxin.io import limits; print(limits.current().max_cells)")
    assert r.returncode == 0 and r.stdout.strip() == str(limits.DEFAULT.max_cells)


def test_a_process_started_with_a_limit_refuses_by_it(tmp_path):
    import os

    path = tmp_path / "big.csv"
    path.write_text("uscc,name,zone\n" + "x,甲,FZ\n" * 300, encoding="utf-8")
    code = f"from gaoxin.io.read import read_file; print(read_file({str(path)!r}).errors[0].reason_en)"
    env = {**os.environ, "GAOXIN_MAX_FILE_BYTES": "1000"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0 and "max_file_bytes" in r.stdout, r.stderr[-300:]
