"""The unit spec: what a unit authors for one budget year, and only that (nothing derivable).

Attribute names are English for the code; the YAML keys (aliases) are Chinese for the people who write
them. Amounts are exact `Decimal` 万元 (a spec written in 元 is converted on load). Codes (科目) stay
text here — "2010301" or "2010301 行政运行" — and are resolved against the catalog by the checks.
"""

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..money import WAN, AmountError, parse_decimal
from .richtext import plain

# --- value types -------------------------------------------------------------------------------------

_AMOUNT_SCHEMA = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^[+-]?\d+(\.\d+)?$"}]}


def _refuse(code: str, variant: str, **params: str) -> PydanticCustomError:
    """A value the model refuses: the finding `code` and its message `variant` (registry) travel in the
    error's context; load.py turns them into the finding."""
    return PydanticCustomError("yusuan", "{code}", {"code": code, "variant": variant, "params": params})


_KINDS = {"list": "列表", "dict": "键值表（键: 值）", "bool": "是/否", "float": "小数", "date": "日期", "datetime": "日期时间"}


def _amount(value: Any, info: ValidationInfo) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if value is None:
        raise _refuse("E-AMOUNT-FORMAT", "unfilled")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _refuse("E-AMOUNT-FORMAT", "type", got=_KINDS.get(type(value).__name__, type(value).__name__))
    try:
        amount = parse_decimal(str(value))
    except AmountError as exc:
        raise _refuse("E-AMOUNT-UNIT" if exc.kind == "unit" else "E-AMOUNT-FORMAT", exc.variant, **exc.params) from None
    if amount < 0:
        raise _refuse("E-AMOUNT-NEGATIVE", "", text=str(value))
    in_yuan = (info.context or {}).get("unit") == "元"
    exponent = amount.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if decimals > (2 if in_yuan else 6):
        raise _refuse("E-AMOUNT-PRECISION", "", text=str(value))
    return amount / WAN if in_yuan else amount


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise _refuse("E-SCHEMA-TYPE", "number_type")
    try:
        return parse_decimal(str(value), what="数值")
    except AmountError as exc:
        raise _refuse("E-SCHEMA-TYPE", exc.variant, **exc.params) from None


def _flag(value: Any) -> bool:
    text = str(value).strip().lower()
    if text in {"是", "true", "yes", "y", "1", "√"}:
        return True
    if text in {"否", "false", "no", "n", "0", "×"}:
        return False
    raise _refuse("E-SCHEMA-TYPE", "flag", text=str(value))


def _name(value: str) -> str:
    """A name (or other required text) must say something: surrounding blanks are typing, not content."""
    text = value.strip()
    if not text:
        raise _refuse("E-SCHEMA-BLANK", "")
    return text


def _text(value: str) -> str:
    """Free text: HTML a budget system exported made plain; a YAML block scalar's final newline is layout."""
    return plain(value).rstrip("\n")


def _date(value: Any) -> dt.date:
    text = str(value).strip()
    m = re.fullmatch(r"([0-9]{4})[-/.年]\s*([0-9]{1,2})[-/.月]\s*([0-9]{1,2})日?", text)
    if not m:
        raise _refuse("E-SCHEMA-TYPE", "date", text=text)
    try:
        return dt.date(*map(int, m.groups()))
    except ValueError:
        raise _refuse("E-SCHEMA-TYPE", "no_date", text=text) from None


_MONEY_SCHEMA = {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": r"^\+?\d+(\.\d+)?$"}],
                 "description": "金额（默认万元；文件顶部写「金额单位: 元」时为元），不能为负"}
