"""The synthetic population: valid codes, unique names, sound relations, the requested gaps,
realistic shapes, determinism, and a lossless round trip through the written files."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from gaoxin.data import synth
from gaoxin.data.dataset import schema
from gaoxin.data.dictionary import (
    BY_ID,
    LISTED_BOARDS,
    NET_ASSETS_TOLERANCE,
    NOT_GREATER_THAN,
    QUALIFICATION_KINDS,
    RD_INSTITUTION_LEVELS,
    REPORT_FIELDS,
    TECH_FIELDS,
)
from gaoxin.io.uscc import problem

N = 3000
YEARS = (2021, 2025)
OPTIONAL = [f.id for f in REPORT_FIELDS if f.id != "year"]


@pytest.fixture(scope="module")
def ds():
    return synth.synthesize(N, zones=5, years=YEARS, seed=7)


@pytest.fixture(scope="module")
def complete():
    """A population without gaps, for the statistics."""
    return synth.synthesize(20_000, zones=20, years=YEARS, seed=11, missing=0.0)


def frames(d):
    return {"enterprise": d.enterprises, "report": d.reports, "qualification": d.qualifications}


# --- shape ------------------------------------------------------------------------------------------


def test_every_frame_has_exactly_the_canonical_schema(ds):
    for table, frame in frames(ds).items():
        assert frame.schema == pl.Schema(schema(table)), table


def test_sizes(ds):
    assert ds.enterprises.height == N
    assert ds.reports.height > N  # several years per firm
    assert ds.qualifications.height > 0


def test_no_enterprises_gives_empty_frames_with_the_schema():
    d = synth.synthesize(0)
    for table, frame in frames(d).items():
        assert frame.height == 0
        assert frame.schema == pl.Schema(schema(table))


@pytest.mark.parametrize(
    "kwargs",
    [{"enterprises": -1}, {"enterprises": 5, "zones": 0}, {"enterprises": 5, "years": (2025, 2021)},
     {"enterprises": 5, "missing": 1.5}],
)  # fmt: skip
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises(ValueError):
        synth.synthesize(**kwargs)


def test_progress_rises_from_0_to_1():
    seen = []
    synth.synthesize(500, progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen) and len(seen) >= 3


# --- enterprises -------------------------------------------------------------------------------------


def test_every_uscc_is_valid_and_unique(ds):
    codes = ds.enterprises["uscc"]
    assert codes.n_unique() == N
    bad = [(c, problem(c)) for c in codes if problem(c)]
    assert bad == []
    assert codes.str.starts_with("91").all()  # registered by market regulation, an enterprise
    assert codes.str.slice(2, 6).str.contains(r"^[1-6]\d{5}$").all()  # a region code


def test_organisation_code_check_character(ds):
    """Characters 9–17 are a GB 11714 organisation code with its own check character."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    for code in ds.enterprises["uscc"].head(300):
        body, check = code[8:16], code[16]
        expected = 11 - sum(int(c, 36) * w for c, w in zip(body, weights, strict=True)) % 11
        assert check == {10: "X", 11: "0"}.get(expected, str(expected)), code


def test_firms_founded_since_2016_have_ma_codes(ds):
    e = ds.enterprises.with_columns(ma=pl.col("uscc").str.slice(8, 2) == "MA")
    assert e.filter(pl.col("established").dt.year() >= 2016)["ma"].all()
    assert not e.filter(pl.col("established").dt.year() < 2016)["ma"].any()


def test_codes_differ_by_seed_and_hold_at_scale():
    a = synth.synthesize(20_000, zones=3, seed=1, years=(2025, 2025)).enterprises
    b = synth.synthesize(20_000, zones=3, seed=2, years=(2025, 2025)).enterprises
    assert a["uscc"].n_unique() == b["uscc"].n_unique() == 20_000
    assert a["name"].n_unique() == 20_000
    assert a["uscc"].to_list() != b["uscc"].to_list()


def test_names_are_unique_plausible_company_names(ds):
    names = ds.enterprises["name"]
    assert names.n_unique() == N
    assert names.str.ends_with("有限公司").all()
    cities = {city for _, city, _ in synth._ZONES}
    assert all(any(name.startswith(city) for city in cities) for name in names)
    assert names.str.len_chars().min() >= 8


def test_name_construction_stays_unique_past_two_character_trade_names():
    """One city and one word for more firms than there are two-character trade names."""
    n = len(synth._TRADE_A) * len(synth._TRADE_B) + 2000
    rng = np.random.default_rng(0)
    names = synth._names(rng, np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, bool))
    assert names.n_unique() == n
    assert names.str.len_chars().max() == names.str.len_chars().min() + 1  # a third trade character


