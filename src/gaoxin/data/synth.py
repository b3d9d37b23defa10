"""Synthetic enterprise populations for demos, tests and benchmarks.

``synthesize`` returns a :class:`~gaoxin.data.dataset.Dataset` of invented technology enterprises, their
annual reports and their qualifications, in the canonical columns and dtypes, deterministic by seed.
Everything is drawn column-wise with NumPy: no Python loop runs per enterprise, so two million firms
with two years of reports take about 12 s of CPU time. What the numbers are calibrated on, and what is only a plausible assumption, is written
down in ``docs/en/synth.md``; the constants below carry the same notes in short.

Guarantees (tested): every USCC is valid (GB 32100-2015, with a GB 11714 organisation-code body) and
unique, names are unique, a firm reports only for years from its founding year on, no relation of
``dictionary.NOT_GREATER_THAN`` is broken, net_assets = total_assets − total_liabilities, money is
rounded to the yuan (4 decimals of 万元), and about ``missing`` of the optional report cells are null.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from gaoxin.data.dataset import Dataset, schema
from gaoxin.data.dictionary import LISTED_BOARDS, RD_INSTITUTION_LEVELS, TECH_FIELDS
from gaoxin.io.uscc import ALPHABET, WEIGHTS

# --------------------------------------------------------------------------------------------------
# Zones: stable codes Z001, Z002, … and Chinese names. Each entry is zone name / city used in firm names /
# region code (a 4-digit prefecture code, to which a district is appended, or a full 6-digit county code).
# Real high-tech zones, mostly national ones, for plausibility; not an authoritative register.
_ZONE_TABLE = """
长沙高新区/长沙/4301 杭州高新区/杭州/3301 中关村科技园区/北京/1101 深圳高新区/深圳/4403
上海张江高新区/上海/3101 武汉东湖高新区/武汉/4201 西安高新区/西安/6101 成都高新区/成都/5101
广州高新区/广州/4401 苏州高新区/苏州/3205 合肥高新区/合肥/3401 南京高新区/南京/3201
天津滨海高新区/天津/1201 济南高新区/济南/3701 青岛高新区/青岛/3702 郑州高新区/郑州/4101
重庆高新区/重庆/5001 沈阳高新区/沈阳/2101 大连高新区/大连/2102 长春高新区/长春/2201
哈尔滨高新区/哈尔滨/2301 厦门火炬高新区/厦门/3502 福州高新区/福州/3501 宁波高新区/宁波/3302
无锡高新区/无锡/3202 常州高新区/常州/3204 南昌高新区/南昌/3601 昆明高新区/昆明/5301 贵阳高新区/贵阳/5201
南宁高新区/南宁/4501 石家庄高新区/石家庄/1301 太原高新区/太原/1401 兰州高新区/兰州/6201
乌鲁木齐高新区/乌鲁木齐/6501 呼和浩特金山高新区/呼和浩特/1501 银川高新区/银川/6401 青海高新区/西宁/6301
海口高新区/海口/4601 上海紫竹高新区/上海/3101 保定高新区/保定/1306 唐山高新区/唐山/1302
燕郊高新区/三河/131082 承德高新区/承德/1308 邯郸高新区/邯郸/1304 衡水高新区/衡水/1311
长治高新区/长治/1404 包头稀土高新区/包头/1502 鄂尔多斯高新区/鄂尔多斯/1506 鞍山高新区/鞍山/2103
营口高新区/营口/2108 辽阳高新区/辽阳/2110 本溪高新区/本溪/2105 阜新高新区/阜新/2109 锦州高新区/锦州/2107
吉林高新区/吉林/2202 延吉高新区/延吉/222401 长春净月高新区/长春/2201 通化医药高新区/通化/2205
大庆高新区/大庆/2306 齐齐哈尔高新区/齐齐哈尔/2302 泰州医药高新区/泰州/3212 昆山高新区/昆山/320583
江阴高新区/江阴/320281 徐州高新区/徐州/3203 武进高新区/常州/320412 南通高新区/南通/3206
镇江高新区/镇江/3211 连云港高新区/连云港/3207 盐城高新区/盐城/3209 扬州高新区/扬州/3210
常熟高新区/常熟/320581 宿迁高新区/宿迁/3213 淮安高新区/淮安/3208 绍兴高新区/绍兴/3306
温州高新区/温州/3303 衢州高新区/衢州/3308 萧山临江高新区/杭州/330109 嘉兴秀洲高新区/嘉兴/330411
湖州莫干山高新区/湖州/3305 金华高新区/金华/3307 芜湖高新区/芜湖/3402 蚌埠高新区/蚌埠/3403
马鞍山慈湖高新区/马鞍山/3405 铜陵狮子山高新区/铜陵/3407 淮南高新区/淮南/3404 泉州高新区/泉州/3505
莆田高新区/莆田/3503 漳州高新区/漳州/3506 三明高新区/三明/3504 龙岩高新区/龙岩/3508 新余高新区/新余/3605
景德镇高新区/景德镇/3602 鹰潭高新区/鹰潭/3606 抚州高新区/抚州/3610 吉安高新区/吉安/3608
赣州高新区/赣州/3607 九江共青城高新区/九江/360482 宜春丰城高新区/宜春/360981 淄博高新区/淄博/3703
潍坊高新区/潍坊/3707 威海火炬高新区/威海/3710 济宁高新区/济宁/3708 烟台高新区/烟台/3706
临沂高新区/临沂/3713 泰安高新区/泰安/3709 枣庄高新区/枣庄/3704 德州高新区/德州/3714
莱芜高新区/济南/370116 黄河三角洲农高区/东营/3705 洛阳高新区/洛阳/4103 安阳高新区/安阳/4105
南阳高新区/南阳/4113 新乡高新区/新乡/4107 平顶山高新区/平顶山/4104 焦作高新区/焦作/4108
襄阳高新区/襄阳/4206 宜昌高新区/宜昌/4205 孝感高新区/孝感/4209 荆门高新区/荆门/4208 随州高新区/随州/4213
仙桃高新区/仙桃/429004 咸宁高新区/咸宁/4212 黄冈高新区/黄冈/4211 荆州高新区/荆州/4210
黄石大冶湖高新区/黄石/4202 潜江高新区/潜江/429005 株洲高新区/株洲/4302 湘潭高新区/湘潭/4303
益阳高新区/益阳/4309 衡阳高新区/衡阳/4304 郴州高新区/郴州/4310 常德高新区/常德/4307 怀化高新区/怀化/4312
珠海高新区/珠海/4404 惠州仲恺高新区/惠州/4413 佛山高新区/佛山/4406 中山火炬高新区/中山/4420
东莞松山湖高新区/东莞/4419 肇庆高新区/肇庆/4412 江门高新区/江门/4407 河源高新区/河源/4416
清远高新区/清远/4418 汕头高新区/汕头/4405 湛江高新区/湛江/4408 茂名高新区/茂名/4409 桂林高新区/桂林/4503
柳州高新区/柳州/4502 北海高新区/北海/4505 璧山高新区/重庆/500120 荣昌高新区/重庆/500153
永川高新区/重庆/500118 绵阳高新区/绵阳/5107 自贡高新区/自贡/5103 乐山高新区/乐山/5111
泸州高新区/泸州/5105 攀枝花钒钛高新区/攀枝花/5104 德阳高新区/德阳/5106 内江高新区/内江/5110
安顺高新区/安顺/5204 玉溪高新区/玉溪/5304 楚雄高新区/楚雄/532301 宝鸡高新区/宝鸡/6103
杨凌示范区/杨凌/610403 咸阳高新区/咸阳/6104 渭南高新区/渭南/6105 榆林高新区/榆林/6108
安康高新区/安康/6109 白银高新区/白银/6204 石嘴山高新区/石嘴山/6402 昌吉高新区/昌吉/652301
石河子高新区/石河子/659001 台州高新区/台州/3310 丽水高新区/丽水/3311 滁州高新区/滁州/3411
安庆高新区/安庆/3408 六安高新区/六安/3415 许昌高新区/许昌/4110 宜宾高新区/宜宾/5115 遵义高新区/遵义/5203
汉中高新区/汉中/6107
"""
_ZONES: tuple[tuple[str, ...], ...] = tuple(tuple(entry.split("/")) for entry in _ZONE_TABLE.split())
# The biggest zones hold many more firms than the smallest (an assumption in shape, not in numbers):
# the first ten of the list get a fourfold weight, every zone a lognormal factor (log-sd 0.7) drawn
# from the seed.
_MAJOR_ZONES = 10
_CITIES: tuple[str, ...] = tuple(dict.fromkeys(city for _, city, _ in _ZONES))
_CITY_OF_ZONE = np.array([_CITIES.index(city) for _, city, _ in _ZONES], dtype=np.int64)


def zone_code(i: int) -> str:
    """The stable code of the i-th zone (0-based): Z001, Z002, …, Z999, Z1000, …"""
    return f"Z{i + 1:03d}"


def zone_name(i: int) -> str:
    """The Chinese name of the i-th zone (0-based); past the list, names repeat with （2）, （3）, …"""
    name = _ZONES[i % len(_ZONES)][0]
    lap = i // len(_ZONES)
    return name if lap == 0 else f"{name}（{lap + 1}）"


def zones(n: int) -> list[tuple[str, str]]:
    """(code, name) of the first n zones, as ``synthesize(…, zones=n)`` uses them."""
    return [(zone_code(i), zone_name(i)) for i in range(n)]


ZONE_CODES: tuple[str, ...] = tuple(zone_code(i) for i in range(len(_ZONES)))
ZONE_NAMES: tuple[str, ...] = tuple(zone_name(i) for i in range(len(_ZONES)))

# --------------------------------------------------------------------------------------------------
# Tech fields and industries. Field shares: an assumption that follows the known ranking of high-tech
# enterprise fields (electronics and advanced manufacturing first), not a published table.
_FIELD_SHARE = np.array([0.28, 0.09, 0.02, 0.10, 0.14, 0.08, 0.06, 0.23])
_NO_FIELD_SHARE = 0.08  # firms in a zone without a declared high-tech field
_NONE = len(TECH_FIELDS)  # field index of "no field"
# Per field (index as TECH_FIELDS, then "none"): median R&D intensity (R&D ÷ revenue), log-size offset,
# mean share of S&T staff. Assumptions, set so that the HNTE (3/4/5 %) and tech-SME (10 % staff)
# thresholds of qualification-rules.md cut through the population rather than above or below it.
_RD_INTENSITY = np.array([0.075, 0.09, 0.065, 0.04, 0.06, 0.045, 0.04, 0.045, 0.012])
_SIZE_OFFSET = np.array([0.0, -0.2, 0.1, 0.2, -0.5, 0.3, -0.1, 0.2, 0.1])
_TECH_SHARE = np.array([0.42, 0.32, 0.36, 0.24, 0.40, 0.26, 0.26, 0.26, 0.10])

# (field index, GB/T 4754-2017 code, weight within the field, words a firm name of that industry uses).
# Words are unique across the catalogue: a firm name is unique because (city, trade name, word) is.
_INDUSTRIES: tuple[tuple[int, str, float, tuple[str, ...]], ...] = (
    (0, "I6513", 3.0, ("软件技术", "软件科技", "信息技术")),
    (0, "I6520", 1.5, ("微电子科技", "集成电路设计")),
    (0, "I6531", 1.5, ("信息系统", "网络科技")),
    (0, "I6550", 1.0, ("数据科技", "云计算科技")),
    (0, "C3976", 1.0, ("光电科技", "光电子")),
    (0, "C3973", 0.6, ("半导体", "集成电路")),
    (0, "C3921", 0.8, ("通信技术", "通信设备")),
    (0, "C3983", 0.7, ("传感技术", "传感器")),
    (0, "C3982", 0.9, ("电子科技", "电路科技")),
    (1, "C2720", 1.0, ("药业", "制药")),
    (1, "C2761", 1.0, ("生物制药", "生物医药")),
    (1, "C3581", 1.0, ("医疗科技", "医疗设备")),
    (1, "C3584", 1.0, ("医疗器械", "医用材料")),
    (1, "M7340", 0.8, ("医药科技", "医学科技")),
    (1, "M7512", 1.0, ("生物科技", "生物技术")),
    (2, "C3744", 1.0, ("航空科技", "航空装备")),
    (2, "C3743", 0.7, ("航天科技", "宇航科技")),
    (2, "C3963", 0.8, ("无人机科技", "无人机技术")),
    (2, "I6571", 0.5, ("遥感科技", "空间信息")),
    (3, "M7513", 1.5, ("新材料科技", "新材料技术", "纳米科技")),
    (3, "C2651", 0.8, ("高分子材料", "树脂科技")),
    (3, "C2669", 0.8, ("精细化工", "化学材料")),
    (3, "C3091", 0.6, ("碳材料", "石墨烯科技")),
    (3, "C3240", 0.7, ("合金材料", "金属材料")),
    (3, "C3985", 0.6, ("电子材料",)),
    (3, "C3062", 0.5, ("复合材料",)),
    (4, "M7452", 1.0, ("检测技术", "检测科技")),
    (4, "M7491", 0.6, ("工业设计",)),
    (4, "M7520", 0.5, ("知识产权代理",)),
    (4, "M7530", 1.0, ("科技服务", "科技咨询")),
    (4, "M7320", 1.0, ("工程技术", "技术研究院")),
    (4, "I6560", 0.8, ("信息咨询", "数字科技")),
    (4, "M7540", 0.3, ("创业服务",)),
    (5, "C3825", 1.0, ("光伏科技", "太阳能科技")),
    (5, "C3841", 1.0, ("电池科技", "锂电科技")),
    (5, "C3415", 0.5, ("风电科技", "风能科技")),
    (5, "C3612", 0.3, ("新能源汽车",)),
    (5, "M7514", 1.0, ("节能科技", "节能技术")),
    (5, "M7515", 1.0, ("新能源科技", "能源科技", "氢能科技")),
    (5, "C3849", 0.6, ("储能科技",)),
    (6, "C3591", 1.0, ("环保设备", "环保科技")),
    (6, "N7721", 0.8, ("水务科技", "水处理")),
    (6, "N7722", 0.6, ("环境工程",)),
    (6, "N7723", 0.5, ("固废处理",)),
    (6, "M7516", 1.0, ("环境科技", "生态科技")),
    (6, "C4220", 0.5, ("资源循环", "再生资源")),
    (7, "C3491", 0.8, ("机器人", "机器人科技")),
    (7, "C4011", 1.0, ("自动化", "自动化科技", "控制技术")),
    (7, "C3421", 0.6, ("数控机床", "数控科技")),
    (7, "C3562", 0.4, ("半导体设备",)),
    (7, "C3493", 0.3, ("增材制造",)),
    (7, "C4014", 0.6, ("仪器", "仪器仪表")),
    (7, "C3670", 0.8, ("汽车部件", "汽车电子")),
    (7, "C3499", 1.0, ("智能装备", "装备科技", "精密机械")),
    (_NONE, "F5176", 0.6, ("电脑", "商贸")),
    (_NONE, "F5179", 0.6, ("贸易", "机电设备")),
    (_NONE, "C2929", 0.5, ("塑胶制品", "塑业")),
    (_NONE, "C3360", 0.3, ("表面处理", "热处理")),
    (_NONE, "L7212", 0.4, ("投资", "实业")),
    (_NONE, "C3399", 0.4, ("五金制品", "金属制品")),
)
_MANUFACTURING = np.array([code.startswith("C") for _, code, _, _ in _INDUSTRIES])
_WORDS: tuple[str, ...] = tuple(w for *_, words in _INDUSTRIES for w in words)
_WORD_START = np.cumsum([0] + [len(words) for *_, words in _INDUSTRIES])[:-1]
_WORD_COUNT = np.array([len(words) for *_, words in _INDUSTRIES], dtype=np.int64)

# Trade names (字号): two characters, a third when a city and word run out of pairs. The third
# character never begins an industry word, so every name reads back into one (city, trade, word).
_TRADE_A = tuple(
    dict.fromkeys(
        "智华博中天恒瑞盛宏泰金鑫创卓凯嘉汇德远安思英聚海星明同润康永力腾越龙川宇联普兴隆昌正和利佳美辰睿晨鼎宸峰岚雅致诚弘晟昊欣伟振东南北"
    )
)
_TRADE_B = tuple(
    dict.fromkeys(
        "芯达源通迈拓锐图维为群邦诺帆翔驰辉耀晶合立讯视声成杰捷铭扬衡谷航科信元丰茂勤优行微启道锋能朗坤鸿"
    )
)
_TRADE_C = tuple(
    ch
    for ch in dict.fromkeys(
        "达源泰恒丰嘉越辉宏邦睿拓迈腾联益盈昇祥裕隆丹蓝青紫橙锦绣川岳晖曜琪琳珑瑶璟昱昕晔煜炜烨熠灿灏澄沛泓渊淳洋涛"
    )
    if ch not in {w[0] for w in _WORDS}
)
_SUFFIXES = ("有限公司", "股份有限公司")

# --------------------------------------------------------------------------------------------------
# The rest of the constants, with where they come from (see docs/en/synth.md for the long version).
_MEDIAN_REVENUE = 3000.0  # 万元, the median of a mature firm's revenue: assumption ("a few thousand 万元")
_REVENUE_SIGMA = 1.7  # log-sd of a firm's size level: assumption, for a heavy tail (top 1 % hold ~30 %)
_REVENUE_SOFT_CAP = 1e6  # 万元 (100亿元): above it log-size is halved, keeping the largest near 10^7 万元
_HNTE_THRESHOLDS = ((5000.0, 0.05), (20000.0, 0.04), (math.inf, 0.03))  # qualification-rules.md §2.1
_GAZELLE_RATE = 0.0275  # gazelles ÷ zone enterprises in 2016, Torch/GEI report (qualification-rules §5.1)
_BLOCK = 1 << 17  # firms per block of report generation
_VETO_RATE = 0.002  # each of serious_dishonesty, major_incident per report: assumption (≈ 0.4 % either)


def synthesize(
    enterprises: int,
    zones: int = 1,
    years: tuple[int, int] = (2021, 2025),
    seed: int = 0,
    missing: float = 0.05,
    progress: Callable[[float], None] | None = None,
) -> Dataset:
    """A synthetic population: ``enterprises`` firms spread over ``zones`` zones, with one annual report
    per firm and year of ``years`` (inclusive) from its founding year on, and its qualifications.

    ``missing`` is the share of optional report cells (all but uscc and year) left null. The same
    arguments give identical frames (for one NumPy version); another seed gives other data.
    """
    if enterprises < 0:
        raise ValueError("enterprises must be ≥ 0")
    if zones < 1:
        raise ValueError("zones must be ≥ 1")
    y0, y1 = years
    if y0 > y1:
        raise ValueError(f"years must be (first, last) with first ≤ last, got {years}")
    if not 0.0 <= missing <= 1.0:
        raise ValueError("missing must be within 0..1")

    def report(done: float) -> None:
        if progress is not None:
            progress(done)

    report(0.0)
    rng = np.random.default_rng(seed)
    firms = _firms(rng, enterprises, zones, y1)
    uscc = _usccs(rng, firms["zone"], firms["est_year"])
    report(0.1)
    # Reports are drawn in blocks of firms, which keeps the working set small (and fast); the block
    # size is fixed, so the result does not depend on the machine.
    frames, truth = [], {}
    for start in range(0, max(enterprises, 1), _BLOCK):
        block = {key: values[start : start + _BLOCK] for key, values in firms.items()}
        frame, part = _reports(rng, block, uscc.slice(start, _BLOCK), y0, y1, missing)
        frames.append(frame)
        for key, values in part.items():
            if key not in truth:  # kept in single precision: the qualifications only compare them
                dtype = {"f": np.float32, "i": np.int32}.get(values.dtype.kind, values.dtype)
                truth[key] = np.empty((enterprises, *values.shape[1:]), dtype=dtype)
            truth[key][start : start + _BLOCK] = values
        report(0.1 + 0.6 * min(start + _BLOCK, enterprises) / max(enterprises, 1))
    enterprises_frame = _enterprise_frame(rng, firms, truth, uscc, zones)
    report(0.85)
    qualifications = _qualifications(rng, firms, truth, enterprises_frame, y0)
    report(1.0)
    reports = _cultivation_fields(pl.concat(frames), uscc, firms, qualifications, seed, missing)
    reports = _green_policy_fields(reports, seed, missing)
    return Dataset(enterprises=enterprises_frame, reports=reports, qualifications=qualifications)


def write(dataset: Dataset, out_dir: Path, fmt: str = "csv") -> list[Path]:
    """Write enterprises, reports and qualifications as ``.csv`` (UTF-8, English id headers) or
    ``.parquet`` files into ``out_dir``; return their paths."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem, frame in (
        ("enterprises", dataset.enterprises),
        ("reports", dataset.reports),
        ("qualifications", dataset.qualifications),
    ):
        path = out_dir / f"{stem}.{fmt}"
        if fmt == "csv":
            frame.write_csv(path)
        else:
            frame.write_parquet(path)
        paths.append(path)
    return paths


