"""The format file (`templates/<格式>.yaml`) as a typed model: what a region's format may say, and nothing
else. Keys are Chinese (aliases), as in the spec model; an unknown key, a value that is no choice, a
figure expression that names no figure are errors, each a finding at its line (see formats.read_format).
The choices come from the vocabulary (generator/vocabulary.py), so the model, the check of templates and
the README's tables cannot disagree.

    名称: 本区部门预算公开
    规则: {必备一级指标: [产出指标, 效益指标], 成本指标单位: 万元}
    定义: {…}                      shared pieces (YAML anchors &名称, used as *名称); not read otherwise
    文档:
      - 名称: 部门预算公开表
        模板: xlsx/本区/部门预算公开表.xlsx
        表:
          一般公共预算支出表: {范围: 一般公共预算, 行: {分类: 功能, 级次: [项]}, 空行: {名称: 无}}
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from .spec.model import Flag, Name, Number, _refuse
from .vocabulary import (
    CATEGORY_LABELS,
    DATE_TOKENS,
    DETAIL_OWNERS,
    DIMS,
    EACH,
    EACH_KINDS,
    INDICATOR_OWNERS,
    LEVEL1_NAMES,
    LEVELS,
    LISTS,
    SHEET,
    SHEET_SPECIAL,
    SOURCES,
    Value,
    figure_problem,
    rows_of,
)


def F(alias: str, description: str, default: Any = None) -> Any:
    """A field read from the Chinese key `alias`: optional (None), or required with `default=...`."""
    return Field(default, alias=alias, description=description)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False, validate_default=False)


def _figure(text: str) -> str:
    problem = figure_problem(text)
    if problem:
        raise _refuse("E-FORMAT-FIGURE", "", figure=text, reason=problem)
    return text


def _scope(text: str) -> str:
    problem = figure_problem(text, income=False)
    if problem:
        raise _refuse("E-FORMAT-FIGURE", "scope", figure=text, reason=problem)
    return text


def usable_template(text: str) -> bool:
    """A template path a format may name: a .xlsx or .docx file inside the templates folder."""
    path = PurePosixPath(text)
    return path.suffix in (".xlsx", ".docx") and not path.is_absolute() and ".." not in path.parts and "\\" not in text


def _template(text: str) -> str:
    if not usable_template(text):
        raise _refuse("E-FORMAT-TEMPLATE-FILE", "path", template=text)
    return text


Figure = Annotated[str, AfterValidator(_figure), Field(description="数字表达式，如 本年收入:一般公共预算、基本支出&功能:201")]
Scope = Annotated[str, AfterValidator(_scope), Field(description="数字表达式（不含收入数字），如 一般公共预算&基本支出")]
Template = Annotated[str, AfterValidator(_template)]
# choices from the vocabulary (mypy cannot see a Literal made from data; pydantic checks them)
Dim = Literal[DIMS]  # type: ignore[valid-type]
Level = Literal[LEVELS]  # type: ignore[valid-type]
Category = Literal[CATEGORY_LABELS]  # type: ignore[valid-type]
Listing = Literal[LISTS]  # type: ignore[valid-type]
IndicatorsOf = Literal[INDICATOR_OWNERS]  # type: ignore[valid-type]
DetailsOf = Literal[DETAIL_OWNERS]  # type: ignore[valid-type]
Each = Literal[EACH_KINDS]  # type: ignore[valid-type]
Level1 = Literal[LEVEL1_NAMES]  # type: ignore[valid-type]


class PanelItem(Model):
    """One line of a panel (并列): a label with a figure, the rows of a classification, or padding ({})."""

    label: str | None = F("项目", "这一行的名称")
    figure: Figure | None = F("数", "这一行的数字（可以是收入数字）")
    scope: Scope | None = F("范围", "这一行的数字的范围（没写 数 时就是这个范围的合计）；分类 行：只列这个范围内的")
    classified: Dim | None = F("分类", "列出这种分类的各行（代替这一行）")
    levels: tuple[Level, ...] | None = F("级次", "分类 行列出哪些级次（默认 类、款、项；合计：合计行，在最前，有数据时才有）")
    numbering: Literal["中文"] | None = F("序号", "分类 行的 项目 带中文序号（一、二……）")

    @model_validator(mode="after")
    def _fits(self) -> PanelItem:
        if self.classified is not None and (self.label is not None or self.figure is not None):
            raise _refuse("E-FORMAT-SOURCE", "panel_classified")
        if self.classified is None and (self.levels is not None or self.numbering is not None):
            raise _refuse("E-FORMAT-SOURCE", "classified_only", keys="级次、序号")
        return self


class Source(Model):
    """Where a block's rows come from: exactly one of 分类, 清单, 指标, 明细, 并列."""

    classified: Dim | None = F("分类", "按这种分类列出有金额的科目，每个一行")
    levels: tuple[Level, ...] | None = F("级次", "（分类）列出哪些级次，默认 类、款、项；合计：合计行，在最前，有数据时才有（没有数据时只有 空行）")
    scope: Scope | None = F("范围", "（分类）只列这个范围内的科目（与表的范围同时适用）")
    numbering: Literal["中文"] | None = F("序号", "（分类）行的 项目 字段带中文序号（一、二……）")
    listing: Listing | None = F("清单", "规格中的一种清单，每项一行")
    indicators: IndicatorsOf | None = F("指标", "一组绩效指标，每条一行")
    details: DetailsOf | None = F("明细", "一个项目的支出明细，每行一行")
    panels: tuple[dict[str, tuple[PanelItem, ...]], ...] | None = F(
        "并列", "几段，每段是几栏（栏名: 行的列表），各栏并排；栏名是模板中 {{行.栏名.字段}} 的栏名")

    @model_validator(mode="after")
    def _one(self) -> Source:
        given = [key for key in SOURCES if getattr(self, _ATTR[key]) is not None]
        if len(given) != 1:
            raise _refuse("E-FORMAT-SOURCE", "several" if given else "none", given="、".join(given),
                          choices="、".join(SOURCES))
        if self.classified is None and (self.levels, self.scope, self.numbering) != (None, None, None):
            raise _refuse("E-FORMAT-SOURCE", "classified_only", keys="级次、范围、序号")
        return self

    @property
    def kind(self) -> tuple[str, str | None]:
        """(source key, its choice): ("分类", "功能"), ("并列", None) …"""
        key = next(k for k in SOURCES if getattr(self, _ATTR[k]) is not None)
        value = getattr(self, _ATTR[key])
        return key, value if isinstance(value, str) else None

    def row_value(self) -> Value:
        """What its rows have (vocabulary)."""
        return rows_of(*self.kind, panels=[panel for section in self.panels or () for panel in section])


