"""The district summary a batch writes: one row per unit, a total row."""
from xlsx_forms import Form, Line

FIGURES = ["收支总计", "基本支出", "项目支出", "三公经费", "机关运行经费"]


def forms() -> list[Form]:
    header = [["序号", "单位名称", "规格文件", *FIGURES, "检查", "警告数", "状态"]]
    body = Line(["{{行.序号}}", "{{行.单位}}", "{{行.规格}}", *[f"{{{{行.{k}}}}}" for k in FIGURES], "{{行.检查}}",
                 "{{行.警告}}", "{{行.状态}}"])
    total = Line(["合计", None, None, *[f"{{{{合计.{k}}}}}" for k in FIGURES], None, None, None], "total", merges=[(0, 2)])
    return [Form("汇总", "{{年度}}年部门预算文书汇总（{{单位数}}个单位）", "ctt" + "m" * 5 + "cnc",
                 [6, 34, 40, 12, 12, 12, 11, 12, 12, 8, 8], header, [body, total])]
