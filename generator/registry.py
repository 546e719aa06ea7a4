"""Every finding code, defined once: its severity (E- errors, W- warnings), what it means, and the
messages (and hints) it is reported with, as templates over the finding's parameters. Checks name a
code, a variant and the parameters; the words live here; `yusuan check --json` carries the parameters;
the README's table of codes is generated from this (tools/readme_codes.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Text:
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class Code:
    code: str
    meaning: str  # one line, for the README table
    texts: dict[str, Text] = field(default_factory=dict)  # variant ("" is the usual one) → message and hint

    @property
    def severity(self) -> Severity:
        return "warning" if self.code.startswith("W-") else "error"


def _code(code: str, meaning: str, message: str | Text = "{detail}", hint: str | None = None, /,
          **variants: Text | str) -> Code:
    texts = {"": message if isinstance(message, Text) else Text(message, hint)}
    texts.update({name: t if isinstance(t, Text) else Text(t) for name, t in variants.items()})
    return Code(code, meaning, texts)


T = Text
TIMES = "{times}"
# How a number typed in a spec is refused (amounts under E-AMOUNT-*, other numbers under E-SCHEMA-TYPE).
NUMBERS = {
    "empty": T("{label}：{what}为空"),
    "thousands": T("{label}：{what}「{text}」含千分位逗号", "直接写作 {plain}"),
    "unit": T("{label}：{what}「{text}」带了单位「{unit}」",
              "只写数字：写作 {plain}（金额的单位由文件顶部的「金额单位」决定，默认万元）"),
    "fullwidth": T("{label}：{what}「{text}」含全角（或其他非半角）数字或小数点", "请用半角数字{example}"),
    "percent": T("{label}：{what}「{text}」是百分数", "此处应填写数字"),
    "not_number": T("{label}：{what}「{text}」不是数字", "写作如 12.34 的数字，不带逗号、单位或公式"),
    "too_large": T("{label}：{what}「{text}」大得不像预算数（整数部分超过 {digits} 位）", "核对是否多写了数字"),
}  # 「（共 N 处）」 where one mistake is repeated on many lines, else empty

CODES: dict[str, Code] = {c.code: c for c in [
    # --- files and YAML ------------------------------------------------------------------------------
    _code("E-FILE-NOT-FOUND", "文件或文件夹不存在、无法读取", "文件或文件夹不存在",
          unreadable="无法读取文件：{reason}",
          member=T("部门所列的单位规格「{member}」不存在", "路径相对于部门文件所在的文件夹")),
    _code("E-FILE-EMPTY", "文件是空的", "文件是空的（没有任何内容）", "从 examples/ 中复制一份示例规格开始填写"),
    _code("E-FILE-ENCODING", "不是 UTF-8 编码的文本（会提示是否为 GBK）",
          "文件不是 UTF-8 编码（第 {line} 行第 {column} 列起无法解码）",
          "{guess}请用 UTF-8 编码保存（记事本/WPS：另存为 → 编码选 UTF-8）",
          nul=T("文件含有 NUL 字符，不是文本文件（可能是 UTF-16 或二进制文件）", "请用 UTF-8 编码保存为纯文本 YAML")),
    _code("E-YAML-SYNTAX", "YAML 语法错误（显示上下文行）；键后的全角冒号、行首全角空格逐行指出", "YAML 语法错误（{problem}）",
          mapping_values="此处不能出现「键: 值」：可能缺少缩进、漏了引号，或冒号后少了空格",
          no_colon="找不到应有的冒号「:」",
          tab="YAML 不能用制表符（Tab）缩进，请改用空格",
          undefined_alias="引用了未定义的锚点（*别名）",
          end_of_stream="文件意外结束：引号或括号没有闭合",
          escape="双引号字符串中有无法识别的转义符「\\」，可改用单引号",
          no_key="缩进不一致或缺少冒号，找不到应有的键",
          no_dash="列表项的缩进不一致，找不到应有的「-」",
          no_content="此处缺少内容",
          indentation="缩进不一致：此行与上文的层级对不上",
          extra_colon="出现了多余的冒号「:」，含冒号的文字请加引号",
          quote="引号没有闭合",
          at_sign="「@」不能作为文字开头，请给这段文字加引号",
          backtick="「`」不能作为文字开头，请给这段文字加引号",
          anchor_name="锚点（&名称）与别名（*名称）只能用英文字母、数字、- 和 _ 命名",
          flow_sequence=T("方括号 [ ] 里的列表写错了：缺少逗号或右括号「]」", "含方括号的文字请加引号，如 \"第[1]期\""),
          flow_mapping=T("花括号 {{ }} 里的映射写错了：缺少逗号或右括号「}}」", "含逗号、括号或冒号的文字请加引号"),
          tag=T("不支持 YAML 标签「{tag}」", "规格中的值都按文字读取，去掉标签即可（要把数字当文字，加引号）"),
          merge=T("不支持 YAML 合并键「<<」", "把要合并的键直接写出来"),
          unreadable="YAML 无法读取：{reason}",
          self_alias="锚点引用了自身（循环别名）",
          key_not_text="键必须是一段文字，不能是列表或映射",
          fullwidth_space=T("行首缩进中有全角空格（U+3000），YAML 不把它当作缩进，而把它读成文字",
                            "删除全角空格，改用半角空格缩进，与同级的键对齐"),
          fullwidth_colon=T("「{name}」后的冒号是全角「：」：YAML 只认半角冒号「:」，这里没有被读成「键: 值」",
                            "改为半角冒号{example}")),
    _code("E-FILE-TOO-LARGE", "文件太大，不是一个单位一年的规格", "文件有 {size}，超过了规格文件的上限 {limit}"),
    _code("E-YAML-LIMIT", "嵌套层数或别名展开后的内容超过上限", "嵌套超过 {limit} 层", "规格一般不超过 6 层，检查是否误写了大量括号",
          values=T("别名（*名称）展开后的内容超过 {limit} 项", "检查锚点与别名是否层层互相引用")),
    _code("W-TEXT-CHARACTER", "文字中有文书不能写入的控制字符（已删除）", "此处有控制字符 {char}，已删除",
          "这类字符通常来自复制粘贴，文书（docx/xlsx）中无法写出"),
    _code("E-TEXT-TOO-LONG", "一段文字超过 Excel 单元格的上限", "这段文字有 {length} 个字符，超过 Excel 单元格的上限 {limit}",
          "拆分成几段，或删去多余内容"),
    _code("E-YAML-DUPLICATE-KEY", "同一映射中键重复", "键「{name}」重复出现（第 {first} 行已写过），后一个值被忽略",
          "删除或合并重复的键"),
    _code("E-YAML-MULTIDOC", "一个文件写了多个 YAML 文档",
          "一个文件只能写一个单位一年的规格，这里出现了第二个文档（---）"),
    # --- schema --------------------------------------------------------------------------------------
    _code("E-SCHEMA-UNKNOWN-KEY", "未知的键（提示“是否想写…”）", "未知的键「{name}」", "{suggestion}"),
    _code("E-SCHEMA-MISSING", "缺少必填项", "缺少必填项「{name}」{within}", "{suggestion}",
          local_code="本地科目每项都要有「编码」和「名称」"),
    _code("E-SCHEMA-TYPE", "值的类型不对（应为文字、数字、列表、映射……）", "{label} 应为{expected}，实际为{got}",
          **NUMBERS, number_type=T("{label}：应为数字"), flag=T("{label}：应填「是」或「否」，实际为「{text}」"),
          date=T("{label}：日期「{text}」无法识别", "写作 2023-04-15"),
          no_date=T("{label}：日期「{text}」不存在", "写作 2023-04-15"),
          detail=T("{label}：{detail}"),
          top="规格文件的顶层应为「键: 值」映射（以 年度、单位 等键开头）",
          top_format="格式文件的顶层应为「键: 值」映射（以 名称、文档 等键开头）",
          local_top="本地科目文件应为列表，每项形如 {{编码: …, 名称: …}}"),
    _code("E-SCHEMA-ENUM", "不是可选值之一", "{label}：「{got}」不是可选值", "可选：{choices}"),
    _code("E-SCHEMA-RANGE", "超出允许的范围", "{label}：「{got}」超出范围（{detail}）"),
    _code("E-SCHEMA-BLANK", "名称等必填文字为空或只有空白", "{label} 不能为空（只有空白）"),
    # --- amounts -------------------------------------------------------------------------------------
    _code("E-AMOUNT-FORMAT", "金额写法不对：千分位、全角数字、百分数、不是数字", NUMBERS["not_number"],
          **NUMBERS, type=T("{label}：应为金额数字，实际为{got}"),
          unfilled=T("{label}：金额未填写", "填写金额，如 12.34；没有这一项就删去这一行")),
    _code("E-AMOUNT-UNIT", "金额带了单位", NUMBERS["unit"], unit=NUMBERS["unit"]),
    _code("E-AMOUNT-NEGATIVE", "金额为负数", "{label}：金额「{text}」为负数", "预算金额不能为负；调减请在上年对比中体现"),
    _code("E-AMOUNT-PRECISION", "小数位超过“分”", "{label}：金额「{text}」的小数位超过了「分」",
          "元最多两位小数，万元最多六位小数"),
    # --- 科目 ----------------------------------------------------------------------------------------
    _code("E-CODE-MALFORMED", "科目编码格式不对（缺编码、位数或开头不对、夹有字母或全角数字）",
          "{label}「{code}」不是{classification}的编码" + TIMES,
          no_code=T("{label}「{text}」缺少科目编码" + TIMES, "{suggestion}"),
          fullwidth=T("{label}「{text}」的编码含全角（或其他非半角）数字" + TIMES, "请用半角数字：写作 {meant}"),
          letters=T("{label}「{text}」的编码中夹有字母" + TIMES, "编码只写数字，名称与编码之间用空格隔开{example}"),
          local="本地科目编码「{code}」不是功能(2xx)、部门经济(3xx)或政府经济(5xx)科目的格式"),
    _code("E-CODE-NOT-LEAF", "科目不是末级（功能科目到项、经济科目到款）", "{label}「{code}」是{level}科目，应填到{leaf}" + TIMES,
          "{suggestion}"),
    _code("E-CODE-UNKNOWN", "未知科目且未写名称", "{label}「{code}」不在 {edition} 年版科目表中{parent}" + TIMES,
          "核对编码；若确为本地科目，请写上名称（如「{code} 名称」）或加入 yusuan-codes.yaml"),
    _code("W-CODE-UNKNOWN", "未知科目但写了名称（照用）",
          "{label}「{code}」不在 {edition} 年版科目表中{parent}，按规格所写名称「{name}」使用" + TIMES, "{suggestion}"),
    _code("W-CODE-NAME", "科目名称与科目表不符", "{label} {code} 的名称写作「{name}」，科目表中为「{catalog_name}」" + TIMES,
          "以科目表名称为准；如属改版请核对「科目版本」"),
    _code("W-CODE-UNIT-TYPE", "科目与单位性质不符（如事业单位用“行政运行”）",
          "{unit_kind}单位使用了{other}单位科目「{code} {name}」" + TIMES, "{suggestion}"),
    _code("W-CODE-LOCAL-CLASH", "本地科目与国家科目同码", "本地科目 {code}「{name}」与国家科目「{national}」同码，以本地为准"),
    _code("W-ECON-MAP", "政府经济科目与两套经济分类对照表不符",
          "经济科目 {economic} 按两套经济分类对照表应列 {expected}，此行指定为 {given}"),
    _code("W-FUND-CODE", "政府性基金资金使用了一般公共预算支出功能科目",
          "{who}的资金来源为政府性基金，功能科目 {code} {name} 却是一般公共预算支出科目",
          "政府性基金支出应使用政府性基金预算支出功能分类科目"),
    _code("W-CATALOG-EDITION", "科目版本超出内置范围", "科目版本 {edition} 不在内置范围（{low}–{high}），按 {used} 年版核对"),
    # --- 部门 ------------------------------------------------------------------------------------------
    _code("E-DEPT-MEMBER", "部门所列的单位有误（重复、年度不同、同名同码）", "部门两次列出了单位规格「{member}」",
          year=T("单位规格「{member}」是 {year} 年的，部门是 {expected} 年", "一个部门预算的各单位都是同一年度"),
          same_unit=T("部门中有两个单位都叫（或编码都是）「{member}」", "各单位的名称和编码在部门内应各不相同")),
    _code("E-DEPT-FLOW", "部门内部往来两边对不上（对附属单位补助与上级补助收入、上缴上级与附属单位上缴收入）",
          "{unit}的{source}填报 {recorded} 万元，{payer}合计 {paid} 万元，两边应当相等",
          "部门预算合并时两边一并抵消：核对两份规格",
          unknown_unit=T("对附属单位补助的单位「{unit}」不是{department}的下属单位", "写下属单位的名称或编码")),
    # --- sums ----------------------------------------------------------------------------------------
    _code("E-SUM-PROJECT", "项目金额与支出明细、经济科目分解、资金构成不符",
          "{what}：填报 {declared}，按明细计算 {computed}，相差 {diff} {unit}", "{suggestion}",
          total="{project}总金额 {total} 小于本年度金额 {amount}"),
    _code("E-SUM-DECLARED", "填报（公布）的数与按账计算的不符", "{what}：填报 {declared}，按明细计算 {computed}，相差 {diff} {unit}",
          "{suggestion}"),
    _code("E-BALANCE", "收入与支出不平衡（按资金性质逐一核对）",
          "{fund}收支不平衡：收入 {income}，支出 {spending}，相差 {diff} {unit}",
          "收入按来源填在「收入」下；支出按「资金来源」归集（未写的按单位唯一的收入来源或一般公共预算拨款）"),
    _code("W-ROUNDING", "尾差：差额在四舍五入可以解释的范围内",
          "{what}：各项按{precision}列示 {parts} = {sum}，合计列示 {total}，尾差 {diff} {unit}",
          "{notes}。表中照此列示，不必手工调平",
          declared=T("{what}：填报 {declared}，按明细计算 {computed}，相差 {diff} {unit}（尾差）", "{suggestion}"),
          balance=T("{fund}收支不平衡：收入 {income}，支出 {spending}，相差 {diff} {unit}（尾差）",
                    "收入按来源填在「收入」下；支出按「资金来源」归集（未写的按单位唯一的收入来源或一般公共预算拨款）")),
    _code("E-PUBLISHED-FIGURE", "公布数的表达式无法识别或无法由规格算出", "公布数的项「{figure}」无法识别：{reason}",
          "如「合计」「基本支出」「功能:201」「政府经济:50101」「功能:2010301&基本支出」",
          unknown="公布数的项「{figure}」无法由规格算出（缺少相应科目）"),
    _code("W-PUBLISHED-TABLE", "公布数指定的表不是本格式的表", "公布数指定的表「{table}」不是格式「{format}」的表：这个公布数不会用在它上面",
          "{suggestion}"),
    _code("W-PROJECT-DUPLICATE", "两个项目同名", "第 {this} 个项目与第 {first} 个项目同名「{name}」",
          "同名的项目在按名称列示的表中难以区分：改名或合并"),
    _code("W-STAFF-SUM", "人数构成不符", "实有人数 {actual} 人，构成合计 {total} 人",
          on_post="在编 {on_post} 人多于编制 {authorized} 人"),
    _code("W-PROJECT-FUNDS", "项目资金字段超过项目金额", "{project}{field} {value} 大于项目{whole}金额 {amount}"),
    _code("W-PRIOR-CODE", "上年功能分类的键不是功能科目编码", "上年.功能分类的键「{name}」不是功能科目编码，未参与上年对比",
          "写作如「201」（类）、「20103」（款）"),
    _code("E-PROCUREMENT", "政府采购超过支出", "政府采购预算 {procurement} 万元大于支出预算合计 {total} 万元"),
    _code("W-CARRYOVER-UNASSIGNED", "有上年结转收入，但没有支出标注由上年结转安排",
          "收入中有上年结转 {amount} 万元，但没有一行支出标注由上年结转安排",
          "在由结转资金安排的基本支出行或项目上写「上年结转: 是」，收入总表才能按支出列示结转"),
    # --- indicators ----------------------------------------------------------------------------------
    _code("E-INDICATOR-VALUE", "指标值读不出（定量指标却不是数）", "{owner}指标「{name}」：{problem}"),
    _code("W-INDICATOR-PERCENT", "百分比指标超过 100%", "{owner}指标「{name}」的目标为 {value}%，超过 100%",
          "百分比指标一般不超过 100%，核对指标值或计量单位"),
    _code("W-INDICATOR-NAME", "指标没有名称", "{owner}有一条指标没有名称（三级指标为空）"),
    _code("W-INDICATOR-WEIGHT", "权重合计不是格式要求的数（含预算执行率权重）", "{owner}的指标权重合计为 {total}{extra}，应为 {want}"),
    _code("W-INDICATOR-VALUE-WEIGHT", "指标值与权重处处相同（疑似填错列）",
          "{owner}每条指标的指标值都与其权重相同，疑似把权重填进了指标值", "核对各指标的目标值"),
    _code("W-INDICATOR-COST", "成本指标超过项目金额，或与金额及任何支出明细都对不上",
          "{owner}成本指标「{name}」为 {value}，超过预算金额 {amount} 万元",
          unmatched=T("{owner}成本指标「{name}」{value} 万元与项目金额 {amount} 万元及任何支出明细（之和）都不一致",
                      "{suggestion}")),
    _code("W-INDICATOR-NONE", "项目没有绩效指标", "{owner}没有设置绩效指标"),
    _code("E-INDICATOR-CATEGORY", "缺少格式要求的一级指标", "{owner}缺少一级指标「{name}」", "本格式（{format}）要求：{required}"),
    _code("W-INDICATOR-CATEGORY", "指标类别不通行，或缺少建议的类别", "{owner}的{level}指标「{name}」不是通行的分类",
          suggested="{owner}没有「{name}」", quantity="{owner}的产出指标中没有数量指标"),
    # --- policy --------------------------------------------------------------------------------------
    _code("W-SANGONG-GROWTH", "“三公”经费比上年增加", "{name} {current} 万元，比上年 {prior} 万元增加 {diff} 万元",
          "“三公”经费原则上只减不增；如确需增加，请在「说明.三公经费.增减原因」中说明"),
    # --- formats, templates, build, batch ----------------------------------------------------------------
    _code("E-FORMAT-UNKNOWN", "未知的格式（格式名只能是 yusuan formats 列出的名称）", "{reason}", "{suggestion}",
          option="{reason}（--format）"),
    _code("E-FORMAT-INVALID", "格式文件无法读取或有误", "{reason}"),
    _code("E-FORMAT-TEMPLATE-FILE", "格式所列的模板文件不存在，或不是模板文件夹中的 .xlsx/.docx",
          "模板「{template}」在模板文件夹中不存在：{layers}", "模板路径相对于模板文件夹，如 xlsx/本区/部门预算公开表.xlsx",
          path=T("模板「{template}」应是模板文件夹中的 .xlsx 或 .docx 文件", "写相对路径，如 xlsx/本区/部门预算公开表.xlsx（不含 ..）")),
    _code("E-FORMAT-SOURCE", "格式中重复行的来源有误（分类、清单、指标、明细、并列 要写且只写一个；块名、块的行）",
          "{label}：没有写行从哪里来", "写 {choices} 之一，如 {{分类: 功能}}、{{清单: 项目}}",
          several=T("{label}：同时写了 {given}", "行的来源只能写一个：{choices} 之一；要几组重复行，写在 块 下"),
          classified_only=T("{label}：{keys} 只能与 分类 一起写"),
          panel_classified=T("{label}：分类 行自有名称和数字，不能同时写 项目 或 数", "名称另写一行：{{项目: …, 数: …}}"),
          block_name=T("{label}：块名「{name}」与模板中可用的值同名", "换一个块名（不能用：{reserved}、行）"),
          unused=T("块「{block}」在工作表「{sheet}」中没有重复行", "模板中重复行的占位符以块名开头：{{{{{block}.名称}}}}"),
          empty_row=T("{label}：空行的「{name}」不是行的字段", "行的字段：{fields}"),
          broken=T("{reason}", "同一块的重复行要相邻，不同的块不能交叠")),
    _code("E-FORMAT-OPTION", "选项用在了不适用的地方，或不是可选值（如 表名 不在 每项 的表上、docx 文档写了 表）",
          "{label}：{keys} 只用于 每项 的表", "每项: 项目 或 每项: 一级项目 的表才有多张",
          docx_tables=T("{label}：{keys} 只用于 xlsx 模板，docx 文档不读它"),
          xlsx_frame=T("{label}：指标框架 只用于 docx 模板"),
          date_style=T("{label}：日期写法「{text}」须含 {{年}}，只可用 {tokens}", "如 {{年}}. {{月}}. {{日}}、{{年}}/{{月}}/{{日}}、{{年}}-{{月2}}-{{日2}}"),
          helper=T("{where}：{call}(…)中的「{got}」不是可选值", "可选：{choices}")),
    _code("E-FORMAT-FIGURE", "数字表达式无法识别（格式的 范围、数，模板的 {{数:…}}、数(…) 等）",
          "{label}：「{figure}」不是数字表达式：{reason}", "如 合计、基本支出、功能:201、一般公共预算&项目支出、本年收入:一般公共预算",
          scope=T("{label}：范围「{figure}」无法识别：{reason}", "如 一般公共预算、基本支出&部门经济:301、功能:201"),
          template=T("{where}：{text}中的「{figure}」不是数字表达式：{reason}",
                     "如 合计、基本支出、功能:201、一般公共预算&项目支出、本年收入:一般公共预算"),
          change=T("{where}：{call}(「{figure}」)：{reason}")),
    _code("E-FORMAT-PLACEHOLDER", "模板中的占位符或名称不存在（未知的值、字段、过滤器）",
          "{where}：{text}中没有「{name}」这个值", "{suggestion}",
          name=T("{where}：没有「{name}」这个值", "{suggestion}"),
          field=T("{where}：{text}中「{owner}」没有字段「{name}」", "{suggestion}"),
          scope=T("{where}：{text}中「{owner}」没有自己的范围，不能写「:表达式」", "数字写作 {{{{数:表达式}}}}，或写在有范围的行里"),
          filter=T("{where}：没有过滤器「{name}」", "{suggestion}")),
    _code("E-FORMAT-SHEET", "格式中的表在模板工作簿中不存在（名称只差空格或全角/半角时指出）",
          "工作表「{sheet}」在模板 {template} 中不存在", "{suggestion}"),
    _code("E-TEMPLATES", "模板文件夹不存在或是空的", "{reason}"),
    _code("E-TEMPLATE", "模板有误（占位符、表名、标记）", "格式「{format}」的模板有误：{reason}"),
    _code("E-BUILD-REFUSED", "规格有错误，不生成文书", "规格有错误，未生成文书（先运行 yusuan check 修正）"),
    _code("E-BUILD-DATA", "规格缺少格式需要的数据（如按功能分类的表而支出没有功能科目）", "格式「{format}」：{reason}",
          "补填所缺的科目，或选用不需要它的格式（--format）"),
    _code("E-OUTPUT", "输出无法写入（磁盘已满、没有权限、路径中有文件……），原有文件不动", "无法写入 {target}：{reason}",
          "本单位的文书一个也没有改动；解决后重新生成"),
    _code("E-BUILD-DUPLICATE", "两份规格写到同一输出文件夹（同一单位同一年度）",
          "与 {others} 写到同一文件夹 {folder}（同一单位同一年度）", "删去或改正其中一份"),
    _code("E-NARRATIVE-SUM", "情况说明中列出的各项加起来不是它们的总数", "{document}：{detail}",
          "句中列出的各项应是同一个总数的组成。这是模板或程序的错误，不是规格的错误，请连同规格报告"),
    _code("E-PDF", "PDF 转换失败（LibreOffice 出错或超时）", "PDF 未生成：{reason}",
          "xlsx/docx 已写出；检查 LibreOffice 后加 --pdf 重新生成"),
    _code("E-BATCH", "批量生成中一个单位意外失败", "处理失败：{reason}"),
]}


def code_table() -> str:
    """The README's table of codes (Markdown), generated from the registry."""
    rows = ["| 代码 | 级别 | 含义 |", "|---|---|---|"]
    rows += [f"| {c.code} | {'错误' if c.severity == 'error' else '警告'} | {c.meaning} |" for c in CODES.values()]
    return "\n".join(rows)
