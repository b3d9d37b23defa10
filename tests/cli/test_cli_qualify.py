"""`gaoxin qualify` end to end: synthetic files in, the wide csv and the officer's xlsx out."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from gaoxin.cli import main
from gaoxin.cultivation import TIERS
from gaoxin.data import synth
from gaoxin.data.dictionary import QUALIFICATION_KINDS


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[Path]:
    out = tmp_path_factory.mktemp("ladder")
    data = synth.synthesize(400, zones=1, years=(2022, 2025), seed=5)
    return synth.write(data, out)


def test_csv_has_one_row_per_firm_with_every_tier(files, tmp_path, capsys):
    out = tmp_path / "ladder.csv"
    assert main(["qualify", "--year", "2025", "--out", str(out), *map(str, files)]) == 0
    frame = pl.read_csv(out)
    assert frame.height == 400
    for tier in TIERS:
        assert {f"{tier}_status", f"{tier}_gaps"} <= set(frame.columns)
        assert set(frame[f"{tier}_status"].unique()) <= {"holds", "qualifies", "near", "far", "ineligible"}
    for c in ("uscc", "name", "tech_sme_score", "hightech_rd_ratio_3y", "hightech_rd_threshold",
              "hightech_growth_points_min", "hightech_growth_points_max", "hightech_capability_min",
              "hightech_capability_max"):  # fmt: skip
        assert c in frame.columns
    printed = capsys.readouterr().out
    assert "高新技术企业" in printed and "hightech/2016" in printed and "sme/2026" in printed
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel


def test_xlsx_has_a_candidate_sheet_per_tier_sorted_by_distance(files, tmp_path):
    out = tmp_path / "ladder.xlsx"
    assert main(["qualify", "--year", "2025", "--out", str(out), *map(str, files)]) == 0
    wb = openpyxl.load_workbook(out, read_only=True)
    names = wb.sheetnames
    assert names[:2] == ["汇总", "全部企业"] and names[-1] == "规则依据"
    assert len(names) == 3 + len(TIERS)
    ws = wb["高新技术企业"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("状态", "距离", "统一社会信用代码", "企业名称", "所在园区", "尚缺条件")
    order = {"符合条件": 0, "接近达标": 1, "差距较大": 2}
    keys = [(order[r[0]], r[1]) for r in rows[1:]]
    assert keys == sorted(keys) and keys
    assert all(r[5] for r in rows[1:] if r[0] != "符合条件")  # every candidate reads what it lacks
    head = next(wb["全部企业"].iter_rows(values_only=True))
    assert "统一社会信用代码" in head and f"{QUALIFICATION_KINDS['hightech']}：状态" in head


def test_config_and_on_date(files, tmp_path):
    cfg = tmp_path / "zone.yaml"
    cfg.write_text("sme_rules: '2022'\nnear: {hightech: 0.5}\n", encoding="utf-8")
    out = tmp_path / "a.csv"
    assert main(["qualify", "--year", "2025", "--config", str(cfg), "--on", "2026-12-31", "--out", str(out), *map(str, files)]) == 0  # fmt: skip
    frame = pl.read_csv(out)
    assert frame.height == 400


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--config", "nope.yaml"], "no such file"),
        (["--on", "2026-13-01"], "--on"),
        (["--year", "2031"], "2031"),
    ],
)
def test_errors_are_one_clear_message(files, tmp_path, capsys, extra, message):
    args = ["qualify", "--year", "2025", "--out", str(tmp_path / "x.csv"), *extra, *map(str, files)]
    if "--year" in extra:
        args = ["qualify", *extra, "--out", str(tmp_path / "x.csv"), *map(str, files)]
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_bad_config_lists_every_fault(files, tmp_path, capsys):
    cfg = tmp_path / "zone.yaml"
    cfg.write_text("near: {nowhere: 1}\ngazelle: {cagr: fast}\n", encoding="utf-8")
    assert main(["qualify", "--year", "2025", "--config", str(cfg), "--out", str(tmp_path / "x.csv"), *map(str, files)]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "near.nowhere" in err and "gazelle.cagr" in err


def test_wrong_suffix(files, tmp_path, capsys):
    assert main(["qualify", "--year", "2025", "--out", str(tmp_path / "x.txt"), *map(str, files)]) == 2
    assert "--out" in capsys.readouterr().err