Money = Annotated[Decimal, BeforeValidator(_amount), WithJsonSchema(_MONEY_SCHEMA)]
Number = Annotated[Decimal, BeforeValidator(_number), WithJsonSchema(_AMOUNT_SCHEMA)]
Flag = Annotated[bool, BeforeValidator(_flag), WithJsonSchema({"enum": ["是", "否", True, False]})]
Text = Annotated[str, AfterValidator(_text)]
Name = Annotated[str, AfterValidator(_name)]
Date = Annotated[dt.date, BeforeValidator(_date), WithJsonSchema({"type": "string", "description": "日期，如 2023-04-15"})]
Code = Annotated[str, Field(description="科目编码，可带名称，如「2010301 行政运行」")]
Count = Annotated[int, Field(ge=0)]


def F(alias: str, description: str | None = None, **kw: Any) -> Any:
    """A field read from the Chinese YAML key `alias`."""
    return Field(alias=alias, description=description, **kw)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=False, frozen=True, validate_default=False)


SOURCE_NAMES = ("一般公共预算拨款", "经费拨款", "定额补助", "纳入预算管理的非税收入拨款", "政府性基金拨款",
                "国有资本经营预算拨款", "财政专户管理资金", "事业收入", "事业单位经营收入", "上级补助收入",
                "附属单位上缴收入", "其他收入")
Source = Literal[SOURCE_NAMES]  # type: ignore[valid-type]

# --- unit facts --------------------------------------------------------------------------------------


class StaffGroup(Model):
    category: Name = F("类别", "人员类别，如 在编在岗人员、临时人员")
    count: Count = F("人数", "该类别的人数")
    measure: str = F("量词", "说明中人数的量词，默认「人」（如「名」）", default="人")


class Staff(Model):
    authorized: Count | None = F("编制", "核定编制人数", default=None)
    on_post: Count | None = F("在编", "在编在岗人数（余编 = 编制 - 在编）", default=None)
    actual: Count | None = F("实有", "实有人数", default=None)
    actual_groups: list[StaffGroup] = F("实有构成", "实有人数的构成，人数之和应等于实有", default=[])
    retired_veteran: Count | None = F("离休", "离休人数", default=None)
    retired: Count | None = F("退休", "退休人数", default=None)
    survivors: Count | None = F("遗属", "遗属人数", default=None)


class Vehicles(Model):
    authorized: Count | None = F("编制", "车辆编制（辆）", default=None)
    actual: Count | None = F("实有", "实有车辆（辆）", default=None)


class Unit(Model):
    name: Name = F("名称", "单位全称，如「株洲市石峰区学林街道办事处」")
    code: str | None = F("编码", "单位编码", default=None)
    department: str | None = F("主管部门", "主管部门名称", default=None)
    department_code: str | None = F("主管部门编码", "主管部门编码", default=None)
    kind: Literal["行政", "参公", "事业"] | None = F("性质", "单位性质：行政、参公（参照公务员法管理）或事业", default=None)
    funding: str | None = F("经费形式", "如「财政全额拨款」", default=None)
    duties: Text | None = F("职能职责", "单位的职能职责（情况说明中逐条列示，每条一行）", default=None)
    composition: Text | None = F("单位构成", "单位构成（内设机构、下属单位）的说明", default=None)
    staff: Staff | None = F("人员", "人员编制与实有人数", default=None)
    vehicles: Vehicles | None = F("车辆", "车辆编制与实有数", default=None)
    contact: str | None = F("联系人", "联系人姓名", default=None)
    phone: str | None = F("联系电话", "联系电话", default=None)
    preparer: str | None = F("填表人", "填表人姓名", default=None)
    head: str | None = F("单位负责人", "单位负责人姓名", default=None)
    finance_head: str | None = F("财务负责人", "财务负责人姓名", default=None)
    filed_on: Date | None = F("填报日期", default=None)


# --- income ------------------------------------------------------------------------------------------


class CarryOver(Model):
    general: Money | None = F("一般公共预算拨款", default=None)
    fund: Money | None = F("政府性基金拨款", default=None)
    state_capital: Money | None = F("国有资本经营预算拨款", default=None)
    special_account: Money | None = F("财政专户管理资金", default=None)
    own: Money | None = F("单位资金", "事业收入等单位资金的结转", default=None)