def test_names_read_back_into_one_city_trade_and_word():
    """What makes the construction unique: no city is a prefix of another, words are distinct, and a
    third trade character never starts a word."""
    cities = synth._CITIES
    assert not [a for a in cities for b in cities if a != b and b.startswith(a)]
    assert len(set(synth._WORDS)) == len(synth._WORDS)
    assert not set(synth._TRADE_C) & {w[0] for w in synth._WORDS}
    assert not set(synth._TRADE_A) & set(synth._TRADE_B)


def test_zones_codes_and_names(ds):
    assert synth.zone_code(0) == "Z001" and synth.zone_code(179) == "Z180"
    assert synth.ZONE_CODES[:3] == ("Z001", "Z002", "Z003")
    assert synth.zone_name(0) == "长沙高新区" and synth.zone_name(1) == "杭州高新区"
    listed = synth.zones(400)
    assert len({code for code, _ in listed}) == len({name for _, name in listed}) == 400
    assert synth.zone_name(len(synth.ZONE_NAMES)).startswith(synth.ZONE_NAMES[0])
    assert set(ds.enterprises["zone"]) <= {f"Z00{i}" for i in range(1, 6)}
    assert ds.enterprises["zone"].n_unique() == 5


def test_enums_and_codes_take_allowed_values(ds):
    e = ds.enterprises
    assert set(e["tech_field"].drop_nulls()) <= set(TECH_FIELDS)
    assert 0.02 < e["tech_field"].null_count() / N < 0.2  # some firms declare no field
    assert set(e["listed_board"].drop_nulls()) <= set(LISTED_BOARDS)
    assert 0 < e["listed_board"].drop_nulls().len() < 0.1 * N  # a few are listed
    assert e["industry"].str.contains(r"^[A-T]\d{4}$").all()
    assert set(ds.reports["rd_institution"].drop_nulls()) <= set(RD_INSTITUTION_LEVELS)
    assert set(ds.qualifications["kind"]) <= set(QUALIFICATION_KINDS)


def test_industry_is_consistent_with_the_tech_field(ds):
    fields_per_industry = ds.enterprises.group_by("industry").agg(pl.col("tech_field").n_unique())
    assert (fields_per_industry["tech_field"] == 1).all()
    software = ds.enterprises.filter(pl.col("industry") == "I6513")["tech_field"]
    assert set(software) == {"电子信息"}


def test_ages_spread_over_young_and_established_firms(complete):
    end = date(YEARS[1], 12, 31)
    age = complete.enterprises.select((pl.lit(end) - pl.col("established")).dt.total_days() / 365.25)
    age = age.to_series()
    assert (age >= 0).all()
    assert 0.05 < (age < 3).mean() < 0.3
    assert ((age >= 3) & (age <= 20)).mean() > 0.6


# --- reports -----------------------------------------------------------------------------------------


def test_one_report_per_firm_and_year_from_the_founding_year_on(ds):
    r = ds.reports
    assert r.select("uscc", "year").is_duplicated().sum() == 0
    assert r["uscc"].null_count() == 0 and r["year"].null_count() == 0
    joined = r.join(ds.enterprises.select("uscc", "established"), on="uscc", how="left")
    assert joined["established"].null_count() == 0  # every report belongs to an enterprise
    assert (joined["year"] >= joined["established"].dt.year()).all()
    expected = ds.enterprises.select(
        (YEARS[1] - pl.max_horizontal(pl.col("established").dt.year(), pl.lit(YEARS[0])) + 1).sum()
    ).item()
    assert r.height == expected  # and none is left out


def test_relations_of_the_dictionary_hold(ds):
    r = ds.reports
    for small, large in NOT_GREATER_THAN:
        both = r.filter(pl.col(small).is_not_null() & pl.col(large).is_not_null())
        assert both.height > 0.8 * r.height
        assert (both[small] <= both[large]).all(), (small, large)
    ip = r.filter(
        pl.all_horizontal(
            pl.col("class1_ip_self_developed", "invention_patents", "other_class1_ip").is_not_null()
        )
    )
    assert (ip["class1_ip_self_developed"] <= ip["invention_patents"] + ip["other_class1_ip"]).all()