_ATTR = {"分类": "classified", "清单": "listing", "指标": "indicators", "明细": "details", "并列": "panels"}
_RESERVED = (*SHEET, *SHEET_SPECIAL, *EACH)  # a block named so would hide the value of that name


def _block_names(blocks: dict[str, Source]) -> dict[str, Source]:
    taken = [name for name in blocks if name in _RESERVED or name == "行"]
    if taken:
        raise _refuse("E-FORMAT-SOURCE", "block_name", name="、".join(taken), reserved="、".join(_RESERVED))
    return blocks


class Amounts(Model):
    """How a document or table shows amounts (the ledger keeps them exact; they are rounded once, as shown)."""

    unit: Literal["万元", "元"] | None = F("单位", "万元 或 元，默认万元")
    decimals: Annotated[int, Field(ge=0, le=6)] | None = F("小数", "小数位数，默认 2（单位为元时 0）")
    thousands: Flag | None = F("千分位", "文字中的金额加千分位（3,355.65）；表中的千分位由模板的数字格式决定")


class Table(Model):
    """One worksheet of a workbook: its scope, where its repeated rows come from, its options."""

    scope: Scope | None = F("范围", "本表所有数字的范围，如 一般公共预算&基本支出")
    rows: Source | None = F("行", "重复行 {{行.…}} 的来源")
    blocks: Annotated[dict[str, Source], AfterValidator(_block_names)] | None = F(
        "块", "几组重复行，块名: 来源（模板中写 {{块名.…}}）")
    each: Each | None = F("每项", "每个项目（或一级项目）一张表；模板中写 {{项目.…}}")
    sheet_name: str | None = F("表名", "（每项）各表的名称，{序号}、{名称} 代入，默认 表名加序号")
    kind: Literal["重点专项", "一般性项目"] | None = F("类型", "（每项: 一级项目）只列这一类型的一级项目")
    only_with_goals: Flag | None = F("仅有目标", "（每项: 项目）只为有指标或年度目标的项目出表")
    zero: Literal["显示", "留空"] | None = F("零值", "数字为零时显示 0 或留空（默认留空）")
    empty_row: dict[str, str] | None = F("空行", "没有数据时印一行，各字段的文字，如 {名称: 无}")
    no_data: str | None = F("无数据说明", "没有数据时 {{无数据说明}} 的文字，默认“本表无数据”")
    live_sums: Flag | None = F("合计公式", "合计写成 Excel 公式（=SUM），默认随文档")
    amounts: Amounts | None = F("金额", "本表金额的单位、小数，默认随文档")

    @property
    def sources(self) -> dict[str, Source]:
        """Its blocks by name (行 and those under 块)."""
        return {**(self.blocks or {}), **({"行": self.rows} if self.rows is not None else {})}

    @model_validator(mode="after")
    def _fits(self) -> Table:
        for source in self.sources.values():
            fields = source.row_value().fields or {}
            unknown = [k for k in self.empty_row or {} if k not in fields]
            if unknown:
                raise _refuse("E-FORMAT-SOURCE", "empty_row", name="、".join(unknown), fields="、".join(fields))
        if self.each is None and (self.sheet_name is not None or self.only_with_goals is not None):
            raise _refuse("E-FORMAT-OPTION", "", keys="表名、仅有目标")
        if self.kind is not None and self.each != "一级项目":
            raise _refuse("E-FORMAT-OPTION", "", keys="类型（每项: 一级项目）")
        return self