class Income(Model):
    """收入预算 by source. Give 一般公共预算拨款 directly or by its parts (经费拨款, 定额补助, 非税收入拨款)."""

    general: Money | None = F("一般公共预算拨款", default=None)
    appropriation: Money | None = F("经费拨款", "一般公共预算拨款中的经费拨款（湖南：财政预算全额拨款）", default=None)
    quota: Money | None = F("定额补助", "一般公共预算拨款中的财政预算定额补助", default=None)
    non_tax: Money | None = F("纳入预算管理的非税收入拨款", default=None)
    fund: Money | None = F("政府性基金拨款", default=None)
    state_capital: Money | None = F("国有资本经营预算拨款", default=None)
    special_account: Money | None = F("财政专户管理资金", default=None)
    operations: Money | None = F("事业收入", default=None)
    business: Money | None = F("事业单位经营收入", default=None)
    superior: Money | None = F("上级补助收入", default=None)
    subsidiary: Money | None = F("附属单位上缴收入", default=None)
    other: Money | None = F("其他收入", default=None)
    carryover: CarryOver | None = F("上年结转", "上年结转资金，按资金性质：{一般公共预算: 金额, …}", default=None)


# --- expenditure -------------------------------------------------------------------------------------


class BasicLine(Model):
    """One 基本支出 line: 功能科目 × 经济科目 × 金额."""

    function: Code | None = F("功能科目", "支出功能分类科目（项，7 位）", default=None)
    economic: Code | None = F("经济科目", "部门预算支出经济分类科目（款，5 位）", default=None)
    government: Code | None = F("政府经济科目", "政府预算支出经济分类科目（款）；不填则按两套经济分类对照表推出", default=None)
    amount: Money = F("金额")
    source: Source | None = F("资金来源", "安排这一行的收入来源，默认一般公共预算拨款", default=None)
    carryover: Flag = F("上年结转", "由上年结转资金安排", default=False)
    staff: Literal["人员经费", "公用经费"] | None = F("经费类型", "未填经济科目时可注明人员经费或公用经费", default=None)
    note: Text | None = F("说明", "备注（不印在公开表中）", default=None)


class Indicator(Model):
    level1: str | None = F("一级", "一级指标，如 产出指标、效益指标、满意度指标、成本指标", default=None)
    level2: str | None = F("二级", "二级指标，如 数量指标、质量指标、时效指标、社会效益指标", default=None)
    name: Text | None = F("三级", "三级指标（指标名称 / 指标内容）", default=None)
    value: Text | None = F("指标值", "指标值，可含比较符与单位，如「≥95%」「10个部门」", default=None)
    unit: str | None = F("计量单位", "指标值的计量单位，如 个、%、万元", default=None)
    nature: str | None = F("指标性质", "≥ ≤ = > < 或 定性", default=None)
    weight: Number | None = F("权重", "指标权重（分）", default=None)
    standard: Text | None = F("绩效标准", "绩效标准，如 计划标准、行业标准、历史标准、其他标准", default=None)
    basis: Text | None = F("目标值来源", "目标值的来源或依据（文件、标准）", default=None)
    remark: Text | None = F("备注", "指标的备注", default=None)
    core: Flag | None = F("核心指标", "是否核心指标", default=None)


class DetailLine(Model):
    """支出明细及测算说明."""

    item: Name = F("内容", "支出内容简介")
    detail: Text | None = F("明细", "支出明细", default=None)
    amount: Money = F("金额")
    basis: Text | None = F("测算依据", "支出测算依据及过程说明", default=None)


class SummaryGoals(Model):
    """Goals as a summary form (株洲 附表2) prints them, where they differ from the project form's."""

    period: Text | None = F("实施期目标", "汇总表中的实施期目标（空字符串表示留空）", default=None)
    annual: Text | None = F("年度目标", "汇总表中的年度目标（空字符串表示留空）", default=None)