def test_bounds_of_the_dictionary_hold(ds):
    for name in OPTIONAL:
        f = BY_ID[name]
        column = ds.reports[name].drop_nulls()
        if f.min is not None:
            assert column.min() >= f.min, name
        if f.max is not None:
            assert column.max() <= f.max, name


def test_net_assets_are_assets_less_liabilities(ds):
    r = ds.reports.drop_nulls(["net_assets", "total_assets", "total_liabilities"])
    gap = (r["net_assets"] - (r["total_assets"] - r["total_liabilities"])).abs()
    assert gap.max() < 1e-6 < NET_ASSETS_TOLERANCE
    assert (r["net_assets"] < 0).any()  # a few insolvent firms


def test_money_is_rounded_to_the_yuan(ds):
    for f in REPORT_FIELDS:
        if f.type == "money":
            values = ds.reports[f.id].drop_nulls()
            assert ((values * 10_000).round(0) - values * 10_000).abs().max() < 1e-4, f.id


@pytest.mark.parametrize("missing", [0.0, 0.05, 0.3])
def test_the_requested_share_of_optional_cells_is_missing(missing):
    r = synth.synthesize(2000, years=YEARS, seed=3, missing=missing).reports
    nulls = r.select(pl.col(OPTIONAL).null_count()).sum_horizontal().item()
    share = nulls / (r.height * len(OPTIONAL))
    assert abs(share - missing) < 0.01
    assert r["uscc"].null_count() == 0 and r["year"].null_count() == 0


