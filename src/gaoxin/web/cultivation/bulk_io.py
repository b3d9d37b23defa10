"""The cultivation app's tables out of the platform: the candidate list of a tier as the xlsx workbook
officers take on visits (one row per firm, Chinese headers, the gaps in words, the run's provenance on
a second sheet). The ladder reads the register, it imports nothing of its own; the zone's settings are
a YAML text on the settings page (``forms.SettingsForm``).
"""

from __future__ import annotations

import io

from django.db.models import QuerySet
from django.utils import timezone

from gaoxin.data.dictionary import QUALIFICATION_KINDS
from gaoxin.web.cultivation.models import LadderRun
from gaoxin.web.cultivation.services import NUMBER_LABELS, RATIO_NUMBERS, STATUS_ZH, _finite


def export_candidates(run: LadderRun, tier: str, qs: QuerySet, described: str) -> bytes:
    """The list officers take on visits: one row per firm, Chinese headers, the gaps in words."""
    from gaoxin.io import safe

    entries = list(qs)
    number_keys = []
    for e in entries:
        for k in e.numbers or {}:
            if k not in number_keys:
                number_keys.append(k)
    buf = io.BytesIO()
    wb = safe.workbook(buf, {"in_memory": True})  # strings stay strings, never formulas
    bold = wb.add_format({"bold": True, "bg_color": "#e8eef7", "border": 1, "text_wrap": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    top = wb.add_format({"valign": "top"})
    pct = wb.add_format({"valign": "top", "num_format": "0.00%"})  # ratios read as on the page: 12.39%
    ws = wb.add_worksheet("候选企业")
    headers = [
        "序号",
        "统一社会信用代码",
        "企业名称",
        "高新技术领域",
        "状态",
        "差距（越小越近）",
        "缺少的条件数",
        "缺少的条件",
        "下一梯度",
        *[NUMBER_LABELS.get(k, (k,))[0] for k in number_keys],
    ]
    for c, h in enumerate(headers):
        ws.write(0, c, h, bold)
    ws.freeze_panes(1, 3)
    for n, e in enumerate(entries, 1):
        ent = e.enterprise
        texts = [g.get("text_zh") or g.get("label_zh") or g.get("condition", "") for g in e.gaps]
        values = [
            n,
            ent.uscc,
            ent.name,
            ent.tech_field or "",
            STATUS_ZH.get(e.status, e.status),
            e.distance if e.distance is not None else "",
            len(e.gaps),
            "\n".join(f"{i}. {t}" for i, t in enumerate(texts, 1)),
            QUALIFICATION_KINDS.get(e.next_tier, e.next_tier),
            *[_finite((e.numbers or {}).get(k)) for k in number_keys],
        ]
        ratio_cols = {9 + i for i, k in enumerate(number_keys) if k in RATIO_NUMBERS}
        for c, v in enumerate(values):
            ws.write(n, c, "" if v is None else v, wrap if c == 7 else pct if c in ratio_cols else top)
    widths = [6, 22, 36, 14, 10, 10, 8, 70, 18] + [16] * len(number_keys)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    info = wb.add_worksheet("说明")
    lines = [
        ("园区", f"{run.zone.name}（{run.zone.code}）"),
        ("梯度", QUALIFICATION_KINDS.get(tier, tier)),
        ("评估年度", run.year),
        ("评估记录", f"#{run.pk}"),
        ("筛选条件", described),
        ("企业数", len(entries)),
        ("排序", "已达标在前，其次接近；同一状态按差距从小到大"),
        ("规则集", "；".join(f"{QUALIFICATION_KINDS.get(k, k)}：{v}" for k, v in run.rule_sets.items())),
        ("园区设置 SHA-256", run.config_sha256),
        ("数据快照 SHA-256", run.snapshot_sha256),
        ("代码版本", run.code_version),
        ("评估时间", f"{timezone.localtime(run.finished or run.created):%Y-%m-%d %H:%M}"),
        ("导出时间", f"{timezone.localtime():%Y-%m-%d %H:%M}"),
    ]
    for r, (k, v) in enumerate(lines):
        info.write(r, 0, k, bold)
        info.write(r, 1, v)
    info.set_column(0, 0, 18)
    info.set_column(1, 1, 90)
    wb.close()
    return buf.getvalue()
