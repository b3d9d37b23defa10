"""The `gaoxin` command end to end: score, explain, models, synth — on files as users have them."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from gaoxin.cli import main
from gaoxin.data import synth
from gaoxin.scoring import load_model
from gaoxin.scoring.engine import output_columns, score


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("synth")
    assert (
        main(
            [
                "synth",
                "--enterprises",
                "600",
                "--zones",
                "2",
                "--years",
                "2023-2025",
                "--seed",
                "3",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    return out, sorted(out.glob("*.csv"))


@pytest.mark.parametrize("model_id", ["national-2024", "national-2025", "example-zone"])
def test_score_shipped_models_on_a_synthetic_population(population, tmp_path, model_id, capsys):
    _, files = population
    out = tmp_path / "ranking.csv"
    assert main(["score", "--model", model_id, "--year", "2025", "--out", str(out), *map(str, files)]) == 0
    frame = pl.read_csv(out)
    model = load_model(model_id)
    assert frame.columns == output_columns(model)
    assert frame.height > 500 and frame["year"].unique().to_list() == [2025]
    record = json.loads(out.with_name("ranking.csv.run.json").read_text(encoding="utf-8"))
    assert record["model_id"] == model_id and record["model_sha256"] == model.sha256
    assert {i["name"] for i in record["inputs"]} == {f.name for f in files}
    assert all(len(i["sha256"]) == 64 for i in record["inputs"])
    assert "评分" in capsys.readouterr().out


def test_identical_inputs_give_byte_identical_csv(population, tmp_path):
    _, files = population
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for out in (a, b):
        assert (
            main(["score", "--model", "example-zone", "--year", "2025", "--out", str(out), *map(str, files)])
            == 0
        )
    assert a.read_bytes() == b.read_bytes()


def test_input_format_does_not_change_results(population, tmp_path):
    _, files = population
    data = synth.synthesize(600, zones=2, years=(2023, 2025), seed=3)
    parquet_dir = tmp_path / "pq"
    pq_files = synth.write(data, parquet_dir, fmt="parquet")
    xlsx = tmp_path / "data.xlsx"
    import xlsxwriter

    with xlsxwriter.Workbook(str(xlsx)) as wb:  # one workbook, one sheet per table, Chinese headers
        from gaoxin.data.dictionary import BY_ID

        for sheet, frame in (
            ("企业", data.enterprises),
            ("年报", data.reports),
            ("资质", data.qualifications),
        ):
            ws = wb.add_worksheet(sheet)
            ws.write_row(0, 0, [BY_ID[c].zh if c in BY_ID else c for c in frame.columns])
            for i, row in enumerate(frame.iter_rows(), start=1):
                for j, v in enumerate(row):
                    if v is not None:
                        ws.write(i, j, v.isoformat() if hasattr(v, "isoformat") else v)
    outs = {}
    for name, inputs in (("csv", files), ("parquet", pq_files), ("xlsx", [xlsx])):
        out = tmp_path / f"{name}.csv"
        assert (
            main(
                ["score", "--model", "national-2024", "--year", "2025", "--out", str(out), *map(str, inputs)]
            )
            == 0
        )
        outs[name] = pl.read_csv(out)
    assert outs["csv"].equals(outs["parquet"])
    from polars.testing import assert_frame_equal

    assert_frame_equal(outs["csv"], outs["xlsx"], check_exact=False, rel_tol=1e-12)


def test_output_formats_carry_the_same_rows(population, tmp_path):
    _, files = population
    paths = {s: tmp_path / f"r.{s}" for s in ("csv", "parquet", "xlsx")}
    for p in paths.values():
        assert (
            main(["score", "--model", "national-2024", "--year", "2025", "--out", str(p), *map(str, files)])
            == 0
        )
    csv, parquet = pl.read_csv(paths["csv"]), pl.read_parquet(paths["parquet"])
    assert csv["uscc"].to_list() == parquet["uscc"].to_list()
    assert csv["total"].to_list() == parquet["total"].to_list()  # full precision survives the CSV
    wb = openpyxl.load_workbook(paths["xlsx"], read_only=True)
    assert wb.sheetnames[:3] == ["汇总", "排名", "模型与运行"]
    ranking = wb["排名"]
    header = [c.value for c in next(ranking.iter_rows(max_row=1))]
    assert header[:6] == ["统一社会信用代码", "企业名称", "所在园区", "年度", "发展阶段", "总分"]
    first = [c.value for c in next(ranking.iter_rows(min_row=2, max_row=2))]
    assert first[0] == csv["uscc"][0] and first[5] == csv["total"][0]
    run_sheet = {r[0]: r[1] for r in wb["模型与运行"].iter_rows(values_only=True) if r and r[0]}
    assert run_sheet["模型编号 model id"] == "national-2024"
    assert len(run_sheet["模型文件 SHA-256"]) == 64
    wb.close()
    wb = openpyxl.load_workbook(paths["xlsx"])
    assert wb["排名"].freeze_panes == "C2"


# --- hand-made department files --------------------------------------------------------------------

GOOD = "91350100M000100Y43"


def _valid(n: int) -> str:
    from gaoxin.io.uscc import check_char

    body = f"91350100M{n:08d}"
    return body + check_char(body)


def _gb18030_files(tmp_path: Path, bad: bool = False) -> list[Path]:
    ents = tmp_path / "企业信息.csv"
    lines = ["统一社会信用代码,企业名称,所在园区,成立日期,高新技术领域"]
    for i in range(1, 6):
        lines.append(f"{_valid(i)},福州测试{i}科技有限公司,FZ,2015年3月{i}日,电子信息")
    ents.write_bytes("\n".join(lines).encode("gb18030"))
    reps = tmp_path / "年报.csv"
    rows = ["统一社会信用代码,年度,营业收入（元）,研发费用(万元),职工总数,科技人员数,有效发明专利数"]
    for i in range(1, 6):
        rows.append(f'{_valid(i)},2025,"{i * 1_000_000:,}",{i * 12.5},{20 * i},{5 * i},{i}')
        rows.append(f'{_valid(i)},2024,"{i * 800_000:,}",{i * 10},{20 * i},{4 * i},{i - 1}')
    if bad:
        rows.append(f"{_valid(1)[:-1]}X,2025,100,1,10,2,1")  # row 12: bad check character
        rows.append(f"{_valid(2)},2023,abc,1,10,2,1")  # row 13: not a number
        rows.append(f"{_valid(3)},2023,100,1,10,20,1")  # row 14: tech staff > employees
    reps.write_bytes("\n".join(rows).encode("gb18030"))
    return [ents, reps]


def test_hand_made_gb18030_files_score_with_units_converted(tmp_path):
    out = tmp_path / "out.csv"
    files = _gb18030_files(tmp_path)
    assert (
        main(["score", "--model", "national-2024", "--year", "2025", "--out", str(out), *map(str, files)])
        == 0
    )
    frame = pl.read_csv(out)
    assert frame.height == 5 and set(frame["zone"].to_list()) == {"FZ"}
    firm = frame.filter(pl.col("uscc") == _valid(2)).row(0, named=True)
    # R&D intensity = 25 万元 / (2,000,000 元 = 200 万元) = 0.125 — the 元 header was converted to 万元
    model = load_model("national-2024")
    rd_int = next(i for i in model.indicators if i.value.text.replace(" ", "") == "rd_expense/revenue")
    assert firm[f"val:{rd_int.id}"] == pytest.approx(0.125)


def test_a_file_with_errors_is_refused_whole_with_every_problem_and_no_output(tmp_path, capsys):
    out = tmp_path / "out.xlsx"
    files = _gb18030_files(tmp_path, bad=True)
    code = main(["score", "--model", "national-2024", "--year", "2025", "--out", str(out), *map(str, files)])
    assert code == 2 and not out.exists()
    printed = capsys.readouterr()
    assert "校验位" in printed.out and "不是有效的数字" in printed.out
    report = tmp_path / "out-errors.xlsx"
    rows = list(openpyxl.load_workbook(report).active.iter_rows(values_only=True))
    assert rows[0][:6] == ("文件", "工作表", "行", "列", "值", "原因")
    problems = rows[1:]
    assert {r[2] for r in problems if r[0] == "年报.csv"} >= {12, 13, 14}  # the header is row 1
    assert any(r[2] == 14 and "职工总数" in r[5] for r in problems)


def test_skip_invalid_scores_the_rest_and_lists_what_was_skipped(tmp_path):
    out = tmp_path / "out.csv"
    files = _gb18030_files(tmp_path, bad=True)
    code = main(
        [
            "score",
            "--model",
            "national-2024",
            "--year",
            "2025",
            "--skip-invalid",
            "--out",
            str(out),
            *map(str, files),
        ]
    )
    assert code == 0
    assert pl.read_csv(out).height == 5
    record = json.loads(Path(str(out) + ".run.json").read_text(encoding="utf-8"))
    assert {r["row"] for r in record["skipped_rows"]} >= {12, 13, 14}


def test_a_bad_model_is_refused_with_its_faults(tmp_path, population, capsys):
    bad = tmp_path / "zone.yaml"
    bad.write_text(
        load_model("national-2024").source.replace('value: "rd_expense"', 'value: "rd_expens"', 1),
        encoding="utf-8",
    )
    _, files = population
    code = main(
        ["score", "--model", str(bad), "--year", "2025", "--out", str(tmp_path / "o.csv"), *map(str, files)]
    )
    assert code == 3 and "rd_expens" in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()


def test_explain_prints_breakdown_and_levers(population, capsys):
    _, files = population
    data = synth.synthesize(600, zones=2, years=(2023, 2025), seed=3)
    frame = score(load_model("national-2024"), data, 2025).frame
    middle = frame.filter(~pl.col("vetoed")).sort("total")[frame.height // 2]["uscc"][0]
    assert (
        main(
            [
                "explain",
                "--model",
                "national-2024",
                "--year",
                "2025",
                "--uscc",
                middle.lower(),
                *map(str, files),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert middle in text and "同组排名" in text and "最有效的提升路径" in text
    assert (
        main(["explain", "--model", "national-2024", "--year", "2025", "--uscc", GOOD, *map(str, files)]) == 2
    )


def test_models_list_show_validate(tmp_path, capsys):
    assert main(["models", "list"]) == 0
    listing = capsys.readouterr().out
    assert "national-2024" in listing and "example-zone" in listing
    assert main(["models", "show", "national-2025"]) == 0
    assert "加分" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: 1\n", encoding="utf-8")
    assert main(["models", "validate", str(bad)]) == 3
    assert "missing required key 'name'" in capsys.readouterr().out


def test_synth_is_deterministic_by_seed(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        assert main(["synth", "--enterprises", "50", "--seed", "9", "--out", str(d)]) == 0
    assert (a / "reports.csv").read_bytes() == (b / "reports.csv").read_bytes()


def test_progress_is_quiet_when_not_a_terminal(population, tmp_path, capsys):
    _, files = population
    main(
        [
            "score",
            "--model",
            "national-2024",
            "--year",
            "2025",
            "--out",
            str(tmp_path / "o.csv"),
            *map(str, files),
        ]
    )
    assert "…" not in capsys.readouterr().err