# --------------------------------------------------------------------------------------------------
# Firms: zone, field, industry, founding date.


def _firms(rng: np.random.Generator, n: int, zones: int, last_year: int) -> dict[str, np.ndarray]:
    """Who the firms are: zone, field, industry and founding date."""
    weight = np.exp(rng.normal(0.0, 0.7, zones))
    weight[: min(zones, _MAJOR_ZONES)] *= 4.0
    zone = rng.choice(zones, size=n, p=weight / weight.sum())

    field = rng.choice(len(TECH_FIELDS), size=n, p=_FIELD_SHARE / _FIELD_SHARE.sum())
    field[rng.random(n) < _NO_FIELD_SHARE] = _NONE
    industry = np.empty(n, dtype=np.int64)
    u = rng.random(n)
    for f in range(_NONE + 1):  # a loop over fields, never over firms
        members = np.flatnonzero(np.array([ind[0] == f for ind in _INDUSTRIES]))
        cum = np.cumsum([_INDUSTRIES[i][2] for i in members])
        mask = field == f
        industry[mask] = members[np.searchsorted(cum / cum[-1], u[mask], side="right").clip(max=len(cum) - 1)]

    # Age on 31 December of the last year: 15 % younger than 3 years, most 3–20, a tail up to ~35.
    kind = rng.random(n)
    age = np.where(
        kind < 0.15,
        rng.uniform(0.02, 3.0, n),
        np.where(kind < 0.88, 3.0 + np.minimum(rng.gamma(2.0, 3.2, n), 17.0), rng.uniform(12.0, 35.0, n)),
    )
    end = np.datetime64(f"{last_year}-12-31")
    established = end - np.round(age * 365.25).astype("timedelta64[D]")
    return {
        "zone": zone,
        "field": field,
        "industry": industry,
        "established": established,
        "est_year": established.astype("datetime64[Y]").astype(np.int64) + 1970,
        "age": (end - established).astype(np.int64) / 365.25,  # on 31 December of the last year
    }


