"""The ``gaoxin`` command: score, explain, models, synth, demo.

A thin shell: it reads files with ``gaoxin.io``, scores with ``gaoxin.scoring`` and writes with
``gaoxin.io.write``; no number is computed here. Help is bilingual (中文 / English). Errors are one
clear message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from gaoxin import commands
from gaoxin.progress import Progress


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
    s.add_argument("--year", required=True, type=int, help="评价年度 / evaluated year")
    s.add_argument("--out", required=True, help="输出文件 .csv/.xlsx/.parquet / output file")
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
        "demo", help="演示：合成园区、评分、输出排名 / demo: synthesize, score, show the ranking"
    )
    d.add_argument("--out", default="out/demo", help="输出目录 / output directory")
    d.add_argument("--enterprises", type=int, default=3000, help="每个园区的企业数 / enterprises per zone")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        handler = getattr(commands, f"cmd_{args.command}")
        return handler(args, Progress.for_stream(sys.stderr)) or 0
    except commands.CliError as exc:
        print(exc, file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