UnitWord = Literal["万", "万元"]


class ProjectUnitWords(Model):
    """The unit a project's form prints after its amounts where the unit typed one (株洲 附表3: 48万, 6万元)."""

    amount: UnitWord | None = F("项目金额", "项目金额与所属专项金额之后", default=None)
    details: UnitWord | None = F("支出明细", "支出明细各行金额与合计之后", default=None)


class Project(Model):
    name: Name = F("名称", "项目名称")
    code: str | None = F("编码", "项目编码（预算系统中的编码）", default=None)
    category: str | None = F("类别", "项目类别/类型，如 一般性项目、专项、政府投资项目", default=None)
    program: str | None = F("一级项目", "所属一级项目名称", default=None)
    special_fund: str | None = F("所属专项", "株洲附表3：所属专项名称", default=None)
    department: str | None = F("主管部门", "业务主管部门", default=None)
    amount: Money = F("金额", "本年度预算金额")
    total: Money | None = F("总金额", "项目总金额（跨年度项目）", default=None)
    function: Code | None = F("功能科目", default=None)
    economic: dict[str, Money] = F("经济科目", "按部门经济科目的分解：{科目: 金额}，合计应等于金额", default={})
    source: Source | None = F("资金来源", "安排这个项目的收入来源，默认一般公共预算拨款", default=None)
    carryover: Flag = F("上年结转", "由上年结转资金安排", default=False)
    fiscal: Money | None = F("财政拨款资金", default=None)
    other_funds: Money | None = F("其他资金", default=None)
    central_transfer: Money | None = F("中央转移支付资金", default=None)
    service_purchase: Money | None = F("政府购买服务资金", default=None)
    local: Money | None = F("本级安排", default=None)
    superior: Money | None = F("上级补助", default=None)
    execution_weight: Number | None = F("预算执行率权重", "预算执行率指标的权重（重庆等地）", default=None)
    period: str | None = F("实施期", "如「2023年」「2023.1.1-2023.12.31」", default=None)
    start: Date | None = F("开始日期", default=None)
    end: Date | None = F("完成日期", default=None)
    use_kind: str | None = F("资金用途", "如「基础设施建设类」", default=None)
    overview: Text | None = F("项目概况", "项目概况", default=None)
    purpose: Text | None = F("项目用途", "项目资金的用途", default=None)
    basis: Text | None = F("立项依据", "项目的立项依据（文件、批示）", default=None)
    fixed_assets: Money | None = F("固定资产采购金额", default=None)
    procurement_items: Text | None = F("采购品目", "项目中政府采购的品目", default=None)
    period_goal: Text | None = F("中期目标", "实施期/项目总（中期）绩效目标", default=None)
    annual_goal: Text | None = F("年度目标", "年度/当年绩效目标", default=None)
    summary: SummaryGoals | None = F("汇总表", "汇总表中另行填写的目标（空字符串表示留空）", default=None)
    indicators: list[Indicator] = F("指标", "项目的绩效指标：一级、二级、三级指标与指标值", default=[])
    details: list[DetailLine] = F("支出明细", default=[])
    unit_words: ProjectUnitWords | None = F("单位字样", "表中金额后照印的单位字样（株洲附表3 如「48万」「6万元」）", default=None)
    note: Text | None = F("备注", "项目的备注", default=None)


class Program(Model):
    """一级项目 of the 主管部门 whose 绩效目标表 the unit publishes (重庆 一般性项目/重点专项). Not in the ledger."""

    name: Name = F("名称", "一级项目名称")
    kind: str | None = F("类型", "一般性项目 或 重点专项", default=None)
    issuer: str | None = F("编制单位", "编制该一级项目的单位", default=None)
    department: str | None = F("业务主管部门", "该一级项目的业务主管部门", default=None)
    amount: Money = F("当年预算")
    overview: Text | None = F("项目概况", "一级项目的概况", default=None)
    basis: Text | None = F("立项依据", "一级项目的立项依据（文件、批示）", default=None)
    annual_goal: Text | None = F("当年绩效目标", "一级项目当年的绩效目标", default=None)
    indicators: list[Indicator] = F("指标", "一级项目的绩效指标", default=[])


