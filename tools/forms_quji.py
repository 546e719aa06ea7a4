"""区级部门预算公开 for a 部门 of 本级 and 下属单位, in two layouts: `quji` (tables in 元, no decimals, the 部门 and
each 单位 edition) and `quji2` (the 部门 edition only, in 万元 with two decimals, other sheets and columns).
Titles and notes say 部门预算 or 单位预算 ({{预算名称}}), 本部门 or 本单位 ({{主体}})."""
from pathlib import Path

from openpyxl import Workbook
from xlsx_forms import MONEY, Form, H, Line, classified, draw, none_note

LEFT = "编制单位：{{单位.名称}}"
YUAN, WAN = "单位：元", "单位：万元"
TRANSFERS = [("对附属单位补助支出", "对附属单位补助支出"), ("上缴上级支出", "上缴上级支出")]
SANGONG = [("1.因公出国（境）费", "因公出国（境）费"), ("2.公务用车购置费", "公务用车购置费"),
           ("3.公务用车运行维护费", "公务用车运行维护费"), ("4.公务接待费", "公务接待费")]


def save(forms: list[Form], path: Path, money: str, by_sheet: dict[str, str] | None = None) -> None:
    """Draw the forms (xlsx_forms.draw) with `money` as the number format of their money cells (a sheet of
    `by_sheet` with its own)."""
    wb = Workbook()
    wb.remove(wb.active)
    for form in forms:
        draw(wb, form)
    for ws in wb.worksheets:
        code = (by_sheet or {}).get(ws.title, money)
        for row in ws.iter_rows():
            for cell in row:
                if cell.number_format == MONEY:
                    cell.number_format = code
    wb.active = 0
    wb.save(path)


def table(name: str, title: str, tree: list, label: str, **kw) -> Form:
    """A 功能/经济 classified table of the 区级 layout: 类/款/项 codes in columns, the 合计 row first."""
    kw.setdefault("code_title", "功能分类科目")
    return classified(name, title, tree, label=label, left=LEFT, unit=kw.pop("unit", YUAN), **kw)


# --- quji: 元, the 部门 and each 单位 -------------------------------------------------------------------------

def overview() -> Form:
    """收入 by source | 支出 by 功能 类 | 支出 by kind (incl. the money paid inside a 部门), each panel footing."""
    header = [[H("收入", 2), H("支出", 4)],
              ["项目", "预算数", "项目（按支出功能分类）", "预算数", "项目（按支出类型）", "预算数"]]
    body = Line(["{{行.收入.项目}}", "{{行.收入.数}}", "{{行.功能.项目}}", "{{行.功能.数}}", "{{行.类型.项目}}",
                 "{{行.类型.数}}"])
    lines = [body,
             Line(["本年收入合计", "{{数:本年收入}}", "本年支出合计", "{{数:合计}}", "本年支出合计", "{{数:合计}}"], "total"),
             Line(["上年结转", "{{数:上年结转收入}}", "结转下年", None, "结转下年", None]),
             Line(["收入总计", "{{数:收入合计}}", "支出总计", "{{数:合计}}", "支出总计", "{{数:合计}}"], "total")]
    return Form("部门收支总表", "{{年度}}年{{预算名称}}收支总表", "tmtmtm", [30, 15, 30, 15, 24, 15], header, lines,
                label="表一", left=LEFT, unit=YUAN)


INCOME = [("合计", ""), ("上年结转", "上年结转"), ("一般公共预算拨款", "一般公共预算&本年"),
          ("政府性基金预算拨款", "政府性基金&本年"), ("国有资本经营预算拨款", "国有资本经营&本年"),
          ("财政专户管理资金", "财政专户&本年"), ("事业收入", "来源:事业收入&本年"),
          ("事业单位经营收入", "来源:事业单位经营收入&本年"), ("上级补助收入", "来源:上级补助收入&本年"),
          ("附属单位上缴收入", "来源:附属单位上缴收入&本年"), ("其他收入", "来源:其他收入&本年")]
SPENDING = [("合计", ""), ("基本支出", "基本支出"), ("项目支出", "项目支出"), *TRANSFERS]


