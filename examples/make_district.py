"""Make a synthetic district: N unit specs varied from the real seed units — their 科目 lines, projects,
indicators and 支出明细 — each valid (no check errors), all in one format. Used by bench/ and the batch
tests; also a worked example of writing specs programmatically.

    python examples/make_district.py OUT_DIR --units 200 --format chongqing --seed 1
"""
from __future__ import annotations

import argparse
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "specs").rglob("*.yaml"))
STREETS = ["东风", "建设", "人民", "解放", "和平", "新华", "胜利", "光明", "文化", "幸福", "长江", "黄河", "青山", "白云",
           "金山", "银湖", "桂花", "荷花", "枫林", "松柏"]
KINDS = ["街道办事处", "社区服务中心", "行政审批服务局", "网格化管理服务中心", "城市管理局"]
# 基本支出 科目 pairs seen in the seeds (功能科目 × 经济科目), with typical shares of a unit's 基本支出
BASIC = [("2010301", "30101", 18), ("2010301", "30102", 15), ("2010301", "30103", 20), ("2010301", "30107", 8),
         ("2080505", "30108", 8), ("2080506", "30109", 4), ("2101101", "30110", 3), ("2210201", "30113", 7),
         ("2010301", "30201", 2), ("2010301", "30202", 1), ("2010301", "30205", 1), ("2010301", "30206", 2),
         ("2010301", "30207", 1.5), ("2010301", "30211", 1.5), ("2010301", "30213", 1.5), ("2010301", "30215", 0.3),
         ("2010301", "30216", 0.3), ("2010301", "30217", 0.3), ("2010301", "30226", 1.5), ("2010301", "30228", 0.7),
         ("2010301", "30239", 3), ("2010301", "30299", 0.4)]
PROJECT_CODES = ["2010302", "2010306", "2010399", "2080208", "2120101", "2120501"]
CENT = Decimal("0.01")


def money(x: float | Decimal) -> Decimal:
    return Decimal(str(x)).quantize(CENT, rounding=ROUND_HALF_UP)


def seed_projects() -> list[dict]:
    """The seed specs' projects, as plain data (name, indicators, 支出明细, goals)."""
    out = []
    for path in SEEDS:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for p in data.get("项目") or []:
            if p.get("指标"):
                out.append(p)
    return out


def indicators_for(source: dict, fmt: str) -> list[dict]:
    rows = []
    for ind in source["指标"]:
        row = {k: ind[k] for k in ("一级", "二级", "三级", "指标值", "计量单位", "指标性质", "绩效标准", "目标值来源")
               if ind.get(k) not in (None, "")}
        rows.append(row)
    rows = [r for r in rows if r.get("三级")] or [{"一级": "产出指标", "二级": "数量指标", "三级": "完成事项", "指标值": "≥1项"}]
    have = {r.get("一级") for r in rows}
    for first, second, name, value in (("产出指标", "数量指标", "完成事项数", "≥1项"), ("效益指标", "社会效益指标", "服务水平", "提升"),
                                       ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%"),
                                       ("成本指标", "经济成本指标", "成本控制", "控制在预算内")):
        if first not in have and not (first == "产出指标" and "产出目标" in have) and not (first == "效益指标" and "效果目标" in have):
            rows.append({"一级": first, "二级": second, "三级": name, "指标值": value})
    if fmt == "chongqing":  # weights that add up to 100 with the 预算执行率 weight of 10
        share = [90 // len(rows)] * len(rows)
        share[0] += 90 - sum(share)
        for row, w in zip(rows, share):
            row["权重"] = w
    return rows


def unit_spec(i: int, rng: random.Random, pool: list[dict], fmt: str, year: int) -> dict:
    name = f"{rng.choice(STREETS)}{['区', '县'][i % 2]}第{i + 1}{rng.choice(KINDS)}"
    scale = Decimal(str(rng.uniform(80, 900)))
    basic = []
    for func, econ, share in rng.sample(BASIC, rng.randint(10, len(BASIC))):
        basic.append({"功能科目": func, "经济科目": econ, "金额": money(scale * Decimal(str(share)) / 100)})
    projects = []
    for n, source in enumerate(rng.sample(pool, rng.randint(2, min(8, len(pool))))):
        details = [{"内容": d["内容"], "明细": d.get("明细"), "金额": money(Decimal(str(d["金额"])) * scale / 300),
                    "测算依据": d.get("测算依据")} for d in source.get("支出明细") or []]
        amount = sum((d["金额"] for d in details), Decimal(0)) or money(rng.uniform(3, 200))
        project = {"名称": f"{source['名称']}（{n + 1}）", "功能科目": rng.choice(PROJECT_CODES), "金额": amount,
                   "实施期": f"{year}年", "年度目标": source.get("年度目标") or "按期完成年度工作任务",
                   "指标": indicators_for(source, fmt)}
        if fmt == "chongqing":
            project["预算执行率权重"] = 10
        if details:
            project["支出明细"] = [{k: v for k, v in d.items() if v is not None} for d in details]
        projects.append(project)
    total = sum((b["金额"] for b in basic), Decimal(0)) + sum((p["金额"] for p in projects), Decimal(0))
    spec = {
        "年度": year, "格式": fmt,
        "单位": {"名称": name, "编码": f"{900000 + i}", "主管部门": "示例区人民政府", "性质": "行政",
               "职能职责": "负责辖区社会管理与公共服务工作。\n承办上级交办的其他事项。",
               "人员": {"编制": 20 + i % 30, "在编": 18 + i % 30, "实有": 25 + i % 40}, "车辆": {"编制": 0, "实有": 0},
               "联系人": "张三", "联系电话": "0000-0000000"},
        "收入": {"一般公共预算拨款": total},
        "基本支出": basic,
        "项目": projects,
        "政府采购": [{"项目": "办公用品", "品目": "文具", "类别": "货物", "金额": money(rng.uniform(0.5, 5))}],
        "国有资产": {"截至": f"{year - 1}年12月", "车辆": 0},
        "上年": {"支出合计": money(total * Decimal("0.95")), "基本支出": money(scale * Decimal("0.8")),
               "三公经费": {"合计": money(rng.uniform(0.3, 2)), "公务接待费": money(rng.uniform(0.3, 2))}},
    }
    spec["上年"]["三公经费"]["合计"] = spec["上年"]["三公经费"]["公务接待费"]
    return spec


def _decimal(dumper: yaml.Dumper, value: Decimal) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


def write_district(out: Path, units: int, fmt: str = "chongqing", seed: int = 1, year: int = 2024) -> list[Path]:
    rng = random.Random(seed)
    pool = seed_projects()
    out.mkdir(parents=True, exist_ok=True)
    yaml.SafeDumper.add_representer(Decimal, _decimal)
    paths = []
    for i in range(units):
        path = out / f"unit{i + 1:04d}.yaml"
        text = yaml.safe_dump(unit_spec(i, rng, pool, fmt, year), allow_unicode=True, sort_keys=False, width=1000)
        path.write_text("# yaml-language-server: $schema=../schema/spec.schema.json\n" + text, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--format", default="chongqing")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2024)
    args = parser.parse_args()
    paths = write_district(args.out, args.units, args.format, args.seed, args.year)
    print(f"{len(paths)} 个单位规格写入 {args.out}")