class KeyTask(Model):
    item: Name = F("事项", "年度重点工作的事项名称")
    owner: str | None = F("责任单位", "负责该事项的单位或科室", default=None)
    goal: Text | None = F("目标", "该事项本年要达到的目标", default=None)


class OverallUnitWords(Model):
    """The unit the 部门整体 form prints after an amount where the unit typed one."""

    total: UnitWord | None = F("资金总额", "资金总额之后", default=None)


class Performance(Model):
    """部门（单位）整体绩效目标."""

    annual_goal: Text | None = F("年度目标", "当年整体绩效目标", default=None)
    duties: Text | None = F("职责概述", "默认取 单位.职能职责", default=None)
    tasks: list[KeyTask] = F("重点工作", "年度重点工作：事项、责任单位、目标", default=[])
    indicators: list[Indicator] = F("指标", "部门（单位）整体绩效指标：一级、二级、三级指标与指标值", default=[])
    special_summary: SummaryGoals | None = F("专项汇总", "专项资金汇总表合计行的目标", default=None)
    unit_words: OverallUnitWords | None = F("单位字样", "表中金额后照印的单位字样（株洲附表1 如「资金总额：930.09万元」）",
                                            default=None)


class Layout(Model):
    """How the unit's published forms lay out what their format leaves to the unit (株洲 绩效目标表: each unit
    fills in the Word forms its own way)."""

    numbered: Flag = F("附表编号", "每个项目一张的附表带项目序号（附表3-1、附表3-2……），默认 是；否：都印作 附表3",
                       default=True)
    blank_rows: Count = F("汇总表空行", "汇总表（株洲附表2）项目行之后照印的空行数，默认 0", default=0)


class ProcurementItem(Model):
    project: str | None = F("项目", "采购项目名称", default=None)
    item: str | None = F("品目", "采购目录名称", default=None)
    kind: Literal["货物", "工程", "服务"] = F("类别", "采购类别：货物、工程 或 服务")
    quantity: Number | None = F("数量", "采购数量", default=None)
    unit: str | None = F("计量单位", "数量的计量单位，如 台、套、项", default=None)
    amount: Money = F("金额")
    function: Code | None = F("功能科目", default=None)
    source: Source | None = F("资金来源", "安排这项采购的收入来源，默认一般公共预算拨款", default=None)
    carryover: Flag = F("上年结转", "由上年结转资金安排", default=False)
    sme: Money | None = F("面向中小企业预留", "其中面向中小企业预留的金额", default=None)
    small: Money | None = F("小微企业", "面向中小企业预留中，预留给小微企业的金额", default=None)
    note: Text | None = F("备注", "采购项目的备注", default=None)


class ServiceItem(Model):
    project: Name = F("项目", "购买服务项目名称")
    detail: str | None = F("具体项目", "购买服务的具体项目", default=None)
    fund_project: str | None = F("资金项目", "安排资金的预算项目", default=None)
    amount: Money = F("金额")
    source: Source | None = F("资金来源", "安排这项服务的收入来源，默认一般公共预算拨款", default=None)
    provider_kind: str | None = F("承接主体类别", "承接主体的类别，如 企业、社会组织", default=None)
    beneficiary: str | None = F("直接受益对象", "服务的直接受益对象", default=None)
    goal: Text | None = F("绩效目标", "这项购买服务的绩效目标", default=None)


class VehicleGroup(Model):
    category: Name = F("类别", "如 执法执勤用车、特种专业技术用车、机要通信用车")
    count: Count = F("数量", "该类车辆的数量（辆）")