def by_unit() -> Form:
    header = [[H("序号", rows=2), H("单位编码", rows=2), H("单位名称", rows=2), H("单位性质", rows=2), H("支出预算", 5)],
              ["合计", "基本支出", "项目支出", "对附属单位补助支出", "上缴上级支出"]]
    columns = [e for _, e in SPENDING]
    total = Line(["合计", None, None, None, *(f"{{{{数:{e or '合计'}}}}}" for e in columns)], "total", merges=[(0, 3)])
    body = Line(["{{行.序号}}", "{{行.编码}}", "{{行.名称}}", "{{行.性质}}", *(f"{{{{行:{e or '合计'}}}}}" for e in columns)])
    return Form("按单位支出表", "{{年度}}年{{预算名称}}按单位支出表", "cctc" + "m" * 5, [6, 10, 34, 8] + [15] * 5, header,
                [total, body], label="表四", left=LEFT, unit=YUAN,
                notes=["注：部门预算中，本级对下属单位的补助和下属单位上缴本级的资金是部门内部往来，已从各单位的支出中抵消；"
                       "单位预算列示本单位的全部支出。"])


def sangong() -> Form:
    """“三公”经费 and 机关运行经费: this year, last year, the change and its rate."""
    header = [["项目", "本年预算", "上年预算", "增减额", "增减率（%）"]]

    def line(label: str, name: str, kind: str = "body") -> Line:
        return Line([label, f"{{{{数:{name}}}}}", f"{{{{上年:{name}}}}}", f"{{{{增减额:{name}}}}}", f"{{{{增减率:{name}}}}}"], kind)

    lines = [line("“三公”经费合计", "三公经费", "total"), *(line(label, name) for label, name in SANGONG),
             line("机关运行经费", "机关运行经费", "total")]
    notes = ["注：1.“三公”经费为一般公共预算拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。",
             "2.机关运行经费为行政单位和参照公务员法管理的事业单位的一般公共预算基本支出公用经费，事业单位不计（计入行政单位"
             "{{单位性质.行政}}个、参照公务员法管理的事业单位{{单位性质.参公}}个，不计事业单位{{单位性质.事业}}个）。"]
    return Form("“三公”经费表", "{{年度}}年{{预算名称}}“三公”经费和机关运行经费预算表", "tmmmn", [34, 16, 16, 16, 12],
                header, lines, label="表七", left=LEFT, unit=YUAN, notes=notes, landscape=False)


def procurement() -> Form:
    header = [[H("序号", rows=2), H("采购项目", rows=2), H("采购品目", rows=2), H("类别", rows=2), H("功能分类科目", 3),
               H("数量", rows=2), H("计量单位", rows=2), H("采购金额", rows=2), H("资金来源", 2)],
              ["类", "款", "项", "一般公共预算", "单位资金"]]
    body = Line(["{{行.序号}}", "{{行.项目}}", "{{行.品目}}", "{{行.类别}}", "{{行.类}}", "{{行.款}}", "{{行.项}}", "{{行.数量}}",
                 "{{行.计量单位}}", "{{行.金额}}", "{{行.资金.一般公共预算}}", "{{行.资金.单位资金}}"])
    blank = [None] * 6
    lines = [Line(["合计", *blank, None, None, "{{采购.合计}}", "{{采购.资金.一般公共预算}}", "{{采购.资金.单位资金}}"], "total",
                  merges=[(0, 8)]),
             Line(["其中：面向中小企业预留", *blank, None, None, "{{采购.面向中小企业预留}}"], merges=[(0, 8)]),
             Line(["　　其中：预留给小微企业", *blank, None, None, "{{采购.小微企业}}"], merges=[(0, 8)]),
             body]
    return none_note(Form("政府采购表", "{{年度}}年{{预算名称}}政府采购预算表", "cttcccc" + "nc" + "mmm",
                          [6, 26, 20, 7, 6, 5, 5, 7, 7, 13, 13, 13], header, lines, label="表八", left=LEFT, unit=YUAN))


