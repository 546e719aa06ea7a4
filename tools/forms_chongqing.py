"""重庆 部门预算公开表 (seed 003: 石柱土家族自治县行政服务中心 2023): the sheets as published."""
from xlsx_forms import Form, H, Line, classified, none_note

KINDS = [("合计", ""), ("基本支出", "基本支出"), ("项目支出", "项目支出")]


def cover() -> Form:
    return Form("封面", "{{年度}}年部门预算公开表", "tttt", [22, 22, 22, 22], unit=None, landscape=False, title_size=22,
                lines=[Line([None] * 4, "plain", height=60),
                       Line(["{{单位.名称}}", None, None, None], "cover", merges=[(0, 3)], height=40),
                       Line(["(公章)", None, None, None], "cover", merges=[(0, 3)], height=40),
                       Line(["报送日期：    年    月    日", None, None, None], "cover", merges=[(0, 3)], height=40),
                       Line(["单位负责人签章：", "财务负责人签章：", None, "制表人签章："], "cover", merges=[(1, 2)], height=40)])


def fiscal_overview() -> Form:
    header = [[H("收入", 2), H("支出", 5)],
              ["项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]]
    body = Line(["{{行.收入.项目}}", "{{行.收入.数}}", "{{行.支出.项目}}", "{{行.支出:合计}}",
                 "{{行.支出:一般公共预算}}", "{{行.支出:政府性基金}}", "{{行.支出:国有资本经营}}"])
    total = Line(["收入合计", "{{数:收入:财政拨款}}", "支出合计", "{{数:财政拨款}}", "{{数:一般公共预算}}",
                  "{{数:政府性基金}}", "{{数:国有资本经营}}"], "total")
    return Form("财政拨款收支总表", "财政拨款收支总表", "tmtmmmm", [24, 12, 28, 12, 12, 12, 12], header, [body, total],
                label="表一")


def department_overview() -> Form:
    header = [[H("收入", 2), H("支出", 2)], ["项目", "预算数", "项目", "预算数"]]
    total = Line(["合计", "{{数:收入合计}}", "合计", "{{数:合计}}"], "total")
    body = Line(["{{行.收入.项目}}", "{{行.收入.数}}", "{{行.支出.项目}}", "{{行.支出.数}}"])
    return Form("部门收支总表", "部门收支总表", "tmtm", [26, 14, 30, 14], header, [total, body], label="表六",
                landscape=False)


def sangong() -> Form:
    header = [[H("{{年度}}年预算数", 6)],
              [H("合计", rows=2), H("因公出国（境）费", rows=2), H("公务用车购置及运行费", 3), H("公务接待费", rows=2)],
              ["小计", "公务用车购置费", "公务用车运行费"]]
    body = Line(["{{数:三公经费}}", "{{数:因公出国（境）费}}", "{{数:公务用车购置及运行费}}", "{{数:公务用车购置费}}",
                 "{{数:公务用车运行维护费}}", "{{数:公务接待费}}"])
    return Form("三公经费支出表", "一般公共预算“三公”经费支出表", "mmmmmm", [14] * 6, header, [body], label="表四")


INDICATOR_HEAD = ["绩效指标", "一级指标", "二级指标", "三级指标", "指标权重", "计量单位", "指标性质", "指标值", "是否核心指标"]
INDICATOR_ROW = [None, "{{行.一级}}", "{{行.二级}}", "{{行.三级}}", "{{行.权重}}", "{{行.计量单位}}", "{{行.指标性质}}",
                 "{{行.指标值}}", "{{行.核心指标}}"]


def performance_whole() -> Form:
    lines = [Line(["部门(单位)名称", "{{整体.部门名称}}", None, None, None, "部门支出预算数", "{{整体.资金总额}}", None, None],
                  "field", merges=[(1, 4), (6, 8)]),
             Line(["当年整体绩效目标", "{{整体.年度目标}}"] + [None] * 7, "field", merges=[(1, 8)]),
             Line(INDICATOR_HEAD, "head", down=[0]),
             Line(INDICATOR_ROW)]
    return Form("整体绩效目标表", "部门（单位）整体绩效目标表", "cttttcccc", [12, 14, 16, 26, 9, 9, 9, 10, 10], [], lines)


def program_form(name: str, title: str) -> Form:
    lines = [Line(["专项资金名称", "{{一级项目.名称}}", None, "业务主管部门", "{{一级项目.业务主管部门}}", None], "field",
                  merges=[(1, 2), (4, 5)]),
             Line(["当年预算", "{{一级项目.当年预算}}", None, None, None, None], "field", merges=[(1, 5)]),
             Line(["项目概况", "{{一级项目.项目概况}}", None, None, None, None], "field", merges=[(1, 5)]),
             Line(["立项依据", "{{一级项目.立项依据}}", None, None, None, None], "field", merges=[(1, 5)]),
             Line(["当年绩效目标", "{{一级项目.当年绩效目标}}", None, None, None, None], "field", merges=[(1, 5)]),
             Line(["绩效指标", "指标", "指标权重", "计量单位", "指标性质", "指标值"], "head", down=[0]),
             Line([None, "{{行.三级}}", "{{行.权重}}", "{{行.计量单位}}", "{{行.指标性质}}", "{{行.指标值}}"])]
    return Form(name, title, "ctcccc", [14, 40, 10, 12, 10, 14], [], lines, label="表十二",
                left="编制单位：{{一级项目.编制单位}}", landscape=False)


def project_form() -> Form:
    lines = [Line(["项目名称", "{{项目.编码名称}}", None, None, None, "业务主管部门", None, "{{项目.主管部门}}", None], "field",
                  merges=[(1, 4), (5, 6), (7, 8)]),
             Line(["预算执行率 权重", "{{项目.预算执行率权重}}", None, None, None, "项目分类", None, "{{项目.类别}}", None],
                  "field", merges=[(1, 4), (5, 6), (7, 8)]),
             Line(["当年预算 (万元)", "{{项目.金额}}", None, None, None, "本级安排(万元)", None, "{{项目.本级安排}}", None],
                  "field", merges=[(1, 4), (5, 6), (7, 8)], down=[0]),
             Line([None, None, None, None, None, "上级补助(万元)", None, "{{项目.上级补助}}", None], "field",
                  merges=[(1, 4), (5, 6), (7, 8)]),
             Line(["项目概述", "{{项目.项目概况}}"] + [None] * 7, "field", merges=[(1, 8)]),
             Line(["立项依据", "{{项目.立项依据}}"] + [None] * 7, "field", merges=[(1, 8)]),
             Line(["当年绩效目标", "{{项目.年度目标}}"] + [None] * 7, "field", merges=[(1, 8)]),
             Line(INDICATOR_HEAD, "head", down=[0]),
             Line(INDICATOR_ROW)]
    return Form("项目支出绩效目标表", "{{年度}}年项目支出绩效目标表", "cttttcccc", [12, 12, 14, 24, 9, 11, 9, 9, 10],
                [], lines, left="编制单位：{{单位.编码}}-{{单位.名称}}")


def forms() -> list[Form]:
    return [
        cover(),
        fiscal_overview(),
        classified("一般公共预算支出表", "一般公共预算财政拨款支出预算表",
                   [("{{年度}}年预算数", [("总计", ""), ("基本支出", "基本支出"), ("项目支出", "项目支出")])],
                   codes="编码", code_title="功能分类科目", label="表二", landscape=False),
        classified("基本支出表", "一般公共预算财政拨款基本支出预算表",
                   [("{{年度}}年基本支出", [("总计", ""), ("人员经费", "人员经费"), ("日常公用经费", "公用经费")])],
                   codes="编码", code_title="经济分类科目", label="表三", landscape=False),
        sangong(),
        none_note(classified("政府性基金预算支出表", "政府性基金预算支出表",
                             [("本年政府性基金预算财政拨款支出", [("总计", ""), ("基本支出", "基本支出"), ("项目支出", "项目支出")])],
                             codes="编码", code_title=None, label="表五", landscape=False)),
        department_overview(),
        classified("部门支出总表", "部门支出总表", [("总计", ""), ("基本支出", "基本支出"), ("项目支出", "项目支出")],
                   codes="编码", code_title=None, label="表七", landscape=False),
        performance_whole(),
        program_form("重点专项绩效目标表", "{{年度}}年重点专项资金绩效目标表（一级项目）"),
        program_form("一般性项目绩效目标表", "{{年度}}年一般性项目绩效目标表（一级项目）"),
        project_form(),
    ]
