"""What templates may name, in one place: the values every sheet of a workbook sees, the fields of the rows
each row source gives, and what a docx template sees (its values, helpers and filters) — each with a
one-line description. The format model takes its choices from here, `yusuan formats check` checks
templates against it, the README's «新增一个地区» tables are generated from it, and a test asserts that
the rows and contexts the renderers make have exactly these fields (tests/test_format_model.py).

A `Value` is a plain value, or a record (`fields`), or a list of them (`many`, for docx loops). A record
that is `scoped` has a 范围 of its own: `{{行:基本支出}}` is the figure 基本支出 within that row. A field
with `when` is there only under that condition (e.g. 序号: 中文)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .figures import SANGONG_PARTS, ExprError, is_income, parse
from .indicators import LEVEL1, LEVEL2
from .ledger import FUND_OF, FUNDS


@dataclass(frozen=True)
class Value:
    text: str
    fields: Mapping[str, Value] | None = None  # a record's fields; None: a plain value
    many: bool = False  # a list (docx: loop over it)
    scoped: bool = False  # a record with its own 范围: `{{X:表达式}}` is a figure within it
    when: str | None = None  # only present under this condition
    partial: bool = False  # a record that has only some of its fields (the money columns of one item)


def _record(text: str, fields: Mapping[str, str | Value], *, many: bool = False, scoped: bool = False,
            partial: bool = False) -> Value:
    return Value(text, {k: v if isinstance(v, Value) else Value(v) for k, v in fields.items()}, many=many, scoped=scoped,
                 partial=partial)


def _plus(base: Value, text: str | None = None, more: Mapping[str, str | Value] | None = None) -> Value:
    """`base` described as `text`, with more fields."""
    return _record(text or base.text, {**(base.fields or {}), **(more or {})}, many=base.many, scoped=base.scoped)


def _many(record: Value, text: str | None = None) -> Value:
    return Value(text or record.text, record.fields, many=True, scoped=record.scoped)


MONEY = _record("金额按资金来源与资金性质分列（本项所属的来源与性质有值，其余留空）",
                {**{s: f"资金来源为{s}的金额" for s in FUND_OF}, **{f: f"属于{f}的金额" for f in FUNDS},
                 "合计": "全部金额"}, partial=True)

UNIT = _record("本单位", {
    "名称": "单位全称", "编码": "单位编码", "主管部门": "主管部门名称", "主管部门编码": "主管部门编码",
    "性质": "行政、参公或事业", "经费形式": "如财政全额拨款", "职能职责": "职能职责（原文）", "单位构成": "单位构成（原文）",
    "联系人": "联系人", "联系电话": "联系电话", "填表人": "填表人", "单位负责人": "单位负责人",
    "财务负责人": "财务负责人", "填报日期": "填报日期，如 2024年1月5日"}, scoped=True)

PROJECT = _record("一个项目（规格中 项目 的一项）", {
    "序号": "第几个项目（1 起）", "中文序号": "中文序号（一、二……）", "名称": "项目名称", "编码": "项目编码",
    "编码名称": "编码-名称（无编码时为名称）", "类别": "项目类别", "一级项目": "所属一级项目",
    "所属专项": "所属专项资金（未写时为项目名称）", "主管部门": "主管部门（未写时为单位的主管部门）", "金额": "本年度金额",
    "总金额": "项目总金额（未写时为本年度金额）", "功能科目": "功能科目编码", "功能科目名称": "功能科目名称",
    "类": "功能科目的类（3 位）", "款": "功能科目的款（2 位）", "项": "功能科目的项（2 位）", "资金来源": "资金来源",
    "财政拨款资金": "其中财政拨款资金", "其他资金": "其中其他资金", "中央转移支付资金": "其中中央转移支付资金",
    "政府购买服务资金": "其中政府购买服务资金", "本级安排": "其中本级安排", "上级补助": "其中上级补助",
    "预算执行率权重": "预算执行率指标的权重", "实施期": "实施期", "开始日期": "开始日期（2024-01-01）",
    "完成日期": "完成日期（2024-12-31）", "资金用途": "资金用途", "项目概况": "项目概况", "项目用途": "项目用途",
    "立项依据": "立项依据", "固定资产采购金额": "其中固定资产采购金额", "采购品目": "采购品目",
    "中期目标": "实施期（中期）绩效目标", "年度目标": "年度绩效目标", "备注": "备注", "单位名称": "本单位名称",
    "单位编码": "本单位编码"}, scoped=True)

PROGRAM = _record("一个一级项目（规格中 一级项目 的一项）", {
    "序号": "第几个（1 起，按 类型 筛选后）", "名称": "一级项目名称", "类型": "一般性项目 或 重点专项", "编制单位": "编制单位",
    "业务主管部门": "业务主管部门", "当年预算": "当年预算", "项目概况": "项目概况", "立项依据": "立项依据",
    "当年绩效目标": "当年绩效目标"}, scoped=True)

INDICATOR = _record("一条绩效指标", {
    "序号": "第几条（1 起）", "栏目": "固定为“绩效指标”", "一级": "一级指标", "二级": "二级指标", "三级": "三级指标（指标名称）",
    "指标值": "指标值", "计量单位": "计量单位", "指标性质": "指标性质（定量/定性）", "权重": "权重",
    "绩效标准": "绩效标准", "目标值来源": "目标值来源", "备注": "备注", "核心指标": "是否核心指标（是/否）",
    "指标值及单位": "指标值连同计量单位"})

DETAIL = _record("一行支出明细及测算说明", {"序号": "第几行（1 起）", "内容": "支出内容", "明细": "明细",
                                     "金额": "金额", "测算依据": "测算依据"})

TASK = _record("一项年度重点工作", {"序号": "第几项（1 起）", "事项": "工作事项", "责任单位": "责任单位", "目标": "目标"})

CLASSIFIED = _record("分类表的一行（类、款或项）", {
    "编码": "科目编码", "类": "类（3 位）", "款": "款（2 位，类行为空）", "项": "项（2 位，类、款行为空）", "名称": "科目名称",
    "缩进名称": "按级次缩进的名称", "级次": "类、款、项或合计", "项号名称": "末级行为“项号 名称”，其余为名称",
    "类名称": "所属类的名称", "款名称": "所属款的名称（类行为空）", "主要用途": "规格 说明.功能科目 中这一科目（或其上级）的主要用途",
    "项目": Value("中文序号连同名称（一、一般公共服务支出）", when="序号: 中文")}, scoped=True)

PROCUREMENT = _record("一项政府采购", {
    "序号": "第几项（1 起）", "项目": "采购项目", "品目": "采购品目", "类别": "货物、工程或服务", "数量": "数量",
    "计量单位": "计量单位", "金额": "金额", "上年结转": "由上年结转安排的金额", "面向中小企业预留": "其中面向中小企业预留",
    "小微企业": "其中预留给小微企业", "资金": MONEY, "类": "功能科目的类",
    "款": "功能科目的款", "项": "功能科目的项", "单位编码": "本单位编码", "单位名称": "本单位名称", "备注": "备注"})

SERVICE = _record("一项政府购买服务", {
    "序号": "第几项（1 起）", "项目": "购买服务项目", "具体项目": "具体项目", "资金项目": "资金项目", "金额": "金额",
    "资金": MONEY, "承接主体类别": "承接主体类别", "直接受益对象": "直接受益对象", "绩效目标": "绩效目标",
    "单位编码": "本单位编码", "单位名称": "本单位名称"})

PROGRAM_LINE = _record("一级项目清单的一行", {"序号": "第几个（1 起）", "名称": "一级项目名称", "当年预算": "当年预算"})

PANEL = _record("并列表中一栏的一行（另有其 分类 行的各字段）", {
    "项目": "这一行的名称", "数": Value("这一行的数字（数 或 范围 所指）", when="写了 数 或 范围"),
    **{k: Value(v.text, when="分类 行") for k, v in (CLASSIFIED.fields or {}).items() if k != "项目"}}, scoped=True)

# --- row sources: the choices of each source key, and the fields of its rows --------------------------------

DIMS = ("功能", "部门经济", "政府经济")  # the choices, as the format model's types (a test keeps them SOURCES' keys)
LISTS = ("项目", "政府采购", "政府购买服务", "重点工作", "一级项目", "单位")
INDICATOR_OWNERS = ("项目", "一级项目", "整体")
DETAIL_OWNERS = ("项目",)
EACH_KINDS = ("项目", "一级项目")
SOURCES: dict[str, dict[str | None, Value]] = {
    "分类": {"功能": _plus(CLASSIFIED, "支出功能分类（类、款、项）"),
           "部门经济": _plus(CLASSIFIED, "部门预算支出经济分类（类、款）"),
           "政府经济": _plus(CLASSIFIED, "政府预算支出经济分类（类、款）")},
    "清单": {"项目": _plus(PROJECT, "每个项目一行"), "政府采购": PROCUREMENT, "政府购买服务": SERVICE,
           "重点工作": _plus(TASK, "整体绩效的每项年度重点工作"), "一级项目": PROGRAM_LINE,
           "单位": _plus(UNIT, "本单位一行；部门：每个单位一行，数字限于该单位（部门内部往来已抵消）",
                       {"序号": Value("第几个单位（1 起）", when="部门"), "层级": Value("本级 或 下属", when="部门")})},
    "指标": {"项目": _plus(INDICATOR, "本表所属项目（每项: 项目）的指标"),
           "一级项目": _plus(INDICATOR, "本表所属一级项目（每项: 一级项目）的指标"),
           "整体": _plus(INDICATOR, "整体绩效的指标")},
    "明细": {"项目": _plus(DETAIL, "本表所属项目（每项: 项目）的支出明细")},
    "并列": {None: PANEL},
}
SOURCE_TEXT = {
    "分类": "按一种分类列出有金额的科目（级次、范围、序号 可选）",
    "清单": "规格中的一种清单，每项一行",
    "指标": "一组绩效指标，每条一行",
    "明细": "一个项目的支出明细，每行一行",
    "并列": "几栏并排（如收入｜支出），每栏一列行，各栏按最长的一栏补齐；每段依次排下",
}


def rows_of(key: str, choice: str | None, panels: Iterable[str] = ()) -> Value:
    """What a row of a source has: its fields (a 并列 row: one entry per panel, named as the format names them)."""
    if key != "并列":
        return SOURCES[key][choice]
    return Value("并列的一行：各栏", dict.fromkeys(panels, PANEL))


# a format's 日期 style: {年} 2022, {月}/{日} 4, {月2}/{日2} 04
DATE_TOKENS = ("年", "月", "日", "月2", "日2")
DATE_STYLE = "{年}年{月}月{日}日"

EACH: dict[str, Value] = {"项目": PROJECT, "一级项目": PROGRAM}  # 每项: one sheet per item, named by its root
LEVELS = ("类", "款", "项", "合计")  # 合计: the classification's 合计 row, first, only where the table has data
LEVEL1_NAMES = tuple(LEVEL1)
CATEGORY_LABELS = tuple(dict.fromkeys([*(a for v in LEVEL1.values() for a in v), *(a for v in LEVEL2.values() for a in v)]))

# --- what a document shows: the same values in a workbook's cells and a narrative's words --------------------
# Amounts are numbers in a workbook (shown as its 金额 says) and words in a narrative (299.3; with 千分位 3,355.65).

NAMED_AMOUNT = _record("名称与金额", {"名称": "名称", "金额": "金额"})
REASON = _record("一项说明", {"增减原因": "比上年增减的原因", "主要用途": "主要用途"})
REASONS = ("收入", "支出", "一般公共预算财政拨款", "基本支出", "项目支出", "三公经费", "机关运行经费", "运行经费", "政府采购",
           *SANGONG_PARTS)
VEHICLES = _many(_record("一类车辆", {"类别": "车辆类别", "数量": "数量（辆）"}))
SHEET: dict[str, Value] = {
    "单位": _plus(UNIT, None, {
        "职能职责段落": Value("职能职责的各段", many=True), "编制": "核定编制人数", "在编": "在编在岗人数", "实有": "实有人数",
        "实有构成": "实有人数的构成（文字）", "余编": "编制减在编", "离休": "离休人数", "退休": "退休人数", "遗属": "遗属人数",
        "车辆编制": "车辆编制", "车辆实有": "实有车辆"}),
    "年度": Value("预算年度"),
    "上年度": Value("上一年度"),
    "文档": _record("本文档", {"名称": "文档名称（格式中的 名称）"}),
    "版本": Value("部门（几个单位合并的部门预算）或 单位"),
    "预算名称": Value("部门预算，或 单位预算（部门中一个单位的版本）"),
    "主体": Value("本部门（几个单位）或 本单位"),
    "金额单位": Value("本文档金额的单位（格式的 金额.单位）：万元 或 元"),
    "填报日期": Value("填报日期，如 2024年1月5日"),
    "单位性质": _record("各性质的单位数", {"行政": "行政单位数", "参公": "参照公务员法管理的事业单位数", "事业": "事业单位数",
                                   "未填": "未填性质的单位数", "单位数": "单位总数"}),
    "说明": _record("规格中的 说明（各项的增减原因、主要用途）", {k: REASON for k in REASONS}),
    "采购": _record("政府采购", {
        "合计": "政府采购合计", "资金": MONEY, "上年结转": "其中由上年结转安排", "货物": "货物类合计", "工程": "工程类合计",
        "服务": "服务类合计", "面向中小企业预留": "其中面向中小企业预留", "小微企业": "其中预留给小微企业",
        "类别": _many(NAMED_AMOUNT, "有金额的各类别（货物、工程、服务）"), "一般公共预算": "其中一般公共预算安排",
        "一般公共预算类别": _many(NAMED_AMOUNT, "一般公共预算安排的各类别")}),
    "资产": _record("国有资产（规格没有时为空）", {
        "截至": "截至日期", "车辆": "车辆", "通用设备": "单价50万元以上通用设备", "专用设备": "单价100万元以上专用设备",
        "说明": "说明", "车辆构成": _many(VEHICLES, "车辆按类别"), "本年拟购车辆": _many(VEHICLES, "本年拟购置的车辆，按类别"),
        "本年拟购设备": "本年拟购置的单价100万元以上设备"}),
    "三公": _many(_record("“三公”经费的一项", {"名称": "名称", "数": "它的数字表达式（用于 数(…)、增减(…)）"}),
                "“三公”经费的四项"),
    "绩效": _record("绩效目标管理", {"项目数": "设了绩效指标的项目数", "项目金额": "这些项目的金额",
                               "单位数": "单位数（部门为所含单位数）"}),
    "整体": _record("整体绩效（规格没有 整体绩效 时为空）", {
        "部门名称": "单位名称", "年度目标": "整体年度目标", "职责概述": "职责概述（未写时为单位的职能职责）",
        "资金总额": "支出合计"}, scoped=True),
}
# a cell's view of 上年对比 (the docx helpers 增减 / 有上年): `{{上年:基本支出}}` …, a 上年对比 name after the colon
CHANGE_CELLS = {"上年": "上年数", "增减": "比上年增减的说法（增加80.57万元 / 减少14.55万元 / 无增加）",
                "增减额": "比上年增减的金额（减少为负）", "增减率": "比上年增减的百分比（如 36.84，上年为 0 时为空）"}
SHEET_SPECIAL = {
    "数": "`{{数:表达式}}`：本表范围内的数字（`{{数}}` 是本表合计）",
    **{k: f"`{{{{{k}:基本支出}}}}`：{v}" for k, v in CHANGE_CELLS.items()},
    "无数据说明": "表中没有数据时的说明（格式的 无数据说明，默认“本表无数据”），有数据时为空",
}

# --- what a docx template sees besides: the 绩效目标表 lists, and helpers ---------------------------------------

INDICATOR_ROW = _plus(INDICATOR, None, {"一级首": "是否本组一级指标的第一行", "二级首": "是否本组二级指标的第一行"})
DOCX_PROJECT = _plus(PROJECT, None, {
    "所属专项金额": "同一专项各项目金额之和", "指标": _many(INDICATOR_ROW, "项目的绩效指标（按指标框架排列）"),
    "明细": _many(DETAIL, "项目的支出明细"), "明细合计": "支出明细金额之和（等于项目金额时照项目金额所写）",
    "汇总实施期目标": "汇总表中的实施期目标（未另写时为中期目标）", "汇总年度目标": "汇总表中的年度目标（未另写时为年度目标）",
    "单位字样": _record("金额后照印的单位字样（规格 单位字样；未写时为空）",
                    {"项目金额": "项目金额、所属专项金额之后", "支出明细": "支出明细各行金额与合计之后"})})
DOCX: dict[str, Value] = {
    **SHEET,
    "项目": _many(DOCX_PROJECT, "全部项目"),
    "项目合计": Value("项目金额之和"),
    "整体指标": _many(INDICATOR_ROW, "整体绩效的指标（按指标框架排列）"),
    "重点工作": _many(TASK, "整体绩效的年度重点工作"),
    "专项汇总": _record("专项资金汇总目标", {"实施期目标": "实施期目标", "年度目标": "年度目标"}),
    "整体资金": _record("整体绩效的资金（总额、基本支出、项目支出有公布数时照公布数）", {
        "总额": "支出合计", "基本支出": "基本支出", "项目支出": "项目支出", "一般公共预算拨款": "一般公共预算拨款",
        "政府性基金拨款": "政府性基金拨款", "其他资金": "单位资金各来源之和",
        "单位字样": _record("金额后照印的单位字样（规格 整体绩效.单位字样；未写时为空）", {"资金总额": "资金总额之后"})}),
    "版式": _record("本单位的表在格式留给单位之处的版式（规格 版式）", {
        "附表编号": "每个项目一张的附表是否带项目序号（附表3-1……），默认 是", "汇总表空行": "汇总表项目行之后的空行数，默认 0"}),
}


@dataclass(frozen=True)
class Helper:
    text: str
    argument: str | None = None  # figure (a figure expression), scope (a 范围), change (a 上年对比 name), option
    options: tuple[str, ...] = ()
    returns: Value | None = None
    example: str = ""


# what 增减/有上年 may name (Figures.changes), besides 收入:<来源> and 功能:<功能科目编码>
CHANGES = ("收入合计", "支出合计", "一般公共预算财政拨款", "基本支出", "项目支出", "机关运行经费", "运行经费", "政府采购",
           "三公经费", *SANGONG_PARTS, "公务用车购置及运行费")
HELPERS: dict[str, Helper] = {
    "数": Helper("数字（行文写法：299.3、1、0）；第二个参数 元 或 万元 时按该单位", "figure", example='数("基本支出")'),
    "增减": Helper("比上年增减：增加80.57万元 / 减少14.55万元 / 无增加；第二个参数 元 或 万元 时按该单位", "change",
                 example='增减("基本支出")'),
    "有上年": Helper("规格是否给了这一项的上年数", "change", example='有上年("三公经费")'),
    "有": Helper("数字是否不为零", "figure", example='有("政府性基金")'),
    "功能类": Helper("一个范围内有金额的功能分类各类（正好是 数(范围) 的组成）", "scope",
                  returns=_many(_record("功能分类的一类", {"编码": "类编码", "名称": "类名称", "金额": "金额（行文写法）"})),
                  example='功能类("一般公共预算")'),
    "功能项": Helper("一个范围内有金额的功能科目各项，带类、款的名称与主要用途（情况说明逐项列示）", "scope",
                  returns=_many(_record("功能科目的一项", {"编码": "项编码", "名称": "项名称", "类名称": "类名称",
                                                        "款名称": "款名称", "金额": "金额（行文写法）",
                                                        "主要用途": "说明.功能科目 中的主要用途"})),
                  example='功能项("一般公共预算")'),
    "收入构成": Helper("收入合计的组成：单列（本年各来源，上年结转合为一项）或 并入（各资金性质连同其结转）", "option",
                   ("单列", "并入"), _many(_record("收入的一项", {"名称": "名称", "金额": "金额（行文写法）",
                                                          "有": "金额是否不为零"})), '收入构成("单列")'),
    "主要增减": Helper("构成的增减：支出（基本支出、项目支出），或收入（各来源，按增减额排序）", "option", ("支出", "收入"),
                   example='主要增减("支出")'),
    "纵合并": Helper("表格单元格与本组相邻的相同单元格纵向合并（一级、二级指标分组）", "merge", ("一级", "二级"),
                  example='纵合并(行, "一级")'),
}
FILTERS = {"万元": "两位小数（1008.14），没有时为空", "千分位": "照规格所写，加千分位（1,008.14）",
           "原样": "照规格所写（36、1633.8、0.00）", "金额": "行文写法（299.3、1、0）"}


# --- checking names ---------------------------------------------------------------------------------------------

def figure_problem(expr: str, *, income: bool = True) -> str | None:
    """Why a figure expression names no figure (None when it does). `income`: income figures (收入合计,
    本年收入:…) are allowed — everywhere but a 范围."""
    text = expr.strip()
    if is_income(text):
        return _income_problem(text) if income else f"「{text}」是收入数字，不能作为范围"
    try:
        parse(text)
    except ExprError as exc:
        return str(exc)
    return None


def _income_problem(text: str) -> str | None:
    head, colon, what = text.partition(":")
    parts = [w.strip() for w in what.split("|")] if colon else []
    if head == "收入合计":
        return "收入合计不再细分" if colon else None
    if not colon:
        return None if head in ("本年收入", "上年结转收入") else f"「{head}」后要写来源或资金性质，如「{head}:一般公共预算」"
    allowed = [*FUNDS, "财政拨款"] + ([] if head == "上年结转收入" else list(FUND_OF))
    bad = [p for p in parts if p not in allowed]
    return f"无法识别「{'|'.join(bad)}」（可用：{'、'.join(allowed)}）" if bad else None


def change_problem(name: str) -> str | None:
    """Why a name is no 上年对比 (for 增减/有上年); None when it is one."""
    if name in CHANGES:
        return None
    prefix, colon, rest = name.partition(":")
    if colon and prefix == "收入" and rest in FUND_OF:
        return None
    if colon and prefix == "支出" and rest in FUNDS:
        return None
    if colon and prefix == "功能" and rest.isascii() and rest.isdigit():
        return None
    return f"不是可比较上年的数字（可用：{'、'.join(CHANGES)}、收入:<来源>、功能:<功能科目编码>）"