def quji() -> list[Form]:
    return [
        overview(),
        table("部门收入总表", "{{年度}}年{{预算名称}}收入总表", INCOME, "表二", money_width=12),
        table("部门支出总表", "{{年度}}年{{预算名称}}支出总表", SPENDING, "表三", money_width=14),
        by_unit(),
        table("一般公共预算支出表", "{{年度}}年{{预算名称}}一般公共预算支出表",
              [("合计", ""), ("基本支出", [("小计", "基本支出"), ("人员经费", "人员经费"), ("公用经费", "公用经费")]),
               ("项目支出", "项目支出"), ("部门内部往来", [("对附属单位补助支出", "对附属单位补助支出"),
                                                ("上缴上级支出", "上缴上级支出")])], "表五", money_width=14),
        table("一般公共预算基本支出表", "{{年度}}年{{预算名称}}一般公共预算基本支出表",
              [("合计", ""), ("人员经费", "人员经费"), ("公用经费", "公用经费")], "表六", codes="类款",
              code_title="部门预算支出经济分类科目", landscape=False, money_width=15),
        sangong(),
        procurement(),
        none_note(table("政府性基金预算支出表", "{{年度}}年{{预算名称}}政府性基金预算支出表",
                        [("合计", ""), ("基本支出", "基本支出"), ("项目支出", "项目支出")], "表九", landscape=False,
                        money_width=15)),
    ]


def save_quji(path: Path) -> None:
    save(quji(), path, "#,##0")


# --- quji2: 万元, the 部门 only -------------------------------------------------------------------------------

