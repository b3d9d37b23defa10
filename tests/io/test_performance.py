"""A 100,000-row file with a few bad cells: the vectorised path finds exactly those cells and keeps every
other row (how fast it is is measured by ``make bench``'s end-to-end run, not asserted here)."""

from __future__ import annotations

from gaoxin.io import uscc
from gaoxin.io.read import read_file

HEADER = (
    "统一社会信用代码,企业名称,所在园区,成立日期,国民经济行业代码,高新技术领域,年度,职工总数,科技人员数,"
    "营业收入(元),主营业务收入(元),研发费用（万元）,境内研发费用,净利润,净资产,资产总额,负债总额,有效发明专利数,"
    "主导产品全国细分市场占有率(%),列入严重失信主体名单,研发机构级别"
)


def _rows(n: int, bad_every: int):
    for i in range(n):
        first17 = f"91350100M{i:08d}"
        code = first17 + uscc.check_char(first17)
        if i % bad_every == 7:
            code = code[:-1] + ("0" if code[-1] != "0" else "1")  # a few bad check characters
        ta = 1000 + i % 5000
        tl = i % 1000
        yield (
            f"{code},企业{i},FZ,2015/{1 + i % 12}/{1 + i % 28},I6513,电子信息,2023,{100 + i % 50},{i % 100},"
            f'"{(i % 1000) * 1_000_000 + 12_345:,}",{(i % 1000) * 1_000_000},{i % 300}.5,{i % 300},-,'
            f"{ta - tl},{ta},{tl},{i % 9},12.5,否,省级"
        )


def test_100k_rows_keep_every_good_row_and_name_each_bad_cell(tmp_path) -> None:
    n, bad_every = 100_000, 10_000
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "\n" + "\n".join(_rows(n, bad_every)) + "\n", encoding="utf-8")
    result = read_file(path)
    bad = n // bad_every
    assert len(result.errors) == bad
    assert all("校验位错误" in p.reason for p in result.errors)
    assert sorted(p.row for p in result.errors) == [i + 2 for i in range(n) if i % bad_every == 7]
    assert result.dataset.enterprises.height == n - bad
    assert result.dataset.reports.height == n - bad
    assert result.dataset.reports["revenue"][0] == 1.2345