class Assets(Model):
    as_of: str | None = F("截至", "如「2022年12月」", default=None)
    vehicles: Count | None = F("车辆", "车辆总数（辆）", default=None)
    vehicle_groups: list[VehicleGroup] = F("车辆构成", "车辆按类别：数量之和应等于车辆", default=[])
    vehicle_purchases: list[VehicleGroup] = F("本年拟购车辆", "本年度拟购置的车辆，按类别", default=[])
    general_equipment: Count | None = F("单价50万元以上通用设备", "单价 50 万元以上通用设备（台、套）", default=None)
    special_equipment: Count | None = F("单价100万元以上专用设备", "单价 100 万元以上专用设备（台、套）", default=None)
    equipment_purchases: Count | None = F("本年拟购单价100万元以上设备", "本年度拟购置的单价 100 万元以上设备（台、套）", default=None)
    note: Text | None = F("说明", "国有资产占用情况的补充说明", default=None)


class PriorSangong(Model):
    total: Money | None = F("合计", "只知合计时填写；填了各项时应等于各项之和", default=None)
    abroad: Money | None = F("因公出国（境）费", default=None)
    reception: Money | None = F("公务接待费", default=None)
    car_purchase: Money | None = F("公务用车购置费", default=None)
    car_running: Money | None = F("公务用车运行维护费", default=None)


class Prior(Model):
    """上年数：the previous year's figures the comparisons need."""

    income: Money | None = F("收入合计", default=None)
    income_by_source: dict[str, Money] = F("收入", "按来源：{一般公共预算拨款: 金额, …}", default={})
    spending_by_fund: dict[Literal["一般公共预算", "政府性基金", "国有资本经营", "财政专户", "单位资金"], Money] = F(
        "支出", "按资金性质的支出：{一般公共预算: 金额, 政府性基金: 金额, …}", default={})
    expenditure: Money | None = F("支出合计", default=None)
    general: Money | None = F("一般公共预算财政拨款", "一般公共预算财政拨款支出", default=None)
    basic: Money | None = F("基本支出", default=None)
    project: Money | None = F("项目支出", default=None)
    by_function: dict[str, Money] = F("功能分类", "按功能分类类级：{201: 金额, …}", default={})
    sangong: PriorSangong | None = F("三公经费", "上年“三公”经费：合计及各项", default=None)
    operating: Money | None = F("机关运行经费", "行政单位和参公事业单位的一般公共预算基本支出公用经费", default=None)
    running: Money | None = F("运行经费", "一般公共预算基本支出公用经费（不论单位性质，重庆等地事业单位公开此数）", default=None)
    procurement: Money | None = F("政府采购", default=None)


class Reason(Model):
    change: Text | None = F("增减原因", "比上年增减的原因", default=None)
    use: Text | None = F("主要用途", "主要用途（情况说明中列示）", default=None)


class Narrative(Model):
    """Words the 情况说明 needs beside the numbers."""

    income: Reason | None = F("收入", "收入比上年增减的原因", default=None)
    expenditure: Reason | None = F("支出", "支出比上年增减的原因", default=None)
    general: Reason | None = F("一般公共预算财政拨款", "一般公共预算财政拨款支出比上年增减的原因", default=None)
    basic: Reason | None = F("基本支出", "基本支出比上年增减的原因", default=None)
    project: Reason | None = F("项目支出", "项目支出比上年增减的原因", default=None)
    sangong: Reason | None = F("三公经费", "“三公”经费比上年增减的原因", default=None)
    operating: Reason | None = F("机关运行经费", "机关运行经费比上年增减的原因", default=None)
    running: Reason | None = F("运行经费", "运行经费（不论单位性质）比上年增减的原因", default=None)
    procurement: Reason | None = F("政府采购", "政府采购预算比上年增减的原因", default=None)
    abroad: Reason | None = F("因公出国（境）费", "因公出国（境）费比上年增减的原因", default=None)
    reception: Reason | None = F("公务接待费", "公务接待费比上年增减的原因", default=None)
    car_purchase: Reason | None = F("公务用车购置费", "公务用车购置费比上年增减的原因", default=None)
    car_running: Reason | None = F("公务用车运行维护费", "公务用车运行维护费比上年增减的原因", default=None)
    functions: dict[str, Text] = F("功能科目", "各功能科目的主要用途：{2120104: 主要用于……}（列示到项的说明引用）", default={})


