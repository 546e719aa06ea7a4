"""湖南 部门预算公开表 附件3-1～3-30 and the two 绩效目标表, as seed 004 (株洲市荷塘区行政审批服务局 2022) prints them.

Each form has the seed's own title, caption (附件3-x only where the seed prints one), unit line (`单位:万元`,
`单位：万元` or `单位: 万元`, as each table writes it) and column labels, in the seed's order — a label the seed
leaves out (the 项 column of 3-6, 3-10, 3-15 and 3-17, the 科目名称 of 3-11) is left blank, not invented. Zero is
blank in every table, as the seed prints it. Amounts show two decimals except where the seed writes an amount as
a number is written (the 合计 rows of 3-1 and 3-3: 703.5; the 绩效 forms: 资金总额：703.5万元, 141.77万元, 项目金额
41万元): those cells use the General number format, with the unit as literal text of the format where the seed
prints one. An empty classified table prints 无 without a 合计 row (the block's 级次: [合计, 项]). Wide tables are
landscape, fitted to the page width; one-page tables (3-1, 3-12) fit on one page; the 整体绩效 form repeats its
指标 header on every page."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from xlsx_forms import FONT, Form, H, Line, depth, draw, leaves, tree_header

GENERAL = "General"  # a number as it is written: 703.5, 41
WAN_TEXT = 'General"万元"'  # …with the unit after it, as the 绩效 forms print it: 141.77万元, 41万元
TOTAL_TEXT = '"资金总额："General"万元"'

# 功能分类 类 as the 湖南 收支总表 list them, in their order.
FUNCTION_CLASSES = [
    ("一般公共服务支出", "201"), ("国防支出", "203"), ("公共安全支出", "204"), ("教育支出", "205"),
    ("科学技术支出", "206"), ("文化旅游体育与传媒支出", "207"), ("社会保障和就业支出", "208"), ("卫生健康支出", "210"),
    ("节能环保支出", "211"), ("城乡社区支出", "212"), ("农林水支出", "213"), ("交通运输支出", "214"),
    ("资源勘探工业信息等支出", "215"), ("商业服务业等支出", "216"), ("金融支出", "217"), ("自然资源海洋气象等支出", "220"),
    ("住房保障支出", "221"), ("粮油物资储备支出", "222"), ("其他支出", "229"), ("国有资本经营预算支出", "223"),
    ("预备费", "227"), ("灾害防治及应急管理支出", "224"), ("债务还本支出", "231"), ("债务付息支出", "232"),
    ("债务发行费用支出", "233"),
]
# the last two 类 of the 收支总表 sit beside its 本年收入合计 row (the format's panel lists the first 23)
LAST_CLASSES = [("二十四、债务付息支出", "232"), ("二十五、债务发行费用支出", "233")]

SOURCES = [("总计", ""), ("财政预算全额拨款", "经费拨款"), ("财政预算定额补助", "定额补助"),
           ("纳入财政预算管理的非税收入拨款", [("合计", "来源:纳入预算管理的非税收入拨款|政府性基金拨款"),
                                              ("政府性基金拨款", "政府性基金"), ("专项收入拨款", None),
                                              ("其他各项收入拨款", "来源:纳入预算管理的非税收入拨款")]),
           ("财政专户管理的非税收入拨款", "财政专户"), ("其他收入", "单位资金"), ("上年结转", "上年结转")]

DEPT_ECON = [("总计", ""),
             ("基本支出", [("合计", "基本支出"), ("工资福利支出", "基本支出&部门经济:301"),
                          ("一般商品和服务支出", "基本支出&部门经济:302"), ("对个人和家庭的补助", "基本支出&部门经济:303")]),
             ("项目支出", [("合计", "项目支出"), ("商品和服务支出", "项目支出&部门经济:302"),
                          ("对个人和家庭的补助", "项目支出&部门经济:303"), ("债务利息及费用支出", "项目支出&部门经济:307"),
                          ("资本性支出(基本建设)", "项目支出&部门经济:309"), ("资本性支出", "项目支出&部门经济:310"),
                          ("对企业补助(基本建设)", "项目支出&部门经济:311"), ("对企业补助", "项目支出&部门经济:312"),
                          ("对社会保障基金补助", "项目支出&部门经济:313"), ("其他支出", "项目支出&部门经济:399")])]

GOV_ECON = [("总计", ""), ("机关工资福利支出", "政府经济:501"), ("机关商品和服务支出", "政府经济:502"),
            ("机关资本性支出(一)", "政府经济:503"), ("机关资本性支出(二)", "政府经济:504"),
            ("对事业单位经常性补助", "政府经济:505"), ("对事业单位资本性补助", "政府经济:506"), ("对企业补助", "政府经济:507"),
            ("对企业资本性支出", "政府经济:508"), ("对个人和家庭的补助", "政府经济:509"),
            ("对社会保障基金补助", "政府经济:510"), ("债务利息及费用支出", "政府经济:511"), ("其他支出", "政府经济:599")]

# 社会保障缴费 has the four columns the seed prints; its 合计 (as the seed's 26.91 shows) takes in 住房公积金
WAGES_DEPT = [("总计", ""),
              ("工资津补贴", [("合计", "部门经济:30101|30102|30103|30107"), ("基本工资", "部门经济:30101"),
                              ("津贴补贴", "部门经济:30102"), ("奖金", "部门经济:30103"), ("绩效工资", "部门经济:30107")]),
              ("社会保障缴费", [("合计", "部门经济:30108|30109|30110|30111|30112|30113"),
                               ("机关事业单位基本养老保险", "部门经济:30108"), ("职业年金缴费", "部门经济:30109"),
                               ("职工基本医疗保险缴费", "部门经济:30110"), ("公务员医疗补助缴费", "部门经济:30111")]),
              ("住房公积金", "部门经济:30113"),
              ("其他工资福利支出", [("合计", "部门经济:30106|30114|30199"), ("伙食补助费", "部门经济:30106"),
                                   ("医疗费", "部门经济:30114"), ("其他工资福利支出", "部门经济:30199")])]

WAGES_GOV = [("总计", ""),
             ("机关工资福利支出", [("合计", "政府经济:501"), ("工资奖金津补贴", "政府经济:50101"),
                                   ("社会保障缴费", "政府经济:50102"), ("住房公积金", "政府经济:50103"),
                                   ("其他工资福利支出", "政府经济:50199")]),
             ("对事业单位经常性补助", [("合计", "政府经济:505"), ("工资福利支出", "政府经济:50501"),
                                      ("其他对事业单位补助", "政府经济:50599")])]

GOODS = ["办公费:30201", "印刷费:30202", "水费:30205", "电费:30206", "邮电费:30207", "取暖费:30208", "物业管理费:30209",
         "差旅费:30211", "维修(护)费:30213", "租赁费:30214", "会议费:30215", "培训费:30216", "公务接待费:30217",
         "劳务费:30226", "委托业务费:30227", "工会经费:30228", "福利费:30229", "公务用车运行维护费:30231",
         "其他交通费用:30239", "税金及附加费用:30240", "其他商品和服务支出:30299"]
# 3-17: the seed's columns; its third column is printed 水费 a second time (a misprint for 手续费 30204)
GOODS_FULL = ["办公费:30201", "印刷费:30202", "手续费:30204", "咨询费:30203", "水费:30205", "电费:30206", "邮电费:30207",
              "取暖费:30208", "物业管理费:30209", "差旅费:30211", "因公出国(境)费用:30212", "维修(护)费:30213",
              "租赁费:30214", "会议费:30215", "培训费:30216", "公务接待费:30217", "专用材料费:30218",
              "被装购置费:30224", "专用燃料费:30225", "劳务费:30226", "委托业务费:30227", "工会经费:30228",
              "福利费:30229", "公务用车运行维护费:30231", "其他交通费用:30239", "税金及附加费用:30240",
              "其他商品和服务支出:30299", "房屋建筑物购建:31001", "办公设备购置:31002", "专用设备购置:31003",
              "公务用车购置:31013", "基础设施建设:31005", "大型修缮:31006", "信息网络及软件购置更新:31007",
              "物资储备:31008", "其他交通工具购置:31019", "其他资本性支出:31099"]

GOODS_GOV = [("总计", ""),
             ("机关商品和服务支出", [("合计", "政府经济:502"), ("办公经费", "政府经济:50201"), ("会议费", "政府经济:50202"),
                                     ("培训费", "政府经济:50203"), ("委托业务费", "政府经济:50205"),
                                     ("公务接待费", "政府经济:50206"), ("公务用车运行维护费", "政府经济:50208"),
                                     ("维修(护)费", "政府经济:50209"), ("其他商品和服务支出", "政府经济:50299")]),
             ("对事业单位经常性补助", [("合计", "政府经济:505"), ("商品和服务支出", "政府经济:50502"),
                                      ("其他对事业单位补助", "政府经济:50599")])]

GOODS_GOV_FULL = [("总计", ""),
                  ("机关商品和服务支出", [("合计", "政府经济:502|503"), ("办公经费", "政府经济:50201"),
                                          ("会议费", "政府经济:50202"), ("培训费", "政府经济:50203"),
                                          ("专用材料购置费", "政府经济:50204"), ("委托业务费", "政府经济:50205"),
                                          ("公务接待费", "政府经济:50206"), ("因公出国(境)费用", "政府经济:50207"),
                                          ("公务用车运行维护费", "政府经济:50208"), ("维修(护)费", "政府经济:50209"),
                                          ("购买服务", None), ("其他商品和服务支出", "政府经济:50299"),
                                          ("房屋建筑物购建", "政府经济:50301"), ("基础设施建设", "政府经济:50302"),
                                          ("公务用车购置", "政府经济:50303"), ("土地征迁补偿和安置支出", "政府经济:50305"),
                                          ("设备购置", "政府经济:50306"), ("大型修缮", "政府经济:50307"),
                                          ("其他资本性支出", "政府经济:50399")]),
                  ("对事业单位经常性补助", [("合计", "政府经济:505"), ("商品和服务支出", "政府经济:50502"),
                                           ("其他对事业单位补助", "政府经济:50599")]),
                  ("对事业单位资本性补助", [("合计", "政府经济:506"), ("资本性支出一", "政府经济:50601")])]

FAMILY = [("总计", ""), ("离休费", "部门经济:30301"), ("退休费", "部门经济:30302"), ("退职(役)费", "部门经济:30303"),
          ("抚恤金", "部门经济:30304"), ("生活补助", "部门经济:30305"), ("救济费", "部门经济:30306"),
          ("医疗费补助", "部门经济:30307"), ("助学金", "部门经济:30308"), ("奖励金", "部门经济:30309"),
          ("个人农业生产补贴", "部门经济:30310"), ("代缴社会保险费", "部门经济:30311"),
          ("其他对个人和家庭的补助", "部门经济:30399")]
FAMILY_GOV = [("总计", ""), ("社会福利和救济", "政府经济:50901"), ("助学金", "政府经济:50902"),
              ("个人农业生产补贴", "政府经济:50903"), ("离退休费", "政府经济:50905"),
              ("其他对个人和家庭的补助", "政府经济:50999")]

# the seed's unit lines, as each table writes them
U_HALF, U_FULL, U_SPACE = "单位:万元", "单位：万元", "单位: 万元"


def goods(items: list[str]) -> list:
    return [("总计", "")] + [(label, f"部门经济:{code}") for label, code in (i.split(":") for i in items)]


# --- the columns left of the figures: how each table heads its 科目 ----------------------------------------------

def dept_side(n: int, title: str = "功能科目", item: str = "项") -> list[list]:
    """功能科目 over 科目编码 (类 款 项) and 科目名称, in three header rows (or more)."""
    return [[H(title, 4)], [H("科目编码", 3), H("科目名称", rows=n - 1)],
            [H("类", rows=n - 2), H("款", rows=n - 2), H(item, rows=n - 2)]] + [[] for _ in range(n - 3)]


def gov_side(n: int, name: str = "科目名称") -> list[list]:
    """功能科目 over 类 款 项 科目名称, in two header rows (or more)."""
    return [[H("功能科目", 4)], [H(t, rows=n - 1) for t in ("类", "款", "项", name)]] + [[] for _ in range(n - 2)]


def named_side(n: int) -> list[list]:
    """3-19: 科目名称 beside 功能科目, which heads 科目编码 over 类 款 项."""
    return [[H("功能科目", 3), H("科目名称", rows=n)], [H("科目编码", 3)],
            [H(t, rows=n - 2) for t in ("类", "款", "项")]] + [[] for _ in range(n - 3)]


def class_side(n: int) -> list[list]:
    """3-14: 科目编码 over 类 款 (the 项 goes with its name: 01 行政运行)."""
    return [[H("功能科目", 3)], [H("科目编码", 2), H("科目名称", rows=n - 1)],
            [H("类", rows=n - 2), H("款", rows=n - 2)]] + [[] for _ in range(n - 3)]


def table(name: str, title: str, tree: list, *, side=dept_side, rows: int = 3, unit: str = U_FULL,
          label: str | None = None, left: str | None = None, total: bool = True, codes: str = "类款项",
          name_field: str = "名称", notes: list[str] | None = None, money_width: float = 11, name_width: float = 30,
          landscape: bool = True) -> Form:
    """A table whose rows are the 功能 科目 of its 范围 and whose columns are figures (a column tree). `total`: a
    合计 row of its own above the rows; without it the block's source brings its 合计 row (级次: [合计, 项]), so an
    empty table prints only its 无."""
    cols = leaves(tree)
    n = max(depth(tree), rows)
    head = side(n)
    right = tree_header(tree, n)
    header = [head[i] + right[i] for i in range(n)]
    fields = [f"{{{{行.{c}}}}}" for c in codes] + [f"{{{{行.{name_field}}}}}"]
    body = Line(fields + [f"{{{{行:{e}}}}}" if e is not None else None for _, e in cols])
    lines = [body]
    if total:
        lines.insert(0, Line(["合计"] + [None] * len(codes) + [f"{{{{数:{e}}}}}" if e is not None else None for _, e in cols],
                             "total", merges=[(0, len(codes))]))
    kinds = "c" * len(codes) + "t" + "m" * len(cols)
    widths = [6] * len(codes) + [name_width] + [money_width] * len(cols)
    return Form(name, title, kinds, widths, header, lines, label=label, unit=unit, left=left, notes=notes or [],
                landscape=landscape)


def empty_note(form: Form) -> Form:
    form.notes.append("{{无数据说明}}")
    return form


# --- the forms ----------------------------------------------------------------------------------------------------

def overview() -> Form:
    header = [[H("收入", 2), H("支出", 6)],
              ["项目", "本年预算", "项目", "本年预算", "项目 (按部门预算经济分类)", "本年预算", "项目 (按政府预算经济分类)", "本年预算"]]
    body = Line(["{{行.收入.项目}}", "{{行.收入.数}}", "{{行.功能.项目}}", "{{行.功能.数}}", "{{行.部门.项目}}",
                 "{{行.部门.数}}", "{{行.政府.项目}}", "{{行.政府.数}}"])
    (c24, f24), (c25, f25) = LAST_CLASSES
    lines = [body,
             Line(["本年收入合计", "{{数:本年收入}}", c24, f"{{{{数:功能:{f24}}}}}", "本年支出合计", "{{数:合计}}",
                   "本年支出合计", "{{数:合计}}"]),
             Line([None, None, c25, f"{{{{数:功能:{f25}}}}}", None, None, None, None]),
             Line([None, None, "本年支出合计", "{{数:合计}}", None, None, None, None]),
             Line(["收入总计", "{{数:收入合计}}", "支出总计", "{{数:合计}}", "支出总计", "{{数:合计}}", "支出总计",
                   "{{数:合计}}"], "total")]
    return Form("附件3-1", "部门收支总表", "tmtmtmtm", [30, 11, 28, 11, 26, 11, 26, 11], header, lines, unit=U_HALF)


def income_by_unit() -> Form:
    leaves_ = [("总计", "收入合计"), ("财政预算全额拨款", "本年收入:经费拨款"), ("财政预算定额补助", "本年收入:定额补助"),
               ("合计", "本年收入:纳入预算管理的非税收入拨款"), ("政府性基金拨款", "本年收入:政府性基金拨款"),
               ("专项收入拨款", None), ("其他各项收入拨款", "本年收入:纳入预算管理的非税收入拨款"),
               ("财政专户管理的非税收入拨款", "本年收入:财政专户管理资金"), ("其他收入", "本年收入:单位资金"),
               ("上年结转", "上年结转收入")]
    header = [[H("单位代码", rows=2), H("单位名称", rows=2), H("总计", rows=2), H("财政预算全额拨款", rows=2),
               H("财政预算定额补助", rows=2), H("纳入财政预算管理的非税收入拨款", 4),
               H("财政专户管理的非税收入拨款", rows=2), H("其他收入", rows=2), H("上年结转", rows=2)],
              ["合计", "政府性基金拨款", "专项收入拨款", "其他各项收入拨款"]]
    cells = [f"{{{{数:{e}}}}}" if e else None for _, e in leaves_]
    return Form("附件3-2", "部门收入总体情况表", "ct" + "m" * 10, [10, 30] + [11] * 10, header,
                [Line(["合计", None, *cells], "total", merges=[(0, 1)]), Line(["{{行.编码}}", "{{行.名称}}", *cells])],
                label="附件3-2", unit=U_FULL)


def fiscal_overview() -> Form:
    header = [[H("收 入", 2), H("支 出", 4)], ["项 目", "本年预算", "项 目", "合计", "财政预算全额拨 款", "财政预算定额补助"]]
    body = Line(["{{行.收入.项目}}", "{{行.收入.数}}", "{{行.支出.项目}}", "{{行.支出:财政拨款}}", "{{行.支出:经费拨款}}",
                 "{{行.支出:定额补助}}"])
    last = [Line([None, None, label, f"{{{{数:财政拨款&功能:{code}}}}}", f"{{{{数:经费拨款&功能:{code}}}}}",
                  f"{{{{数:定额补助&功能:{code}}}}}"]) for label, code in LAST_CLASSES]
    total = Line(["本年收入合计", "{{数:本年收入:财政拨款}}", "本年支出合计", "{{数:财政拨款}}", "{{数:经费拨款}}",
                  "{{数:定额补助}}"], "total")
    return Form("附件3-12", "财政拨款收支总体情况表", "tmtmmm", [32, 12, 30, 12, 14, 14], header, [body, *last, total],
                unit=U_HALF, landscape=False)


def projects() -> Form:
    tree = [("合计", ""), ("财政预算全额拨款", "经费拨款"), ("财政预算定额补助", "定额补助"),
            ("纳入财政预算管理的非税收入拨款", "来源:纳入预算管理的非税收入拨款|政府性基金拨款"),
            ("财政专户管理的非税收入拨款", "财政专户"), ("其他收入", "单位资金"), ("上年结转", "上年结转")]
    header = [[H("序号", rows=2), H("项目名称", rows=2), H("功能科目", 4), H("资金来源", 7)],
              ["类", "款", "项", "科目名称"] + [label for label, _ in tree]]
    body = Line(["{{行.序号}}", "{{行.名称}}", "{{行.类}}", "{{行.款}}", "{{行.项}}", "{{行.功能科目名称}}"]
                + [f"{{{{行:{e}}}}}" for _, e in tree])
    total = Line(["合计", None, None, None, None, None] + ["{{数:" + "&".join(x for x in ("项目支出", e) if x) + "}}"
                                                          for _, e in tree], "total", merges=[(0, 5)])
    return empty_note(Form("附件3-27", "项目支出预算表", "ctcccc" + "m" * 7, [6, 34, 6, 5, 5, 22] + [11] * 7, header,
                           [total, body], label="附件3-27", unit=U_SPACE))


def sangong() -> Form:
    header = [[H("单位名称", rows=3), H("“三公”经费预算数（一般公共预算拨款）", 6)],
              [H("小计", rows=2), H("公务接待费", rows=2), H("公务用车购置及运行费", rows=2), H("其中:", 2), H("因公出国（境）费", rows=2)],
              ["公务用车购置费", "公务用车运行维护费"]]
    body = Line(["{{单位.名称}}", "{{数:三公经费&本年}}", "{{数:公务接待费&本年}}", "{{数:公务用车购置及运行费&本年}}",
                 "{{数:公务用车购置费&本年}}", "{{数:公务用车运行维护费&本年}}", "{{数:因公出国（境）费&本年}}"])
    notes = ["说明: 1、本表公开内容为支出的“三公”经费预算一般公共预算拨款安排情况;",
             "2、一般公共预算拨款包括经费拨款和纳入一般公共预算管理的非税收入拨款;",
             "3、公开口径为当年安排数（不含上年结转）。"]
    return Form("附件3-28", "一般公共预算“三公”经费预算表", "tmmmmmm", [34] + [13] * 6, header, [body], unit=U_SPACE,
                notes=notes)


def services() -> Form:
    """The seed numbers ten columns after the five ** ones: 预算绩效目标 spans the last two."""
    header = [[H("单位代码", rows=3), H("单位名称", rows=3), H("购买服务项目名称", rows=3), H("具体项目名称", rows=3),
               H("资金项目名称", rows=3), H("购买服务预算金额", 6), H("承接主体类别", rows=3), H("直接受益对象", rows=3),
               H("预算绩效目标", 2, rows=3)],
              [H("总计", rows=2), H("本级安排", 5)],
              ["小计", "一般公共预算拨款", "政府性基金", "财政专户管理", "其他资金"]]
    numbers = Line(["**", "**", "**", "**", "**"] + [str(i) for i in range(1, 11)])
    body = Line(["{{行.单位编码}}", "{{行.单位名称}}", "{{行.项目}}", "{{行.具体项目}}", "{{行.资金项目}}", "{{行.金额}}",
                 "{{行.资金.合计}}", "{{行.资金.一般公共预算}}", "{{行.资金.政府性基金}}", "{{行.资金.财政专户}}",
                 "{{行.资金.单位资金}}", "{{行.承接主体类别}}", "{{行.直接受益对象}}", "{{行.绩效目标}}", None],
                merges=[(13, 14)])
    return empty_note(Form("附件3-29", "政府购买服务预算表", "ccttt" + "m" * 6 + "tttt",
                           [9, 18, 16, 16, 14] + [10] * 6 + [12, 12, 12, 12], header, [numbers, body],
                           unit=U_SPACE, left="填报单位"))


def procurement() -> Form:
    """As the seed heads it: 类 款 项 on the third header row, under which the second row's 政府性基金拨款,
    财政专户管理的非税收入拨款 and 上年结转 are printed again beside the three 一般公共预算拨款 columns."""
    header = [[H("功能科目", 3, rows=2), H("单位代码", rows=3), H("单位名称", rows=3), H("采购项目名称", rows=3),
               H("采购目录名称", rows=3), H("采购数量", rows=3), H("计量单位", rows=3), H("采购项目总投资", rows=3),
               H("资金来源", 8), H("备注", rows=3)],
              [H("总计", rows=2), H("一般公共预算拨款", 3), "政府性基金拨款", "财政专户管理的非税收入拨款", "上年结转",
               H("其他资金", rows=2)],
              ["类", "款", "项", "财政预算全额拨款", "财政预算定额补助", "纳入财政预算管理的非税收入拨款", "政府性基金拨款",
               "财政专户管理的非税收入拨款", "上年结转"]]
    numbers = Line(["**"] * 10 + [str(i) for i in range(1, 10)])
    total = Line(["合计"] + [None] * 8 + ["{{采购.合计}}", "{{采购.合计}}", "{{采购.资金.经费拨款}}", "{{采购.资金.定额补助}}",
                                          "{{采购.资金.纳入预算管理的非税收入拨款}}", "{{采购.资金.政府性基金}}",
                                          "{{采购.资金.财政专户}}", "{{采购.上年结转}}", "{{采购.资金.单位资金}}", None],
                 "total", merges=[(0, 8)])
    body = Line(["{{行.类}}", "{{行.款}}", "{{行.项}}", "{{行.单位编码}}", "{{行.单位名称}}", "{{行.项目}}", "{{行.品目}}",
                 "{{行.数量}}", "{{行.计量单位}}", "{{行.金额}}", "{{行.金额}}", "{{行.资金.经费拨款}}", "{{行.资金.定额补助}}",
                 "{{行.资金.纳入预算管理的非税收入拨款}}", "{{行.资金.政府性基金}}", "{{行.资金.财政专户}}", "{{行.上年结转}}",
                 "{{行.资金.单位资金}}", "{{行.备注}}"])
    kinds = "ccccttt" + "nc" + "m" * 9 + "t"
    return empty_note(Form("附件3-30", "政府采购预算表", kinds, [5, 4, 4, 9, 16, 22, 14, 7, 7] + [10] * 9 + [8], header,
                           [numbers, total, body], unit=U_SPACE))


INDICATOR_HEAD = ["年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "备注"]


def performance_whole() -> Form:
    lines = [
        Line(["部门名称", "{{单位.名称}}", None, None, None, None], "field", merges=[(1, 5)]),
        Line(["年度预算申请（万元）", "{{数:合计}}", None, None, None, None], "field", merges=[(1, 5)]),
        Line([None, "按收入性质分：", None, "按支出性质分：", None, None], "field", merges=[(1, 2), (3, 5)]),
        Line([None, "其中：一般公共预算拨款", "{{数:收入:一般公共预算}}", "其中：基本支出", "{{数:基本支出}}", None], "field",
             merges=[(4, 5)]),
        Line([None, "政府性基金拨款", "{{数:收入:政府性基金}}", "项目支出", "{{数:项目支出}}", None], "field", merges=[(4, 5)]),
        Line([None, "其他资金", "{{数:收入:单位资金}}", None, None, None], "field", merges=[(4, 5)]),
        Line(["部门职责概述", "{{整体.职责概述}}", None, None, None, None], "field", merges=[(1, 5)]),
        Line(["年度重点工作计划", "事项", "责任单位/科室", "工作目标", None, None], "head", merges=[(3, 5)], down=[0]),
        Line([None, "{{任务.事项}}", "{{任务.责任单位}}", "{{任务.目标}}", None, None], merges=[(3, 5)]),
        Line(INDICATOR_HEAD, "head", down=[0]),
        Line([None, "{{指标.一级|合并}}", "{{指标.二级|合并}}", "{{指标.三级}}", "{{指标.指标值}}", "{{指标.备注}}"]),
    ]
    return Form("整体绩效目标表", "部门整体支出绩效目标表", "cttttt", [16, 24, 20, 30, 18, 12], [], lines, unit=None,
                left="填报单位：（盖章）", landscape=False)


def performance_project() -> Form:
    lines = [
        Line(["支出方向 (子项)", "{{项目.名称}}", None, "所属专项", "{{项目.所属专项}}", None], "field", merges=[(1, 2), (4, 5)]),
        Line(["项目金额", "{{项目.金额}}", None, "项目实施期", "{{项目.实施期}}", None], "field", merges=[(1, 2), (4, 5)]),
        Line(["实施期绩效目标", "{{项目.中期目标}}", None, None, None, None], "field", merges=[(1, 5)]),
        Line(["年度绩效目标", "{{项目.年度目标}}", None, None, None, None], "field", merges=[(1, 5)]),
        Line(INDICATOR_HEAD, "head", down=[0]),
        Line([None, "{{指标.一级|合并}}", "{{指标.二级|合并}}", "{{指标.三级}}", "{{指标.指标值}}", "{{指标.备注}}"]),
        Line(["支出明细及测算说明", "支出内容简介", "支出明细", "金额", "支出测算依据及过程说明", None], "head",
             merges=[(4, 5)], down=[0]),
        Line([None, "{{明细.内容}}", "{{明细.明细}}", "{{明细.金额}}", "{{明细.测算依据}}", None], merges=[(4, 5)]),
    ]
    return Form("专项资金绩效目标表", "单位专项资金支出方向绩效目标表", "cttttt", [16, 24, 20, 26, 16, 12], [], lines,
                unit="金额单位：万元", left="项目主管部门：（盖章）", landscape=False)


def forms() -> list[Form]:
    return [
        overview(),
        income_by_unit(),
        table("附件3-3", "部门支出总体情况表", SOURCES, side=lambda n: dept_side(n, "科目")),
        table("附件3-4", "部门支出总表（按部门预算经济分类）", DEPT_ECON, unit=U_SPACE),
        table("附件3-5", "部门支出总表（按政府预算经济分类）", GOV_ECON, side=gov_side, rows=2),
        table("附件3-6", "基本支出预算明细表-工资福利支出（按部门预算经济分类）", WAGES_DEPT,
              side=lambda n: dept_side(n, item="")),
        table("附件3-7", "基本支出预算明细表-工资福利支出(按政府预算经济分类)", WAGES_GOV, side=gov_side, rows=2,
              label="附件3-7"),
        table("附件3-8", "基本支出预算明细表-商品和服务支出（按部门预算经济分类）", goods(GOODS), money_width=8),
        table("附件3-9", "基本支出预算明细表-商品和服务支出（按政府预算经济分类）", GOODS_GOV, side=gov_side, rows=2),
        empty_note(table("附件3-10", "基本支出预算明细表-对个人和家庭的补助（按部门预算经济分类）", FAMILY,
                         side=lambda n: dept_side(n, item=""), total=False)),
        empty_note(table("附件3-11", "基本支出预算明细表--对个人和家庭的补助(按政府预算经济分类)", FAMILY_GOV,
                         side=lambda n: gov_side(n, name=""), rows=2, unit=U_SPACE, total=False)),
        fiscal_overview(),
        table("附件3-13", "一般公共预算支出情况表", [("合计", ""), ("基本支出", "基本支出"), ("项目支出", "项目支出")],
              unit=U_SPACE, landscape=False),
        table("附件3-14", "一般公共预算基本支出情况表",
              [("基本支出", [("合计", ""), ("工资福利支出", "部门经济:301"), ("一般商品和服务支出", "部门经济:302"),
                            ("对个人和家庭的补助", "部门经济:303"), ("业务性商品和服务支出", None)])],
              side=class_side, codes="类款", name_field="项号名称"),
        table("附件3-15", "一般公共预算基本支出预算明细表-工资福利支出（按部门预算经济分类）", WAGES_DEPT,
              side=lambda n: dept_side(n, item=""), unit=U_SPACE),
        table("附件3-16", "一般公共预算基本支出预算明细表-工资福利支出(按政府预算经济分类)", WAGES_GOV, side=gov_side, rows=2,
              unit=U_SPACE, label="附件3-16"),
        table("附件3-17", "一般公共预算基本支出预算明细表-商品和服务支出(按部门预算经济分类)", goods(GOODS_FULL),
              side=lambda n: dept_side(n, item=""), unit=U_SPACE, money_width=6, name_width=16),
        table("附件3-18", "一般公共预算基本支出预算明细表-商品和服务支出", GOODS_GOV_FULL, side=gov_side, rows=2,
              unit=U_SPACE, left="单位名称:", money_width=7, name_width=18, notes=["此表中数据有用到503, 506科目。"]),
        empty_note(table("附件3-19", "一般公共预算基本支出预算明细表-对个人和家庭的补助（按部门预算经济分类）", FAMILY,
                         side=named_side, total=False)),
        empty_note(table("附件3-20", "一般公共预算基本支出预算明细表-对个人和家庭的补助（按政府预算经济分类）", FAMILY_GOV,
                         side=gov_side, rows=2, label="附件3-20", total=False)),
        empty_note(table("附件3-21", "政府性基金预算支出情况表（按部门预算经济分类）", DEPT_ECON, total=False)),
        empty_note(table("附件3-22", "政府性基金预算支出情况表（按政府预算经济分类）", GOV_ECON, side=gov_side, rows=2,
                         total=False)),
        empty_note(table("附件3-23", "纳入专户管理的非税收入拨款预算分类汇总表（按部门预算经济分类）", DEPT_ECON, total=False)),
        empty_note(table("附件3-24", "纳入专户管理的非税收入拨款预算分类汇总表（按政府预算经济分类）", GOV_ECON, side=gov_side,
                         rows=2, left="单位名称：", total=False)),
        table("附件3-25", "一般公共预算拨款—经费拨款预算表（按部门预算经济分类）", DEPT_ECON, unit=U_SPACE),
        table("附件3-26", "一般公共预算拨款--经费拨款预算表(按政府预算经济分类)", GOV_ECON, side=gov_side, rows=2,
              unit=U_SPACE),
        projects(),
        sangong(),
        services(),
        procurement(),
        performance_whole(),
        performance_project(),
    ]


# --- what the drawing vocabulary does not say: cells shown as the seed writes them, page setup, signatures -------

def _cells(ws: Worksheet, text: str) -> list:
    return [c for row in ws.iter_rows() for c in row if c.value == text]


def _right_of(ws: Worksheet, text: str) -> list:
    return [ws.cell(c.row, c.column + 1) for c in _cells(ws, text)]


def restyle(wb: Workbook) -> None:
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == "":
                    cell.value = None  # a header the seed leaves blank
    # 3-1: the 合计 rows print 703.5 (the seed's body rows 703.50, 5.50)
    ws = wb["附件3-1"]
    for label in ("本年收入合计", "本年支出合计", "收入总计", "支出总计"):
        for c in _cells(ws, label):
            c.font = Font(name=FONT, size=10, bold=True)
            ws.cell(c.row, c.column + 1).number_format = GENERAL
            ws.cell(c.row, c.column + 1).font = Font(name=FONT, size=10, bold=True)
    ws = wb["附件3-3"]
    for c in _cells(ws, "合计"):
        if c.column == 1:  # the 合计 row, not the 合计 heading
            for col in range(5, ws.max_column + 1):
                ws.cell(c.row, col).number_format = GENERAL
    # one page: 3-1 and 3-12 (its 本年收入合计 row never on a page of its own)
    for name in ("附件3-1", "附件3-12"):
        wb[name].page_setup.fitToHeight = 1
    # 3-17, 42 columns: landscape and fitted to the width (as every sheet), its narrow headings wrapped in 5 lines
    ws = wb["附件3-17"]
    for r in _header_rows(ws):
        ws.row_dimensions[r].height = 24
    for r in (3, 4, 5):  # 3-30: its long source headings in narrow columns
        wb["附件3-30"].row_dimensions[r].height = 40
    # the 绩效 forms: amounts written as numbers are, unit included
    ws = wb["整体绩效目标表"]
    for c in _right_of(ws, "年度预算申请（万元）"):
        c.number_format = TOTAL_TEXT
    for label in ("其中：基本支出", "项目支出"):
        for c in _right_of(ws, label):
            c.number_format = WAN_TEXT
    _merge_down(ws, "年度预算申请（万元）", 4)
    _signatures(ws, ["填表人: {{单位.填表人}}", None, "联系电话: {{单位.联系电话}}", "填报日期: {{单位.填报日期}}",
                     "单位负责人签字:", None])
    head = _cells(ws, "年度绩效指标")[0].row
    ws.print_title_rows = f"{head}:{head}"  # the 指标 header on every page the indicators run over
    ws = wb["专项资金绩效目标表"]
    for c in _right_of(ws, "项目金额"):
        c.number_format = WAN_TEXT
    for name in ("整体绩效目标表", "专项资金绩效目标表"):
        for c in _cells(wb[name], "年度绩效指标"):
            wb[name].cell(c.row, 1).font = Font(name=FONT, size=10, bold=True)


def _header_rows(ws: Worksheet) -> list[int]:
    """The rows between the unit line and the first row of figures."""
    first = next(r for r in range(1, 10) if ws.cell(r, 1).value == "功能科目")
    last = next(r for r in range(first, first + 6) if str(ws.cell(r + 1, 1).value).startswith(("{{", "合计")))
    return list(range(first, last + 1))


def _merge_down(ws: Worksheet, text: str, rows: int) -> None:
    c = _cells(ws, text)[0]
    ws.merge_cells(start_row=c.row, start_column=c.column, end_row=c.row + rows, end_column=c.column)


def _signatures(ws: Worksheet, texts: list[str | None]) -> None:
    """The line below the form: 填表人, 联系电话, 填报日期, 单位负责人签字, each a cell of its own (two-column ones merged)."""
    r = ws.max_row + 1
    c = 1
    while c <= len(texts):
        text = texts[c - 1]
        cell = ws.cell(r, c, text)
        cell.font = Font(name=FONT, size=10)
        if c < len(texts) and texts[c] is None and text is not None:
            ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + 1)
            c += 2
        else:
            c += 1
    ws.row_dimensions[r].height = 24
    ws.print_area = f"A1:{get_column_letter(len(texts))}{r}"


def save_hunan(path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for form in forms():
        draw(wb, form)
    restyle(wb)
    wb.active = 0
    wb.save(path)