def test_revenue_is_heavy_tailed(complete):
    revenue = complete.reports.filter(pl.col("year") == YEARS[1])["revenue"].sort(descending=True)
    top = revenue.head(revenue.len() // 100).sum() / revenue.sum()
    assert top > 0.15  # the top 1 % of firms hold a large share of revenue
    assert revenue.median() < revenue.mean() / 2
    assert 1000 < revenue.median() < 6000  # a few thousand 万元
    assert 0 < (revenue == 0).mean() < 0.1  # and a few pre-revenue start-ups
    assert revenue.max() > 300 * revenue.median()


def test_staff_follow_revenue_and_rd_follows_the_field(complete):
    r = complete.reports.join(complete.enterprises.select("uscc", "tech_field"), on="uscc")
    corr = r.select(pl.corr("revenue", "employees", method="spearman")).item()
    assert corr > 0.6
    intensity = (
        r.filter(pl.col("revenue") > 0)
        .group_by("tech_field")
        .agg((pl.col("rd_expense") / pl.col("revenue")).median().alias("median"))
    )
    median = dict(zip(intensity["tech_field"], intensity["median"], strict=True))
    assert median["电子信息"] > median["新材料"] and median["生物与新医药"] > median["先进制造与自动化"]
    assert median[None] < 0.03 < median["电子信息"]
    ip = r.select(pl.corr("rd_expense", "invention_patents", method="spearman")).item()
    assert ip > 0.3


def test_growth_persists_from_year_to_year(complete):
    growth = (
        complete.reports.sort("uscc", "year")
        .with_columns(g=(pl.col("revenue") / pl.col("revenue").shift().over("uscc")).log())
        .with_columns(prev_g=pl.col("g").shift().over("uscc"))
        .filter(pl.col("g").is_finite() & pl.col("prev_g").is_finite())
    )
    assert growth.select(pl.corr("g", "prev_g")).item() > 0.1
    assert 0.0 < growth["g"].median() < 0.3


def test_patent_stocks_grow(complete):
    r = complete.reports.sort("uscc", "year")
    change = r.with_columns(d=pl.col("invention_patents").diff().over("uscc"))["d"].drop_nulls()
    assert (change >= 0).all()


def test_veto_events_are_present_but_rare(complete):
    r = complete.reports
    either = (r["serious_dishonesty"] | r["major_incident"]).mean()
    assert 0.002 < either < 0.008
    assert r["serious_dishonesty"].sum() > 0 and r["major_incident"].sum() > 0
    assert 0 < (r["admin_penalties"] > 0).mean() < 0.1


# --- qualifications ----------------------------------------------------------------------------------


def test_qualifications_are_well_formed(ds):
    q = ds.qualifications
    assert (q["valid_from"] <= q["valid_to"]).all()
    assert set(q["uscc"]) <= set(ds.enterprises["uscc"])
    after = q.join(ds.enterprises.select("uscc", "established"), on="uscc")
    assert (after["valid_from"].dt.year() > after["established"].dt.year()).all()
    ht = q.filter(pl.col("kind") == "hightech")
    assert ht["certificate_no"].str.contains(r"^GR\d{11}$").all()
    assert ht["certificate_no"].n_unique() == ht.height
    assert (ht["valid_to"] == ht["valid_from"].dt.offset_by("3y").dt.offset_by("-1d")).all()
    sme = q.filter(pl.col("kind") == "tech_sme")
    assert (sme["valid_to"] == pl.Series([date(y, 12, 31) for y in sme["valid_from"].dt.year()])).all()


def held(q, kind, year):
    end = date(year, 12, 31)
    return q.filter((pl.col("kind") == kind) & (pl.col("valid_from") <= end) & (pl.col("valid_to") >= end))


def test_holders_are_plausible(complete):
    q, r = complete.qualifications, complete.reports
    year = YEARS[1]
    firms = r.filter(pl.col("year") == year)
    shares = {kind: held(q, kind, year)["uscc"].n_unique() / firms.height for kind in QUALIFICATION_KINDS}
    assert 0.15 < shares["hightech"] < 0.6
    assert 0.2 < shares["tech_sme"] < 0.8
    assert 0.01 < shares["specialized_sme"] < shares["hightech"]
    assert 0 < shares["little_giant"] < shares["specialized_sme"] / 4
    assert math.isclose(shares["gazelle"], 0.0275, abs_tol=0.01)
    # HNTE holders mostly meet the R&D-intensity floor, far more often than firms at large
    holders = firms.join(held(q, "hightech", year).select("uscc").unique(), on="uscc").filter(
        pl.col("revenue") > 0
    )
    ratio = (holders["rd_expense"] / holders["revenue"] >= 0.03).mean()
    overall = (
        (firms.filter(pl.col("revenue") > 0).select(pl.col("rd_expense") / pl.col("revenue") >= 0.03))
        .to_series()
        .mean()
    )
    assert ratio > 0.85 and ratio > overall
    # tech SMEs are small: within the 500-staff and 2亿 caps (by the year's own report)
    sme = firms.join(held(q, "tech_sme", year).select("uscc"), on="uscc")
    assert (sme["employees"] <= 500).all() and (sme["revenue"] <= 20000).all()


def test_a_little_giant_holds_the_specialized_title(complete):
    q = complete.qualifications
    giants = q.filter(pl.col("kind") == "little_giant")
    specialized = q.filter(pl.col("kind") == "specialized_sme")
    assert giants.height > 0
    covered = giants.join(specialized, on="uscc", suffix="_s").filter(
        (pl.col("valid_from_s") <= pl.col("valid_from")) & (pl.col("valid_to_s") >= pl.col("valid_from"))
    )
    assert covered["uscc"].n_unique() == giants["uscc"].n_unique()


# --- determinism and files ---------------------------------------------------------------------------


def test_same_arguments_give_identical_frames_and_files(ds, tmp_path):
    again = synth.synthesize(N, zones=5, years=YEARS, seed=7)
    for table, frame in frames(ds).items():
        assert_frame_equal(frame, frames(again)[table])
    a = synth.write(ds, tmp_path / "a")
    b = synth.write(again, tmp_path / "b")
    assert [p.name for p in a] == ["enterprises.csv", "reports.csv", "qualifications.csv"]
    for pa, pb in zip(a, b, strict=True):
        assert pa.read_bytes() == pb.read_bytes()


def test_another_seed_gives_other_data(ds):
    other = synth.synthesize(N, zones=5, years=YEARS, seed=8)
    assert not other.enterprises.equals(ds.enterprises)
    assert not other.reports.select(pl.exclude("uscc")).equals(ds.reports.select(pl.exclude("uscc")))
    assert ds.enterprises["name"].to_list() != other.enterprises["name"].to_list()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_written_files_read_back_equal(ds, tmp_path, fmt):
    paths = synth.write(ds, tmp_path, fmt=fmt)
    tables = ("enterprise", "report", "qualification")
    assert [p.suffix for p in paths] == [f".{fmt}"] * 3
    for path, table in zip(paths, tables, strict=True):
        if fmt == "csv":
            head = path.read_text(encoding="utf-8").splitlines()[0]
            assert head.split(",") == list(schema(table))  # English id headers
            back = pl.read_csv(path, schema=schema(table))
        else:
            back = pl.read_parquet(path)
        assert_frame_equal(back, frames(ds)[table])


def test_write_refuses_an_unknown_format(ds, tmp_path):
    with pytest.raises(ValueError):
        synth.write(ds, tmp_path, fmt="xlsx")