class Published(Model):
    """A figure as printed where it differs from the ledger by rounding (公布数): check explains it as 尾差,
    documents show it as published."""

    figure: str = F("项", "数字的表达式，如「合计」「政府经济:50101」「功能:2010301&基本支出」")
    amount: Money = F("金额")
    tables: list[str] = F("表", "仅在这些表中按公布数显示（留空表示所有表）", default=[])
    note: Text | None = F("说明", "为什么公布数与按账计算的数不同（如公开时的四舍五入）", default=None)


class Transfer(Model):
    """Money that stays inside a 部门: 本级 paying a 下属单位 (对附属单位补助), a 下属单位 paying 本级 (上缴上级).
    In the unit's own 单位预算 it is expenditure; the 部门预算 eliminates it with the receiver's income."""

    to: str | None = F("单位", "收款的下属单位（名称或编码）；上缴上级时不填", default=None)
    amount: Money = F("金额")
    function: Code | None = F("功能科目", default=None)
    economic: Code | None = F("经济科目", default=None)
    source: Source | None = F("资金来源", "安排这笔补助（上缴）的收入来源，默认一般公共预算拨款", default=None)


class Spec(Model):
    year: int = F("年度", "预算年度", ge=2000, le=2100)
    format: str | None = F("格式", "公开格式，如 mof、chongqing、hunan、zhuzhou、shenzhen", default=None)
    money_unit: Literal["万元", "元"] = F("金额单位", "本文件金额的单位", default="万元")
    edition: int | None = F("科目版本", "政府收支分类科目版本年度，默认同预算年度", default=None)
    unit: Unit = F("单位", "本单位的基本情况：名称、性质、职能职责、人员、车辆、联系人……")
    income: Income | None = F("收入", default=None)
    basic: list[BasicLine] | None = F("基本支出", "基本支出各行；不写此键表示未提供（相关数字为未知），写 [] 表示没有基本支出", default=None)
    projects: list[Project] = F("项目", "项目支出：每个项目的名称、功能科目、金额、经济科目分解、绩效目标与指标", default=[])
    subsidies: list[Transfer] = F("对附属单位补助", "本级对下属单位的补助支出（下属单位记作上级补助收入）", default=[])
    remittances: list[Transfer] = F("上缴上级", "下属单位上缴本级的支出（本级记作附属单位上缴收入）", default=[])
    programs: list[Program] = F("一级项目", default=[])
    performance: Performance | None = F("整体绩效", default=None)
    layout: Layout | None = F("版式", "本单位所公开的表在格式留给单位之处的版式", default=None)
    procurement: list[ProcurementItem] = F("政府采购", "政府采购预算：每一项的品目、类别（货物/工程/服务）、金额", default=[])
    services: list[ServiceItem] = F("政府购买服务", "政府购买服务预算：每一项的项目、金额、承接主体", default=[])
    assets: Assets | None = F("国有资产", "国有资产占用情况：车辆、单价 50 万元以上通用设备、单价 100 万元以上专用设备", default=None)
    prior: Prior | None = F("上年", default=None)
    narrative: Narrative | None = F("说明", default=None)
    published: list[Published] = F("公布数", default=[])

    @property
    def basic_lines(self) -> list[BasicLine]:
        return self.basic or []

    @property
    def catalog_edition(self) -> int:
        return self.edition or self.year


class MemberRef(Model):
    """A unit of a 部门: its spec file, and figures the 部门 declares for it (checked against its ledger)."""

    file: str = F("规格", "单位规格文件（相对本文件）")
    expenditure: Money | None = F("支出合计", default=None)
    income: Money | None = F("收入合计", default=None)