# --------------------------------------------------------------------------------------------------
# Reports: an (n firms × T years) grid of values, of which the cells of years a firm existed are kept.
# Each column is turned into its final, filtered, partly nulled Series as soon as it is drawn; only
# what the qualifications read stays as a grid ("truth", complete and never nulled).


def _reports(
    rng: np.random.Generator,
    firms: dict[str, np.ndarray],
    uscc: pl.Series,
    y0: int,
    y1: int,
    missing: float,
) -> tuple[pl.DataFrame, dict[str, np.ndarray]]:
    n, t_count = len(firms["zone"]), y1 - y0 + 1
    shape = (n, t_count)
    year = np.arange(y0, y1 + 1)
    field = firms["field"]
    fcol = field[:, None]
    tech_firm = fcol != _NONE
    alive = firms["est_year"][:, None] <= year[None, :]
    keep = np.flatnonzero(alive.ravel())
    dtypes = schema("report")
    columns = {
        "uscc": uscc.gather(keep // t_count),
        "year": pl.Series("year", np.broadcast_to(year, shape).ravel()[keep], dtype=pl.Int64),
    }

    def emit(name: str, grid: np.ndarray, labels: tuple[str, ...] = ()) -> None:
        values = grid.ravel()[keep]
        s = pl.Series(labels).gather(values) if labels else pl.Series(values)
        if missing > 0:
            s = s.set(pl.Series(rng.random(len(keep), dtype=np.float32) < missing), None)
        columns[name] = s.cast(dtypes[name]).alias(name)

    def firm(values: np.ndarray) -> np.ndarray:
        return values[:, None]

    def noise(sd: float) -> np.ndarray:
        return rng.normal(0.0, sd, shape)

    # age on 31 December of each year (≥ a few days, also for grid cells before the founding)
    age = np.maximum(firm(firms["age"]) - (y1 - year), 0.02)

    # Revenue: size level + age curve (young firms grow fast) + the firm's own drift + AR(1) growth
    # shocks (ρ = 0.5), so that a firm's growth rate persists and drifts rather than jumping.
    size = rng.normal(0.0, _REVENUE_SIGMA, n) + _SIZE_OFFSET[field]
    drift = rng.normal(-0.02, 0.08, n)
    shock = np.empty(shape)
    prev = rng.normal(0.0, 0.2, n)
    for t in range(t_count):  # a loop over years (a handful), never over firms
        prev = 0.5 * prev + math.sqrt(1 - 0.25) * rng.normal(0.0, 0.2, n)
        shock[:, t] = prev
    log_rev = np.log(_MEDIAN_REVENUE / 11.0) + firm(size) + np.log1p(age) + firm(drift) * (year - y1)
    log_rev += np.cumsum(shock, axis=1) - shock.sum(axis=1, keepdims=True)
    # the latent log-growth of each year, the first year's too (log_rev's differences after the first)
    growth = np.log1p(age) - np.log1p(np.maximum(age - 1.0, 0.0)) + firm(drift) + shock
    del shock, size, drift
    cap = np.log(_REVENUE_SOFT_CAP)
    log_rev = np.where(log_rev > cap, cap + 0.5 * (log_rev - cap), log_rev)
    # pre-revenue start-ups, twice as common in biomedicine
    pre_revenue = rng.random(shape) < np.where(age < 1, 0.3, np.where(age < 3, 0.08, 0.01)) * np.where(
        fcol == 1, 2.0, 1.0
    )
    revenue = np.where(pre_revenue, 0.0, _money(np.exp(log_rev)))
    del log_rev, pre_revenue
    emit("revenue", revenue)
    main_share = np.where(rng.random(n) < 0.35, 1.0, rng.beta(9.0, 1.2, n))
    emit("main_revenue", np.minimum(_money(revenue * firm(main_share)), revenue))
    hightech_share = np.where(field == _NONE, rng.beta(1.0, 6.0, n), rng.beta(6.0, 2.0, n))
    hightech_share = np.clip(firm(hightech_share) + noise(0.04), 0.0, 1.0)
    emit("hightech_revenue", np.minimum(_money(revenue * hightech_share), revenue))

    # Staff: employees follow revenue (elasticity 0.75, ~35 at the median firm).
    log_emp = 0.75 * (np.log(revenue + 200.0) - np.log(_MEDIAN_REVENUE)) + firm(rng.normal(0.0, 0.45, n))
    employees = np.maximum(1, np.round(35.0 * np.exp(log_emp + noise(0.08)))).astype(np.int64)
    del log_emp
    tech_share = rng.beta(_TECH_SHARE[field] * 8.0, (1.0 - _TECH_SHARE[field]) * 8.0)
    tech_staff = rng.binomial(employees, firm(tech_share))
    rd_staff = rng.binomial(tech_staff, firm(rng.beta(6.0, 4.0, n)))
    emit("employees", employees)
    emit("tech_staff", tech_staff)
    emit("rd_staff", rd_staff)
    emit(
        "graduates_hired", rng.poisson(employees * np.where(tech_firm, 0.04, 0.015) * (1 + growth.clip(0, 1)))
    )

    # R&D: intensity by field, firm and year (slightly lower for larger firms), at least ~6万 per R&D
    # person; some firms (a third of those outside the high-tech fields) report none.
    rd_factor = np.exp(rng.normal(0.0, 0.55, n))
    intensity = _RD_INTENSITY[fcol] * firm(rd_factor) * np.exp(noise(0.15))
    intensity *= np.power((revenue + 1.0) / _MEDIAN_REVENUE, -0.05)
    rd_floor = rd_staff * 6.0 * np.exp(noise(0.3))
    no_rd = rng.random(n) < np.where(field == _NONE, 0.35, 0.04)
    rd_expense = np.where(
        firm(no_rd), 0.0, _money(np.maximum(np.minimum(intensity, 0.6) * revenue, rd_floor))
    )
    del intensity, rd_floor, rd_factor, no_rd
    domestic_share = np.where(rng.random(n) < 0.8, 1.0, rng.beta(6.0, 1.5, n))
    emit("rd_expense", rd_expense)
    emit("rd_expense_domestic", np.minimum(_money(rd_expense * firm(domestic_share)), rd_expense))

    # Profit and costs: a persistent margin; pre-revenue firms burn R&D plus ~15万 per head.
    margin = np.clip(firm(rng.normal(0.05, 0.08, n)) + noise(0.05), -2.0, 0.45)
    burn = rd_expense + employees * 15.0 * np.exp(noise(0.3))
    net_profit = _money(np.where(revenue > 0, revenue * margin, -burn * rng.uniform(0.8, 1.0, shape)))
    pre_tax = np.where(margin > 0, margin / 0.85, margin) * revenue
    emit("total_costs", _money(np.maximum(np.where(revenue > 0, revenue - pre_tax, burn), rd_expense * 1.05)))
    del margin, pre_tax
    emit("net_profit", net_profit)
    taxes = revenue * 0.035 * np.exp(noise(0.5)) + 0.15 * np.maximum(net_profit, 0.0)
    emit("taxes_paid", _money(taxes))
    del taxes, net_profit

    financed = rng.random(shape) < np.where(fcol == _NONE, 0.005, np.where(age < 5, 0.10, 0.03))
    equity_financing = np.where(financed, _money(np.exp(np.log(3000.0) + noise(1.2))), 0.0)
    del financed
    emit("equity_financing", equity_financing)
    turnover = np.exp(rng.normal(np.log(0.75), 0.5, n))
    total_assets = _money(np.where(revenue > 0, revenue / firm(turnover), burn * 2.0 + equity_financing))
    del burn, turnover
    debt_ratio = np.where(rng.random(n) < 0.03, rng.uniform(1.0, 1.6, n), rng.beta(2.2, 2.8, n))
    total_liabilities = _money(total_assets * firm(debt_ratio))
    emit("total_assets", total_assets)
    emit("total_liabilities", total_liabilities)
    emit("net_assets", _money(total_assets - total_liabilities))
    del total_liabilities

    contract_p = np.where(fcol == 4, 0.6, np.where(fcol == 0, 0.4, np.where(fcol == _NONE, 0.05, 0.25)))
    contract = np.minimum(_money(revenue * np.exp(np.log(0.08) + noise(1.0))), revenue)
    emit("tech_contract_value", np.where(rng.random(shape) < contract_p, contract, 0.0))
    del contract, contract_p

    # Intellectual property: valid stocks, grown by yearly flows that follow R&D; a firm's stock at the
    # start reflects up to ten years before the range.
    rd_scale = (rd_expense + 20.0) / 150.0
    flow = firm(np.exp(rng.normal(0.0, 0.8, n))) * np.power(rd_scale, 0.6) * alive
    years_before = firm(np.clip(firms["age"] - t_count, 0.0, 10.0))

    def stock(rate: np.ndarray) -> np.ndarray:
        lam = rate * flow
        return rng.poisson(lam[:, :1] * years_before * 0.8) + np.cumsum(rng.poisson(lam), axis=1)

    invention = stock(np.where(tech_firm, 0.5, 0.05))
    other_class1 = stock(np.where(fcol == 0, 0.05, np.where(fcol == 1, 0.08, 0.0)))
    class1 = invention + other_class1
    emit("invention_patents", invention)
    emit("other_class1_ip", other_class1)
    emit("class1_ip_self_developed", rng.binomial(class1, firm(rng.beta(8.0, 2.0, n))))
    del invention, other_class1
    ip = class1.copy()
    for name, rate in (
        ("utility_models", np.where(tech_firm, 1.5, 0.5)),
        ("design_patents", np.where(fcol == 7, 0.4, 0.2)),
        ("software_copyrights", np.where((fcol == 0) | (fcol == 4), 2.0, np.where(tech_firm, 0.8, 0.2))),
    ):
        counts = stock(rate)
        ip += counts
        emit(name, counts)
    del counts

    size_ratio = (revenue + 10.0) / _MEDIAN_REVENUE
    emit("tech_transfers", rng.poisson(np.where(tech_firm, 1.2, 0.2) * np.power(rd_scale, 0.3)))
    niche_years = np.floor(age * firm(rng.uniform(0.4, 1.0, n))).astype(np.int64)
    emit("niche_years", niche_years)
    niche_share = np.exp(np.log(0.02) + 0.45 * np.log(size_ratio) + firm(rng.normal(0.0, 1.3, n)))
    niche_share = np.round(np.clip(niche_share, 0.0001, 0.9), 4)
    emit("niche_market_share", niche_share)
    emit("standards_led", rng.poisson(0.04 * np.power(size_ratio, 0.5)))
    emit("awards", rng.poisson(0.02 * np.power(size_ratio, 0.4)))
    emit("gov_projects", rng.poisson(0.12 * np.power(rd_scale, 0.5) * np.where(tech_firm, 1.0, 0.2)))
    del size_ratio, rd_scale
    institution = np.log1p(rd_expense) + 0.8 * firm(rng.normal(0.0, 1.0, n))
    emit("rd_institution", np.searchsorted(np.array([5.6, 6.8, 8.9]), institution), RD_INSTITUTION_LEVELS)
    del institution
    manufacturing = firm(_MANUFACTURING[firms["industry"]])
    emit(
        "admin_penalties",
        rng.poisson(0.025 * np.power(employees / 35.0, 0.3) * np.where(manufacturing, 1.5, 1)),
    )
    dishonesty = rng.random(shape) < _VETO_RATE
    incident = rng.random(shape) < _VETO_RATE * np.where(manufacturing, 1.3, 0.7)
    emit("serious_dishonesty", dishonesty)
    emit("major_incident", incident)

    # the cultivation fields (gaoxin.cultivation) are added afterwards from their own random stream
    frame = pl.DataFrame([columns[name] for name in dtypes if name in columns])
    truth = {
        "alive": alive, "revenue": revenue, "growth": growth, "employees": employees,
        "tech_share": tech_staff / employees, "rd_staff": rd_staff, "rd_expense": rd_expense,
        "domestic": domestic_share, "hightech_share": hightech_share, "total_assets": total_assets,
        "debt_ratio": debt_ratio, "main_share": main_share, "niche_years": niche_years,
        "niche_share": niche_share, "equity_financing": equity_financing, "class1": class1, "ip": ip,
        "veto": dishonesty | incident,
    }  # fmt: skip
    return frame, truth


# --------------------------------------------------------------------------------------------------
# The cultivation fields (the ones gaoxin.cultivation reads beyond the first dictionary): drawn after every
# other column from a random stream of their own (seed, _CULTIVATION_STREAM), so that adding them left
# every other value of a given seed unchanged. Rates are assumptions, set so that a zone of a few
# thousand firms has firms in every status of every tier (docs/en/synth.md).
_CULTIVATION_STREAM = 0x6C61  # "la"(dder)
CULTIVATION_FIELDS = (
    "class1_ip_high_value", "national_award_rank", "provincial_award_rank", "standards_participated",
    "digital_level", "quality_certified", "own_brand", "quality_award", "strategic_emerging", "key_field",
    "chain_role", "market_rank", "maker_china_rank", "development_score", "valuation", "abnormal_operation",
    "prohibited_industry", "innovation_title",
)  # fmt: skip


def _cultivation_fields(
    reports: pl.DataFrame,
    uscc: pl.Series,
    firms: dict[str, np.ndarray],
    qualifications: pl.DataFrame,
    seed: int,
    missing: float,
) -> pl.DataFrame:
    from gaoxin.data.dictionary import CHAIN_ROLES

    rng = np.random.default_rng([abs(int(seed)), _CULTIVATION_STREAM])
    n = len(uscc)
    dtypes = schema("report")
    idx = (
        reports.select("uscc")
        .join(
            pl.DataFrame({"uscc": uscc, "_i": np.arange(n, dtype=np.int64)}),
            on="uscc",
            how="left",
            maintain_order="left",
        )["_i"]
        .to_numpy()
    )
    rows = reports.height
    tech = (firms["field"] != _NONE)[idx]
    # 专精特新 firms look the part: a key field, a better development score, a niche rank
    niche_firm = uscc.is_in(
        qualifications.filter(pl.col("kind").is_in(["specialized_sme", "little_giant"]))["uscc"].implode()
    ).to_numpy()[idx]

    def num(name: str) -> np.ndarray:
        return reports[name].fill_null(0).to_numpy().astype(np.float64)

    revenue, class1 = num("revenue"), num("invention_patents") + num("other_class1_ip")
    size = np.clip(np.log1p(revenue) / np.log1p(_MEDIAN_REVENUE), 0.2, 3.0)  # ~1 at the median firm
    out: dict[str, np.ndarray] = {}
    hv_rate = rng.beta(2.0, 5.0, n)[idx]
    out["class1_ip_high_value"] = rng.binomial(class1.astype(np.int64), hv_rate)
    out["national_award_rank"] = np.where(rng.random(rows) < 0.002 * size**2, rng.integers(1, 9, rows), 0)
    out["provincial_award_rank"] = np.where(rng.random(rows) < 0.015 * size**2, rng.integers(1, 11, rows), 0)
    out["standards_participated"] = rng.poisson(0.08 * size**2)
    digital = np.clip(np.round(rng.normal(1.3, 0.8, n))[idx] + (size > 1.3), 1, 4)
    out["digital_level"] = digital.astype(np.int64)
    out["quality_certified"] = rng.random(n)[idx] < 0.15 + 0.35 * np.clip(size - 0.5, 0, 1)
    out["own_brand"] = rng.random(n)[idx] < 0.35 + 0.3 * np.clip(size - 0.5, 0, 1)
    out["quality_award"] = rng.random(rows) < 0.01 * size**2
    out["strategic_emerging"] = rng.random(n)[idx] < np.where(tech, 0.6, 0.1)
    out["key_field"] = rng.random(n)[idx] < np.where(niche_firm, 0.7, np.where(tech, 0.3, 0.05))
    out["chain_role"] = np.searchsorted(np.array([0.7, 0.9]), rng.random(n), side="right")[idx]
    share = reports["niche_market_share"].fill_null(0.0).to_numpy()
    ranked = (share >= 0.05) | (rng.random(rows) < np.where(niche_firm, 0.3, 0.01))
    out["market_rank"] = np.where(
        ranked, np.clip(np.round(0.3 / np.maximum(share, 0.01) + rng.normal(0, 1, rows)), 1, 50), 0
    ).astype(np.int64)
    out["maker_china_rank"] = np.where(rng.random(rows) < 0.004, rng.integers(1, 501, rows), 0)
    rd = num("rd_expense")
    intensity = np.where(revenue > 0, rd / np.maximum(revenue, 1e-9), 0.0)
    dev = 25 + 12 * size + 250 * np.minimum(intensity, 0.1) + 12 * niche_firm
    dev = dev + rng.normal(0, 8, n)[idx] + rng.normal(0, 3, rows)
    out["development_score"] = np.clip(np.round(dev), 0, 100).astype(np.int64)
    raised = reports.select(pl.col("equity_financing").fill_null(0).cum_sum().over("uscc"))[
        "equity_financing"
    ].to_numpy()
    multiple = np.exp(rng.normal(np.log(1.5), 0.7, n))[idx]
    out["valuation"] = _money(np.maximum(revenue * multiple, raised * rng.uniform(4.0, 12.0, n)[idx]))
    out["abnormal_operation"] = rng.random(rows) < 0.003
    out["prohibited_industry"] = (rng.random(n) < 0.002)[idx]
    out["innovation_title"] = rng.random(rows) < 0.006 * size**2
    columns = []
    for name in CULTIVATION_FIELDS:
        values = out[name]
        s = pl.Series(CHAIN_ROLES).gather(values) if name == "chain_role" else pl.Series(values)
        if missing > 0:
            s = s.set(pl.Series(rng.random(rows, dtype=np.float32) < missing), None)
        columns.append(s.cast(dtypes[name]).alias(name))
    return reports.with_columns(columns)


# The green figures (issue 14) and the policy facts (issue 12), likewise from a stream of their own.
# Assumptions (stated here, not official figures): energy per 万元 of output is log-normal around
# 0.04 tce (high-tech firms are light users; a tail of heavy ones), value added 20–40 % of output, CO₂
# 2.0–2.6 t per fossil tce; 规上 is main revenue ≥ 2,000 万元 (the statistical threshold for industry);
# the local contribution is 30–60 % of taxes paid.
_GREEN_STREAM = 0x6772  # "gr"(een)
GREEN_POLICY_FIELDS = (
    "energy_consumption", "energy_intensity_va", "energy_intensity_output", "non_fossil_share",
    "renewable_power_share", "co2_emissions", "above_scale", "local_contribution", "moved_out",
    "real_estate",
)  # fmt: skip


def _green_policy_fields(reports: pl.DataFrame, seed: int, missing: float) -> pl.DataFrame:
    rng = np.random.default_rng([abs(int(seed)), _GREEN_STREAM])
    rows = reports.height
    dtypes = schema("report")
    revenue = reports["revenue"].fill_null(0).to_numpy().astype(np.float64)
    main = reports["main_revenue"].fill_null(0).to_numpy().astype(np.float64)
    taxes = np.maximum(reports["taxes_paid"].fill_null(0).to_numpy().astype(np.float64), 0.0)
    per_output = np.exp(rng.normal(np.log(0.04), 0.9, rows))
    energy = np.round(np.maximum(revenue, 1.0) * per_output, 6)
    value_added = revenue * rng.uniform(0.2, 0.4, rows)
    non_fossil = np.round(rng.beta(2.0, 8.0, rows), 8)
    out: dict[str, np.ndarray] = {
        "energy_consumption": energy,
        "energy_intensity_va": np.where(value_added > 0, energy / np.maximum(value_added, 1e-9), np.nan),
        "energy_intensity_output": np.where(revenue > 0, energy / np.maximum(revenue, 1e-9), np.nan),
        "non_fossil_share": non_fossil,
        "renewable_power_share": np.round(rng.beta(2.0, 6.0, rows), 8),
        "co2_emissions": np.round(energy * (1 - non_fossil) * rng.uniform(2.0, 2.6, rows), 6),
        "above_scale": main >= 2000,
        "local_contribution": _money(taxes * rng.uniform(0.3, 0.6, rows)),
        "moved_out": rng.random(rows) < 0.005,
        "real_estate": rng.random(rows) < 0.01,
    }
    columns = []
    for name in GREEN_POLICY_FIELDS:
        s = pl.Series(out[name])
        if s.dtype == pl.Float64:
            s = s.round(10).fill_nan(None)
        if missing > 0:
            s = s.set(pl.Series(rng.random(rows, dtype=np.float32) < missing), None)
        columns.append(s.cast(dtypes[name]).alias(name))
    return reports.with_columns(columns).select(list(dtypes))


def _money(x: np.ndarray) -> np.ndarray:
    """万元 rounded to the yuan."""
    return np.round(x, 4)


# --------------------------------------------------------------------------------------------------
# Enterprises: codes, names, industry, listing.


def _enterprise_frame(
    rng: np.random.Generator,
    firms: dict[str, np.ndarray],
    truth: dict[str, np.ndarray],
    uscc: pl.Series,
    zones: int,
) -> pl.DataFrame:
    n = len(firms["zone"])
    zone = firms["zone"]
    city = _CITY_OF_ZONE[zone % len(_ZONES)]
    peak_revenue = truth["revenue"].max(axis=1, initial=0.0)

    # Listed: ~1.5 %, the more likely the larger; the board by size (assumption).
    listed = rng.random(n) < 0.4 / (1.0 + np.exp(-(np.log(peak_revenue + 1.0) - np.log(2e5)) / 0.8)) + 0.001
    large = peak_revenue >= 50000.0
    u = rng.random(n)
    board = np.where(
        large,
        np.searchsorted(np.cumsum([0.40, 0.20, 0.25, 0.0, 0.10]), u, side="right"),
        np.searchsorted(np.cumsum([0.05, 0.25, 0.25, 0.35, 0.05]), u, side="right"),
    )
    board_s = pl.Series("listed_board", LISTED_BOARDS).gather(board)
    board_s = board_s.scatter(np.flatnonzero(~listed), None)

    company = listed | (rng.random(n) < np.where(large, 0.3, 0.03))
    word = _WORD_START[firms["industry"]] + (rng.random(n) * _WORD_COUNT[firms["industry"]]).astype(np.int64)
    names = _names(rng, city, word, company)

    field_s = pl.Series("tech_field", TECH_FIELDS).gather(np.minimum(firms["field"], _NONE - 1))
    field_s = field_s.scatter(np.flatnonzero(firms["field"] == _NONE), None)
    frame = pl.DataFrame(
        [
            uscc,
            names,
            pl.Series("zone", [zone_code(i) for i in range(zones)]).gather(zone),
            pl.Series("established", firms["established"]),
            pl.Series("industry", [code for _, code, _, _ in _INDUSTRIES]).gather(firms["industry"]),
            field_s,
            board_s,
        ]
    )
    return frame.cast(schema("enterprise"))


def _usccs(rng: np.random.Generator, zone: np.ndarray, est_year: np.ndarray) -> pl.Series:
    """GB 32100-2015 codes: 9 (market regulation) 1 (enterprise), the region, a GB 11714 organisation
    code (8 digits for firms founded before 2016, "MA" + 6 characters after, then its check character)
    and the check character. The organisation body is an affine bijection of the firm index, so codes
    are unique by construction."""
    n = len(zone)
    value = {c: i for i, c in enumerate(ALPHABET)}
    codes = np.zeros((n, 18), dtype=np.uint8)  # values in the USCC alphabet
    codes[:, 0], codes[:, 1] = value["9"], value["1"]
    # region: a prefecture gets one of a few plausible district numbers, a county code stands as it is
    region = np.array([int(r) * (100 if len(r) == 4 else 1) for _, _, r in _ZONES])[zone % len(_ZONES)]
    county = np.array([len(r) == 6 for _, _, r in _ZONES])[zone % len(_ZONES)]
    region += np.where(county, 0, np.array([2, 3, 4, 5, 11])[rng.integers(0, 5, n)])
    for k in range(6):  # loops over the 18 character positions, never over firms
        codes[:, 2 + k] = region // 10 ** (5 - k) % 10

    index = np.arange(n, dtype=np.int64)
    old = est_year < 2016
    m_old, m_new = 10**8, 31**6
    x_old = (_coprime(m_old) * index + int(rng.integers(0, m_old))) % m_old
    x_new = (_coprime(m_new) * index + int(rng.integers(0, m_new))) % m_new
    codes[:, 8] = np.where(old, x_old // 10**7 % 10, value["M"])
    codes[:, 9] = np.where(old, x_old // 10**6 % 10, value["A"])
    for k in range(6):
        codes[:, 10 + k] = np.where(old, x_old // 10 ** (5 - k) % 10, x_new // 31 ** (5 - k) % 31)
    # GB 11714 check character: characters valued 0-9, A=10 … Z=35; weights 3 7 9 10 5 8 4 2.
    iso_value = np.array([int(c, 36) for c in ALPHABET], dtype=np.int64)
    org = np.zeros(n, dtype=np.int64)
    for k, w in enumerate((3, 7, 9, 10, 5, 8, 4, 2)):
        org += iso_value[codes[:, 8 + k]] * w
    org_check = 11 - org % 11
    codes[:, 16] = np.where(org_check == 10, value["X"], org_check % 11)  # 11 → 0; digits keep their value
    total = np.zeros(n, dtype=np.int64)
    for k, w in enumerate(WEIGHTS):
        total += codes[:, k].astype(np.int64) * w
    codes[:, 17] = (31 - total % 31) % 31
    ascii_codes = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)[codes]
    return pl.Series("uscc", ascii_codes.view("S18").ravel()).cast(pl.Utf8)


def _coprime(m: int) -> int:
    """A multiplier near m·0.618 that is coprime with m (for an affine bijection of 0..m−1)."""
    a = int(m * 0.6180339887) | 1
    while math.gcd(a, m) != 1:
        a += 2
    return a


def _names(rng: np.random.Generator, city: np.ndarray, word: np.ndarray, company: np.ndarray) -> pl.Series:
    """City + trade name (字号) + industry word + 有限公司 / 股份有限公司, unique by construction: within
    one (city, word) group every firm gets its own trade name."""
    n = len(city)
    group = city * len(_WORDS) + word
    order = np.argsort(group, kind="stable")
    sorted_group = group[order]
    starts = (
        np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]]) if n else np.zeros(0, np.int64)
    )
    run = np.repeat(starts, np.diff(np.r_[starts, n]))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - run

    n_a, n_b, n_c = len(_TRADE_A), len(_TRADE_B), len(_TRADE_C)
    t2, t3 = n_a * n_b, n_a * n_b * n_c
    if n and rank.max() >= t2 + t3:
        raise ValueError(f"more than {t2 + t3} firms share one city and industry word: use more zones")
    offset = group * 7919 + int(rng.integers(0, 1 << 30))
    two = rank < t2
    pair = np.where(two, (_coprime(t2) * rank + offset) % t2, 0)
    triple = np.where(two, 0, (_coprime(t3) * (rank - t2) + offset) % t3)
    a = np.where(two, pair // n_b, triple // (n_b * n_c))
    b = np.where(two, pair % n_b, (triple // n_c) % n_b)
    third = pl.Series(("", *_TRADE_C)).gather(np.where(two, 0, triple % n_c + 1))
    return pl.select(
        pl.concat_str(
            [
                pl.Series(_CITIES).gather(city),
                pl.Series(_TRADE_A).gather(a),
                pl.Series(_TRADE_B).gather(b),
                third,
                pl.Series(_WORDS).gather(word),
                pl.Series(_SUFFIXES).gather(company.astype(np.int64)),
            ]
        ).alias("name")
    ).to_series()


# --------------------------------------------------------------------------------------------------
# Qualifications: who plausibly holds which title, from the firm's own (complete) numbers.


def _qualifications(
    rng: np.random.Generator,
    firms: dict[str, np.ndarray],
    truth: dict[str, np.ndarray],
    enterprises: pl.DataFrame,
    first_year: int,
) -> pl.DataFrame:
    revenue = truth["revenue"]
    year = np.arange(first_year, first_year + revenue.shape[1])
    tech_share = truth["tech_share"]
    with np.errstate(divide="ignore", invalid="ignore"):  # no intensity without revenue: NaN fails every test
        intensity = np.where(revenue > 0, truth["rd_expense"] / revenue, np.nan)
    age = firms["age"][:, None] - (year[-1] - year)  # on 31 December of each year
    field = firms["field"][:, None]
    # A title is granted from the year after the founding year on (every rule wants a year of history).
    alive = firms["est_year"][:, None] < year[None, :]
    clean = ~truth["veto"]
    hnte_threshold = np.select(
        [revenue <= limit for limit, _ in _HNTE_THRESHOLDS], [rate for _, rate in _HNTE_THRESHOLDS]
    )
    sme = (truth["employees"] < 1000) & (revenue < 40000.0)

    # 高新技术企业 (qualification-rules §2.1): ≥ 1 year old, a high-tech field, class I IP or ≥ 4 class II,
    # S&T staff ≥ 10 %, R&D intensity at its revenue band (a tenth of slack), domestic R&D ≥ 60 %,
    # high-tech revenue ≥ 60 %; 85 % of those that meet it hold it, and 3 % of firms hold it anyway.
    hightech = (
        alive
        & clean
        & (
            (field != _NONE)
            & ((truth["class1"] >= 1) | (truth["ip"] >= 4))
            & (tech_share >= 0.10)
            & (intensity >= hnte_threshold * 0.9)
            & (truth["domestic"][:, None] >= 0.6)
            & (truth["hightech_share"] >= 0.6)
        )
    )
    hightech = (hightech & (rng.random(hightech.shape) < 0.85)) | (
        alive & clean & (field != _NONE) & (rng.random(hightech.shape) < 0.03)
    )
    # 科技型中小企业 (§1.1): ≤ 500 staff, revenue and assets ≤ 2亿, S&T staff ≥ 10 %, some R&D or IP.
    tech_sme = (
        alive
        & clean
        & (
            (truth["employees"] <= 500)
            & (revenue <= 20000.0)
            & (truth["total_assets"] <= 20000.0)
            & (tech_share >= 0.10)
            & ((truth["rd_expense"] > 0) | (truth["ip"] > 0))
        )
    )
    tech_sme &= rng.random(tech_sme.shape) < 0.8
    # 创新型中小企业 (§3.1, since 2022): an SME with R&D ≥ 2 % of revenue and some IP.
    innovative = alive & clean & sme & (intensity >= 0.02) & (truth["ip"] >= 1)
    innovative &= rng.random(innovative.shape) < 0.5
    # 专精特新中小企业 (§3.2): ≥ 2 years in a niche, R&D ≥ 100万 and ≥ 3 %, revenue ≥ 1000万.
    specialized = (
        alive
        & clean
        & sme
        & (
            (truth["niche_years"] >= 2)
            & (truth["rd_expense"] >= 100.0)
            & (intensity >= 0.03)
            & (revenue >= 1000.0)
        )
    )
    specialized &= rng.random(specialized.shape) < 0.3
    # 小巨人 (§3.3, since 2019): recognised in a year the firm is recognised 专精特新 (the gradient titles
    # share one phase), ≥ 3 niche years, main revenue ≥ 70 %, debt ≤ 70 %, niche share ≥ 10 %, and
    # revenue ≥ 1亿 with R&D ≥ 3 % or 5000万–1亿 with R&D ≥ 6 %; thinned so that about one 专精特新
    # firm in eight is a 小巨人 (17,600 : 140,000, §4).
    little_giant = (
        specialized
        & (truth["niche_years"] >= 3)
        & (truth["main_share"][:, None] >= 0.7)
        & (truth["debt_ratio"][:, None] <= 0.7)
        & (truth["niche_share"] >= 0.1)
        & (((revenue >= 10000.0) & (intensity >= 0.03)) | ((revenue >= 5000.0) & (intensity >= 0.06)))
    )
    rate = np.minimum(1.0, specialized.sum(axis=0) / 8.0 / np.maximum(little_giant.sum(axis=0), 1))
    little_giant &= rng.random(little_giant.shape) < rate[None, :]
    # 瞪羚 (§5.1): revenue ≥ 1000万, ≤ 15 years old, revenue growth ≥ 20 %; thinned each year so that
    # about 2.75 % of the zone's live firms are gazelles, the Torch/GEI rate.
    gazelle = alive & clean & (revenue >= 1000.0) & (age <= 15) & (truth["growth"] >= np.log(1.2))
    live = truth["alive"].sum(axis=0)
    rate = np.minimum(1.0, _GAZELLE_RATE * live / np.maximum(gazelle.sum(axis=0), 1))
    gazelle &= rng.random(gazelle.shape) < rate[None, :]
    # 独角兽 (§5.2): ≤ 10 years old, unlisted, ≥ 10亿 of equity raised within the years (the valuation
    # itself is not in the data).
    unlisted = enterprises["listed_board"].is_null().to_numpy()[:, None]
    raised = np.cumsum(truth["equity_financing"], axis=1)
    unicorn = alive & clean & unlisted & (age <= 10) & (raised >= 100000.0)
    # 科技领军企业 (§5.3, the Zhejiang example): revenue ≥ 5亿, R&D ≥ 4 %, ≥ 50 R&D staff, a HNTE.
    leading = (
        alive & clean & hightech & (revenue >= 50000.0) & (intensity >= 0.04) & (truth["rd_staff"] >= 50)
    )
    leading &= rng.random(leading.shape) < 0.5

    # Issue months: HNTE certificates late in the year, 专精特新 before 小巨人 (so the prerequisite holds).
    title = _Titles(rng, year, enterprises["uscc"], firms["est_year"])
    gradient = rng.integers(0, 3, len(firms["est_year"]))
    parts = [
        title("hightech", hightech, months=(10, 12), period=3, certificate=True),
        title("tech_sme", tech_sme, months=(3, 9)),
        title("innovative_sme", innovative, months=(1, 4), period=3, phase=gradient, since=2022),
        title("specialized_sme", specialized, months=(3, 6), period=3, phase=gradient),
        title("little_giant", little_giant, months=(7, 9), period=3, phase=gradient, since=2019),
        title("gazelle", gazelle, months=(6, 9)),
        title("unicorn", unicorn, months=(3, 6)),
        title("leading", leading, months=(9, 12), period=3),
    ]
    return pl.concat(parts).cast(schema("qualification"))


class _Titles:
    """Makes the rows of one title from a (firm × year) grid of who gets it in which year."""

    def __init__(self, rng: np.random.Generator, year: np.ndarray, uscc: pl.Series, est_year: np.ndarray):
        self.rng, self.year, self.uscc, self.est_year = rng, year, uscc, est_year

    def __call__(
        self,
        kind: str,
        granted: np.ndarray,
        months: tuple[int, int],
        period: int = 1,
        phase: np.ndarray | None = None,
        since: int | None = None,
        certificate: bool = False,
    ) -> pl.DataFrame:
        """``period`` 1: a title for each granted year, valid to 31 December of that year. ``period`` 3:
        a firm is recognised every third year (in its phase) when granted then, and the title runs three
        years less a day; recognitions of the two years before the range use the first year's grant,
        for firms founded before them, so that titles running at the start are present too. ``since``:
        the first year the title exists."""
        rng, year = self.rng, self.year
        first = int(year[0]) - (period - 1)
        if since is not None:
            first = max(first, since)
        if phase is None:
            phase = rng.integers(0, period, len(self.est_year))
        firm_parts, when_parts = [], []
        for y in range(first, int(year[-1]) + 1):  # a loop over years, never over firms
            col = max(0, y - int(year[0]))
            picked = np.flatnonzero(granted[:, col] & (phase == y % period) & (self.est_year < y))
            firm_parts.append(picked)
            when_parts.append(np.full(len(picked), y))
        firm, when = np.concatenate(firm_parts), np.concatenate(when_parts)
        order = np.lexsort((when, firm))
        firm, when = firm[order], when[order]

        month = rng.integers(months[0], months[1] + 1, len(firm))
        day = rng.integers(1, 29, len(firm))
        start_month = (when - 1970) * 12 + (month - 1)
        valid_from = start_month.astype("datetime64[M]").astype("datetime64[D]") + (day - 1)
        if period == 1:
            valid_to = (when - 1970 + 1).astype("datetime64[Y]").astype("datetime64[D]") - 1
        else:
            valid_to = (start_month + 12 * period).astype("datetime64[M]").astype("datetime64[D]") + (day - 2)
        frame = pl.DataFrame(
            {
                "uscc": self.uscc.gather(firm),
                "kind": pl.repeat(kind, len(firm), dtype=pl.Utf8, eager=True),
                "valid_from": valid_from,
                "valid_to": valid_to,
            }
        )
        if not certificate:
            return frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("certificate_no"))
        # GR + year + province + serial, in the style of HNTE certificate numbers
        province = pl.col("uscc").str.slice(2, 2)
        issued = pl.col("valid_from").dt.year()
        serial = pl.int_range(pl.len()).over(issued, province) + 1
        return frame.with_columns(
            pl.concat_str(
                pl.lit("GR"), issued.cast(pl.Utf8), province, serial.cast(pl.Utf8).str.zfill(5)
            ).alias("certificate_no")
        )
