"""绩效目标表 templates (docx): 株洲 附表1/2/3 (seeds 000, 001) and 深圳 项目支出绩效目标表 (seed 002)."""
from docx_forms import HEI, SONG, TITLE, cell, new_document, page_break, para, table, tag

SMALL = dict(face=SONG, size=10.5, indent=False, exact=None)


def caption(doc, label: str, title: str, left: str, right: str) -> None:
    para(doc, label, align="left", **SMALL)
    para(doc, title, face=TITLE, size=18, align="center", indent=False, exact=None, after=6)
    para(doc, f"{left}\t\t\t\t\t{right}" if right else left, align="left", **SMALL)


def signatures(doc) -> None:
    para(doc, "单位负责人签字：", align="left", before=6, **SMALL)
    para(doc, "填表人：{{ 单位.填表人 }}                                    联系电话：{{ 单位.联系电话 }}", align="left", **SMALL)


def indicator_grid(t, top: int, items: str, **extra: str) -> None:
    """年度绩效指标: a header row and a `{%tr for 行 in items %}` loop over the indicators, 一级/二级
    merged by group; `extra` adds columns after 指标值及单位 (header → field)."""
    columns = {"一级指标": "纵合并(行, '一级')", "二级指标": "纵合并(行, '二级')", "三级指标": "行.三级",
               "指标值及单位": "行.指标值及单位", **extra}
    cell(t, top, 0, "年度绩效指标", bold=True, align="center", down=2)
    cell(t, top + 1, 1, f"{{%tr for 行 in {items} %}}")
    for c, (header, field) in enumerate(columns.items(), start=1):
        cell(t, top, c, header, align="center")
        cell(t, top + 2, c, f"{{{{ {field} }}}}", align="center" if c <= 2 else "left")
    cell(t, top + 3, 1, "{%tr endfor %}")


def zhuzhou():
    doc = new_document(gbt9704=False)
    # 附表1 部门整体支出绩效目标表
    caption(doc, "附表1", "{{ 年度 }}年部门整体支出绩效目标表", "填报单位：（盖章）", "金额：万元")
    t = table(doc, [30, 42, 30, 38, 34], 15)
    cell(t, 0, 0, "部门名称", bold=True, align="center")
    cell(t, 0, 1, "{{ 单位.名称 }}", span=4)
    cell(t, 1, 0, "年度预算申请\n（万元）", bold=True, align="center", down=4)
    cell(t, 1, 1, "资金总额：{{ 整体资金.总额|原样 }}", span=4)
    cell(t, 2, 1, "按收入性质分", span=2, align="center")
    cell(t, 2, 3, "按支出性质分", span=2, align="center")
    cell(t, 3, 1, "其中：一般公共预算拨款")
    cell(t, 3, 2, "{{ 整体资金.一般公共预算拨款|原样 }}")
    cell(t, 3, 3, "其中：基本支出")
    cell(t, 3, 4, "{{ 整体资金.基本支出|原样 }}")
    cell(t, 4, 1, "     政府性基金拨款")
    cell(t, 4, 2, "{{ 整体资金.政府性基金拨款|原样 }}")
    cell(t, 4, 3, "      项目支出")
    cell(t, 4, 4, "{{ 整体资金.项目支出|原样 }}")
    cell(t, 5, 1, "         其他资金")
    cell(t, 5, 2, "{{ 整体资金.其他资金|原样 }}")
    cell(t, 6, 0, "部门职责概述", bold=True, align="center")
    cell(t, 6, 1, "{{ 单位.职能职责 }}", span=4)
    cell(t, 7, 0, "年度重点工作计划", bold=True, align="center", down=2)
    cell(t, 7, 1, "事项", align="center")
    cell(t, 7, 2, "责任单位/科室", align="center")
    cell(t, 7, 3, "工作目标", align="center", span=2)
    cell(t, 8, 1, "{%tr for 事 in 重点工作 %}")
    cell(t, 9, 1, "{{ 事.事项 }}")
    cell(t, 9, 2, "{{ 事.责任单位 }}")
    cell(t, 9, 3, "{{ 事.目标 }}", span=2)
    cell(t, 10, 1, "{%tr endfor %}")
    indicator_grid(t, 11, "整体指标")
    signatures(doc)
    page_break(doc)

    # 附表2 区级专项资金绩效目标汇总表
    caption(doc, "附表2", "{{ 年度 }}年区级专项资金绩效目标汇总表", "填报单位：（盖章）", "金额单位：万元")
    t = table(doc, [14, 40, 22, 49, 49], 5)
    for c, text in enumerate(["序号", "名  称", "金  额", "实施期绩效目标", "年度绩效目标"]):
        cell(t, 0, c, text, bold=True, align="center")
    cell(t, 1, 1, "合  计", align="center")
    cell(t, 1, 2, "{{ 项目合计|原样 }}", align="center")
    cell(t, 1, 3, "{{ 专项汇总.实施期目标 }}")
    cell(t, 1, 4, "{{ 专项汇总.年度目标 }}")
    cell(t, 2, 0, "{%tr for p in 项目 %}")
    cell(t, 3, 0, "{{ p.中文序号 }}", align="center")
    cell(t, 3, 1, "{{ p.名称 }}")
    cell(t, 3, 2, "{{ p.金额|原样 }}", align="center")
    cell(t, 3, 3, "{{ p.汇总实施期目标 }}")
    cell(t, 3, 4, "{{ p.汇总年度目标 }}")
    cell(t, 4, 0, "{%tr endfor %}")
    signatures(doc)

    # 附表3-n 区级专项资金支出方向绩效目标表, one per project
    tag(doc, "{%p for p in 项目 %}")
    page_break(doc)
    caption(doc, "附表3-{{ p.序号 }}", "{{ 年度 }}年区级专项资金支出方向绩效目标表", "填报单位：（盖章）", "金额单位：万元")
    t = table(doc, [26, 30, 24, 34, 22, 38], 14)
    cell(t, 0, 0, "支出方向（子项）", bold=True, align="center")
    cell(t, 0, 1, "{{ p.名称 }}")
    cell(t, 0, 2, "所属专项", bold=True, align="center", down=1)
    cell(t, 0, 3, "名称", align="center")
    cell(t, 0, 4, "{{ p.所属专项 }}", span=2)
    cell(t, 1, 0, "项目金额", bold=True, align="center")
    cell(t, 1, 1, "{{ p.金额|原样 }}")
    cell(t, 1, 3, "金额", align="center")
    cell(t, 1, 4, "{{ p.所属专项金额|原样 }}", span=2)
    for r, (label, value) in enumerate([("项目实施期", "{{ p.实施期 }}"), ("实施期绩效目标", "{{ p.中期目标 }}"),
                                        ("年度绩效目标", "{{ p.年度目标 }}")], start=2):
        cell(t, r, 0, label, bold=True, align="center")
        cell(t, r, 1, value, span=5)
    indicator_grid(t, 5, "p.指标", 绩效标准="行.绩效标准")
    cell(t, 9, 0, "支出明细及测算说明", bold=True, align="center", down=4)
    for c, text in enumerate(["支出内容简介", "支出明细", "金额", "支出测算依据及过程说明"], start=1):
        cell(t, 9, c, text, align="center", span=2 if c == 4 else 1)
    cell(t, 10, 1, "{%tr for d in p.明细 %}")
    cell(t, 11, 1, "{{ d.内容 }}")
    cell(t, 11, 2, "{{ d.明细 }}")
    cell(t, 11, 3, "{{ d.金额|原样 }}", align="center")
    cell(t, 11, 4, "{{ d.测算依据 }}", span=2)
    cell(t, 12, 1, "{%tr endfor %}")
    cell(t, 13, 1, "合  计", align="center")
    cell(t, 13, 3, "{{ p.明细合计|原样 }}", align="center")
    cell(t, 13, 4, "", span=2)
    signatures(doc)
    tag(doc, "{%p endfor %}")
    return doc


