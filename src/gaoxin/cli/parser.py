"""The ``gaoxin`` command: score, explain, qualify, models, synth, demo, import, backup, restore.

A thin shell: it reads files with ``gaoxin.io``, scores with ``gaoxin.scoring`` and writes with
``gaoxin.io.write``; no number is computed here. Help is bilingual (中文 / English). Errors are one
clear message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from gaoxin.cli import commands, platform
from gaoxin.cli.progress import Progress


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gaoxin",
        description="高新：企业创新积分制平台 / gaoxin: the enterprise innovation credit platform",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", metavar="命令/command", required=True)

    s = sub.add_parser(
        "score", help="按模型评分并写出排名 / score enterprises with a model, write the ranking"
    )
    s.add_argument("--model", required=True, help="模型编号或文件 / shipped model id or a model file")
    s.add_argument(
        "--year",
        type=int,
        help="评价年度（非企业单位的表无年度列时可省略）/ evaluated year (optional for a unit table without years)",
    )
    s.add_argument("--out", required=True, help="输出文件 .csv/.xlsx/.parquet / output file")
    s.add_argument(
        "--uncertainty",
        type=int,
        metavar="N",
        help="按权重扰动抽样 N 次，给出排名区间 / Monte Carlo over weights with N samples: rank intervals",
    )
    s.add_argument(
        "--weight-noise",
        type=float,
        default=0.25,
        help="权重扰动幅度 δ，默认 0.25 / weight noise δ (default 0.25)",
    )
    s.add_argument("--seed", type=int, default=0, help="随机种子，默认 0 / random seed (default 0)")
    s.add_argument(
        "--skip-invalid",
        action="store_true",
        help="跳过有错误的行并在输出中列出 / skip invalid rows and list them in the output",
    )
    s.add_argument("--errors", help="错误报告 xlsx 路径 / where to write the error report (xlsx)")
    s.add_argument("inputs", nargs="+", metavar="INPUT", help="数据文件 csv/xlsx/parquet / data files")

    e = sub.add_parser(
        "explain", help="解释一家企业的得分与提升路径 / explain one enterprise's score and levers"
    )
    e.add_argument("--model", required=True, help="模型编号或文件 / shipped model id or a model file")
    e.add_argument("--year", required=True, type=int, help="评价年度 / evaluated year")
    e.add_argument("--uscc", required=True, help="统一社会信用代码 / the enterprise's USCC")
    e.add_argument("--skip-invalid", action="store_true", help="跳过有错误的行 / skip invalid rows")
    e.add_argument("inputs", nargs="+", metavar="INPUT", help="数据文件 / data files")

    q = sub.add_parser(
        "qualify",
        help="梯度培育对标：每家企业每个层级的状态与差距 / cultivation ladder: status and gaps per firm and tier",
        description=(
            "按科技型中小企业、高新技术企业、创新型/专精特新/小巨人、瞪羚、独角兽、科技领军企业的认定规则，\n"
            "判断每家企业的状态（已持有、符合条件、接近达标、差距较大、不具备资格）并列出差距。\n"
            "Judges every firm against every tier's rules (holds, qualifies, near, far, ineligible) and\n"
            "lists what it lacks. YEAR is the last completed fiscal year."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    q.add_argument(
        "--year", required=True, type=int, help="最近一个完整会计年度 / last completed fiscal year"
    )
    q.add_argument("--out", required=True, help="输出文件 .csv/.xlsx/.parquet / output file")
    q.add_argument("--config", help="园区设置 YAML（接近阈值、规则版本等）/ zone settings (YAML)")
    q.add_argument(
        "--on",
        help="判断资质是否有效的日期，默认 YEAR-12-31 / date titles are judged valid on (default YEAR-12-31)",
    )
    q.add_argument("--skip-invalid", action="store_true", help="跳过有错误的行 / skip invalid rows")
    q.add_argument("--errors", help="错误报告 xlsx 路径 / where to write the error report (xlsx)")
    q.add_argument("inputs", nargs="+", metavar="INPUT", help="数据文件 csv/xlsx/parquet / data files")

    m = sub.add_parser("models", help="内置模型：列出、查看、校验 / shipped models: list, show, validate")
    msub = m.add_subparsers(dest="action", required=True, metavar="list|show|validate")
    msub.add_parser("list", help="列出内置模型 / list shipped models")
    show = msub.add_parser("show", help="显示模型指标树与权重 / show a model's indicators and weights")
    show.add_argument("model", help="模型编号或文件 / model id or file")
    val = msub.add_parser("validate", help="校验模型文件 / validate model files")
    val.add_argument("models", nargs="+", help="模型文件 / model files")

    y = sub.add_parser("synth", help="生成合成企业数据 / generate a synthetic population")
    y.add_argument("--enterprises", type=int, default=1000, help="企业数 / number of enterprises")
    y.add_argument("--zones", type=int, default=1, help="园区数 / number of zones")
    y.add_argument("--years", default="2021-2025", help="年度范围，如 2021-2025 / year range")
    y.add_argument("--seed", type=int, default=0, help="随机种子 / random seed")
    y.add_argument("--format", choices=("csv", "parquet"), default="csv", help="文件格式 / file format")
    y.add_argument("--out", required=True, help="输出目录 / output directory")

    d = sub.add_parser(
        "demo",
        help="演示平台：合成三个园区、评分、发布榜单并在本机启动 / demo: a populated platform served on 127.0.0.1",
    )
    d.add_argument("--port", type=int, default=8000, help="端口（默认 8000）/ port (default 8000)")
    d.add_argument(
        "--data-dir",
        "--out",
        dest="data_dir",
        default="out/demo",
        help="数据目录，其中的演示数据库会被重建 / data directory; its demo database is rebuilt",
    )
    d.add_argument("--enterprises", type=int, default=3000, help="每个园区的企业数 / enterprises per zone")
    d.add_argument(
        "--no-serve", action="store_true", help="只建库不启动服务 / build the database, do not serve"
    )

    data_dir_help = "平台数据目录（未设 DATABASE_URL 时用其中的 SQLite）/ the platform's data directory"
    b = sub.add_parser(
        "backup",
        help="备份平台：数据库与文件，附校验和 / back up the platform's database and files, with a checksum",
    )
    b.add_argument("--data-dir", dest="data_dir", help=data_dir_help)
    b.add_argument("--out", required=True, help="备份文件 .tar.gz / the backup archive to write")
    r = sub.add_parser(
        "restore",
        help="从备份恢复平台（先核对校验和）/ restore the platform from a backup (checksums verified first)",
    )
    r.add_argument("--data-dir", dest="data_dir", help=data_dir_help)
    r.add_argument(
        "--force", action="store_true", help="覆盖已有数据的平台 / replace a platform that holds data"
    )
    r.add_argument("archive", metavar="ARCHIVE", help="备份文件 .tar.gz / the backup archive")

    i = sub.add_parser(
        "import",
        help="把部门数据文件导入平台登记库 / import department files into the platform's register",
        description=(
            "读取文件、检查、整体写入（有任何错误则不做任何更改；同一文件再次导入不做任何更改）。\n"
            "Reads, checks and writes the files as one transaction: any error changes nothing, and the\n"
            "same file imported again changes nothing. Uses the platform database (DATABASE_URL, or\n"
            "var/gaoxin.sqlite3 under GAOXIN_DATA_DIR)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    i.add_argument("--zone", required=True, help="园区代码 / zone code, e.g. Z001")
    i.add_argument("--department", default="", help="来源部门，如 税务局 / source department")
    i.add_argument(
        "--user", help="以该用户身份导入（记入历史）/ import as this user (recorded in the history)"
    )
    i.add_argument("--note", default="", help="备注 / a note kept with the import")
    i.add_argument("--errors", help="错误报告 xlsx 路径 / where to write the error report (xlsx)")
    i.add_argument(
        "--data-dir",
        help="平台数据目录（如演示平台的 out/demo）/ the platform's data directory (e.g. the demo's out/demo)",
    )
    i.add_argument("files", nargs="+", metavar="FILE", help="数据文件 csv/xlsx/parquet / data files")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        name = f"cmd_{args.command}"
        handler = getattr(commands, name, None) or getattr(platform, name)
        return handler(args, Progress.for_stream(sys.stderr)) or 0
    except commands.CliError as exc:
        print(exc, file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