def _date_style(text: str) -> str:
    unknown = sorted(set(re.findall(r"\{([^{}]*)\}", text)) - set(DATE_TOKENS))
    if unknown or "{年}" not in text:
        raise _refuse("E-FORMAT-OPTION", "date_style", text=text, tokens=" ".join(f"{{{t}}}" for t in DATE_TOKENS))
    return text


DateStyle = Annotated[str, AfterValidator(_date_style)]


class FrameGroup(Model):
    level1: Category = F("一级", "一级指标", default=...)
    level2: tuple[Category, ...] = F("二级", "其下各二级指标（没有指标的也印出一行）", default=...)


class Document(Model):
    """One document of the format: a workbook or a Word file."""

    name: Name = F("名称", "文档名称（也是输出文件名）", default=...)
    template: Template = F("模板", "模板文件，相对于模板文件夹：xlsx/<格式>/….xlsx 或 docx/<格式>/….docx", default=...)
    tables: dict[str, Table] | None = F("表", "（xlsx）工作表名: 它的设置；没列出的工作表只有单个值")
    frame: tuple[FrameGroup, ...] | None = F("指标框架", "（docx）指标表照印的一级、二级指标行")
    live_sums: Flag | None = F("合计公式", "（xlsx）各表的合计写成 Excel 公式，默认 否")
    amounts: Amounts | None = F("金额", "本文档金额的单位、小数、千分位，默认 万元、两位小数")
    dates: DateStyle | None = F("日期", "本文档日期的写法，默认随格式")

    @model_validator(mode="after")
    def _fits(self) -> Document:
        docx = self.template.endswith(".docx")
        if docx and (self.tables is not None or self.live_sums is not None):
            raise _refuse("E-FORMAT-OPTION", "docx_tables", keys="表" if self.tables is not None else "合计公式")
        if not docx and self.frame is not None:
            raise _refuse("E-FORMAT-OPTION", "xlsx_frame")
        return self


class Rules(Model):
    """The checks a region's forms require."""

    required: tuple[Level1, ...] | None = F("必备一级指标", "每个项目必须有的一级指标，默认 产出指标、效益指标")
    suggested: tuple[Level1, ...] | None = F("建议一级指标", "缺少时给出警告的一级指标")
    carryover_marked: Flag | None = F("结转须标注", "有上年结转收入时，须有支出标注「上年结转: 是」")
    weight_total: Number | None = F("指标权重合计", "指标权重应合计为此数，默认 100")
    cost_unit: Literal["万元"] | None = F("成本指标单位", "成本指标的指标值只写数字时，按此单位读作金额（与项目金额比较）")
    editions: tuple[Literal["部门", "单位"], ...] | None = F(
        "版本", "部门文件生成哪些版本：部门（合并的部门预算）、单位（各单位的单位预算），默认两者都生成")


def _some(documents: tuple[Document, ...]) -> tuple[Document, ...]:
    if not documents:
        raise _refuse("E-SCHEMA-TYPE", "detail", detail="至少要有一个文档（名称、模板）")
    return documents


class FormatFile(Model):
    """A region's format."""

    title: Name = F("名称", "格式的名称", default=...)
    rules: Rules | None = F("规则", "本格式的检查规则")
    dates: DateStyle | None = F("日期", "日期（填报日期、项目开始/完成日期）的写法，如「{年}. {月}. {日}」「{年}-{月2}-{日2}」，"
                                "默认「{年}年{月}月{日}日」")
    definitions: Any = F("定义", "共用的片段（YAML 锚点 &名称，在别处用 *名称 引用）；本身不被读取")
    documents: Annotated[tuple[Document, ...], AfterValidator(_some)] = F("文档", "本格式的各文档", default=...)