def fiscal_overview() -> Form:
    """收入 by fund and source | 支出 by 功能 类 in columns of all money, 财政拨款 and its funds, 单位资金."""
    header = [[H("收入", 2), H("支出", 7)],
              [H("项目", rows=2), H("预算数", rows=2), H("项目", rows=2), H("合计", rows=2), H("财政拨款", 4),
               H("单位资金", rows=2)],
              ["小计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]]
    columns = ["合计", "财政拨款", "一般公共预算", "政府性基金", "国有资本经营", "单位资金"]
    body = Line(["{{行.收入.项目}}", "{{行.收入.数}}", "{{行.支出.项目}}", *(f"{{{{行.支出:{c}}}}}" for c in columns)])
    lines = [body,
             Line(["本年收入合计", "{{数:本年收入}}", "本年支出合计", *(f"{{{{数:{c}}}}}" for c in columns)], "total"),
             Line(["上年结转", "{{数:上年结转收入}}", "结转下年", *[None] * 6]),
             Line(["收入总计", "{{数:收入合计}}", "支出总计", *(f"{{{{数:{c}}}}}" for c in columns)], "total")]
    return Form("财政拨款收支总表", "{{年度}}年部门收支及财政拨款收支总表", "tmt" + "m" * 6, [30, 13, 28] + [13] * 6, header,
                lines, label="表1", left=LEFT, unit=WAN)


def income_by_unit() -> Form:
    """Each unit's income by fund, as it spends it (the five funds partition every amount)."""
    header = [[H("单位", 3), H("收入预算（按资金性质）", 7)],
              [H("序号", rows=2), H("单位名称", rows=2), H("层级", rows=2), H("合计", rows=2), H("一般公共预算拨款", rows=2),
               H("政府性基金预算拨款", rows=2), H("国有资本经营预算拨款", rows=2), H("财政专户管理资金", rows=2),
               H("单位资金", 2)],
              ["小计", "其中：事业收入"]]
    columns = ["合计", "一般公共预算", "政府性基金", "国有资本经营", "财政专户", "单位资金", "事业收入"]
    total = Line(["部门合计", None, None, *(f"{{{{数:{c}}}}}" for c in columns)], "total", merges=[(0, 2)])
    body = Line(["{{行.序号}}", "{{行.名称}}", "{{行.层级}}", *(f"{{{{行:{c}}}}}" for c in columns)])
    notes = ["注：各单位的收入按其支出的资金性质列示，部门内部往来已抵消：本级补助下属单位的资金按本级的资金来源计入下属单位，"
             "下属单位上缴本级的资金按下属单位的资金来源计入本级。"]
    return Form("按单位收入表", "{{年度}}年部门收入预算表（按单位）", "ctc" + "m" * 7, [6, 32, 7] + [14] * 7, header,
                [total, body], label="表2", left=LEFT, unit=WAN, notes=notes)


def projects() -> Form:
    header = [[H("序号", rows=2), H("项目名称", rows=2), H("功能分类科目", 4), H("项目支出", 3)],
              ["类", "款", "项", "科目名称", "合计", "一般公共预算", "单位资金"]]
    total = Line(["合计", None, None, None, None, None, "{{数:项目支出}}", "{{数:项目支出&一般公共预算}}",
                  "{{数:项目支出&单位资金}}"], "total", merges=[(0, 5)])
    body = Line(["{{行.序号}}", "{{行.名称}}", "{{行.类}}", "{{行.款}}", "{{行.项}}", "{{行.功能科目名称}}", "{{行:合计}}",
                 "{{行:一般公共预算}}", "{{行:单位资金}}"])
    return none_note(Form("项目支出表", "{{年度}}年部门项目支出预算表", "ctccct" + "mmm", [6, 34, 6, 5, 5, 24, 13, 13, 13],
                          header, [total, body], label="表5", left=LEFT, unit=WAN))


def sangong_across() -> Form:
    """“三公”经费 and 机关运行经费 across: one row for this year, last year and the change."""
    names = ["三公经费", "因公出国（境）费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行维护费", "公务接待费",
             "机关运行经费"]
    header = [[H("项目", rows=3), H("“三公”经费", 6), H("机关运行经费", rows=3)],
              [H("合计", rows=2), H("因公出国（境）费", rows=2), H("公务用车购置及运行费", 3), H("公务接待费", rows=2)],
              ["小计", "公务用车购置费", "公务用车运行维护费"]]

    def line(label: str, root: str) -> Line:  # 公务用车购置及运行费 is no 上年对比: its sum of parts has no prior
        return Line([label, *(f"{{{{{root}:{n}}}}}" if root == "数" or n != "公务用车购置及运行费" else None for n in names)])

    lines = [line("{{年度}}年预算", "数"), line("{{上年度}}年预算", "上年"), line("增减额", "增减额")]
    return Form("三公经费表", "{{年度}}年部门“三公”经费和机关运行经费预算表", "t" + "m" * 7, [16] + [13] * 7, header, lines,
                label="表6", left=LEFT, unit=WAN,
                notes=["注：机关运行经费不含事业单位（{{主体}}事业单位{{单位性质.事业}}个）。"])


def procurement_summary() -> Form:
    rows = [("政府采购预算合计", "采购.合计"), ("其中：货物", "采购.货物"), ("　　　工程", "采购.工程"), ("　　　服务", "采购.服务"),
            ("其中：一般公共预算安排", "采购.一般公共预算"), ("面向中小企业预留", "采购.面向中小企业预留"),
            ("其中：预留给小微企业", "采购.小微企业")]
    lines = [Line([label, f"{{{{{value}}}}}"], "total" if n == 0 else "body") for n, (label, value) in enumerate(rows)]
    return Form("政府采购汇总表", "{{年度}}年部门政府采购预算汇总表", "tm", [40, 20], [["项目", "金额"]], lines, label="表7",
                left=LEFT, unit=WAN, landscape=False)


def quji2() -> list[Form]:
    kinds = [("合计", ""), ("基本支出", "基本支出"), ("项目支出", "项目支出")]
    return [
        fiscal_overview(),
        income_by_unit(),
        table("支出经济分类表", "{{年度}}年部门支出预算表（按政府预算支出经济分类）", kinds, "表3", codes="类款",
              code_title="政府预算支出经济分类科目", unit=WAN, landscape=False, money_width=14),
        table("基本支出表", "{{年度}}年部门一般公共预算基本支出表（按政府预算支出经济分类）",
              [("合计", ""), ("人员经费", "人员经费"), ("公用经费", "公用经费")], "表4", codes="类款",
              code_title="政府预算支出经济分类科目", unit=WAN, landscape=False, money_width=14),
        projects(),
        sangong_across(),
        procurement_summary(),
    ]


def save_quji2(path: Path) -> None:
    save(quji2(), path, "#,##0.00")