Member = Annotated[str | MemberRef, Field(description="单位规格文件（相对本文件），或 {规格: …, 支出合计: …}")]


class DepartmentFacts(Model):
    name: Name = F("名称", "部门全称，如「某区城市管理局」")
    code: str | None = F("编码", "部门编码", default=None)
    duties: Text | None = F("职能职责", default=None)
    composition: Text | None = F("单位构成", "不写则由所含单位写出", default=None)
    contact: str | None = F("联系人", default=None)
    phone: str | None = F("联系电话", default=None)
    filed_on: Date | None = F("填报日期", default=None)


class DepartmentSpec(Model):
    """A 部门预算: 本级 and its 下属单位, each a unit spec of its own (published as its 单位预算), consolidated
    into one 部门预算. What belongs to the whole 部门 — its prior-year figures, the reasons its narrative gives,
    published figures — is written here."""

    year: int = F("年度", "预算年度", ge=2000, le=2100)
    format: str | None = F("格式", "公开格式", default=None)
    money_unit: Literal["万元", "元"] = F("金额单位", "本文件金额的单位", default="万元")
    edition: int | None = F("科目版本", default=None)
    department: DepartmentFacts = F("部门")
    own: Member = F("本级", "本级单位的规格文件")
    members: list[Member] = F("下属", "下属单位的规格文件", default=[])
    performance: Performance | None = F("整体绩效", "部门整体绩效目标", default=None)
    prior: Prior | None = F("上年", "部门上年数（合并）", default=None)
    narrative: Narrative | None = F("说明", default=None)
    published: list[Published] = F("公布数", default=[])

    @property
    def catalog_edition(self) -> int:
        return self.edition or self.year


def _loosen(node: Any) -> None:
    """The loader keeps every scalar's text, so `编码: 018004` or `功能科目: 2010301` are fine as text;
    tell editors so (YAML sees them as numbers)."""
    if isinstance(node, dict):
        if node.get("type") == "string" and not ({"pattern", "enum", "format"} & node.keys()):
            node["type"] = ["string", "number"]
        for child in node.values():
            _loosen(child)
    elif isinstance(node, list):
        for child in node:
            _loosen(child)


def _describe(node: Any, defs: dict[str, Any]) -> None:
    """Every property gets its description at its own level (editors show it on hover): the one its type
    carries (a nullable amount's, a referenced model's), where the field itself has none."""
    if isinstance(node, dict):
        for prop in (node.get("properties") or {}).values():
            if isinstance(prop, dict) and not prop.get("description"):
                found = _inner_description(prop, defs)
                if found:
                    prop["description"] = found
        for child in node.values():
            _describe(child, defs)
    elif isinstance(node, list):
        for child in node:
            _describe(child, defs)


def _inner_description(node: Any, defs: dict[str, Any]) -> str | None:
    if not isinstance(node, dict):
        return None
    if node.get("description"):
        return node["description"]
    ref = node.get("$ref")
    if ref:
        return (defs.get(ref.rsplit("/", 1)[-1]) or {}).get("description")
    for key in ("anyOf", "oneOf", "allOf"):
        for option in node.get(key) or ():
            found = _inner_description(option, defs)
            if found:
                return found
    return _inner_description(node.get("items"), defs)


def json_schema(formats: Iterable[str] = ()) -> dict[str, Any]:
    """The spec's JSON Schema; `formats`: the format names an editor offers for 格式 (those the spec's
    template layers have)."""
    schema = Spec.model_json_schema(by_alias=True)
    _loosen(schema)
    _describe(schema, schema.get("$defs", {}))
    names = sorted(formats)
    if names:
        schema["properties"]["格式"] = {"enum": names, "description": "公开格式：" + "、".join(names) + "（yusuan formats 列出）",
                                      "title": "格式"}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "yusuan 单位预算规格"
    return schema