def shenzhen():
    doc = new_document(gbt9704=False)
    tag(doc, "{%p for p in 项目 %}")
    para(doc, "项目支出绩效目标表", face=HEI, size=16, align="center", indent=False, exact=None, after=8)
    t = table(doc, [30, 28, 46, 30, 40], 15)
    pairs = [("项目名称", "{{ p.名称 }}", "主管单位", "{{ p.主管部门 }}"),
             ("项目类型", "{{ p.类别 }}", "资金用途", "{{ p.资金用途 }}"),
             ("计划开始日期", "{{ p.开始日期 }}", "计划完成日期", "{{ p.完成日期 }}"),
             ("项目总金额（万元）", "{{ p.总金额|千分位 }}", "本年度项目金额（万元）", "{{ p.金额|千分位 }}"),
             ("财政拨款资金（万元）", "{{ p.财政拨款资金|千分位 }}", "其他资金（万元）", "{{ p.其他资金|千分位 }}"),
             ("中央转移支付资金（万元）", "{{ p.中央转移支付资金|千分位 }}", "政府购买服务资金（万元）", "{{ p.政府购买服务资金|千分位 }}")]
    for r, (l1, v1, l2, v2) in enumerate(pairs):
        cell(t, r, 0, l1, bold=True, align="center")
        cell(t, r, 1, v1, span=2)
        cell(t, r, 3, l2, bold=True, align="center")
        cell(t, r, 4, v2)
    for r, (label, value) in enumerate([("项目概况", "{{ p.项目概况 }}"), ("项目用途", "{{ p.项目用途 }}")], start=6):
        cell(t, r, 0, label, bold=True, align="center")
        cell(t, r, 1, value, span=4)
    cell(t, 8, 0, "固定资产采购金额", bold=True, align="center")
    cell(t, 8, 1, "{{ p.固定资产采购金额|千分位 }}", span=2)
    cell(t, 8, 3, "采购品目", bold=True, align="center")
    cell(t, 8, 4, "{{ p.采购品目 }}")
    for r, (label, value) in enumerate([("项目总（中期）目标", "{{ p.中期目标 }}"), ("年度绩效目标", "{{ p.年度目标 }}")], start=9):
        cell(t, r, 0, label, bold=True, align="center")
        cell(t, r, 1, value, span=4)
    for c, text in enumerate(["一级指标", "二级指标", "指标内容", "目标值", "目标值来源"]):
        cell(t, 11, c, text, bold=True, align="center")
    cell(t, 12, 0, "{%tr for 行 in p.指标 %}")
    cell(t, 13, 0, "{{ 纵合并(行, '一级') }}", align="center")
    cell(t, 13, 1, "{{ 纵合并(行, '二级') }}", align="center")
    cell(t, 13, 2, "{{ 行.三级 }}")
    cell(t, 13, 3, "{{ 行.指标值 }}", align="center")
    cell(t, 13, 4, "{{ 行.目标值来源 }}")
    cell(t, 14, 0, "{%tr endfor %}")
    tag(doc, "{%p if not loop.last %}")
    page_break(doc)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    return doc
