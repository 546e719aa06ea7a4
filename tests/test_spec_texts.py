"""Texts as a region prints them: rich text from a budget system made plain at load, dates in the format's style,
indicator values that are numbers stored as numbers in a workbook."""
from __future__ import annotations

import re

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import HETANG, ROOT, SHIZHU
from generator.cli import app
from generator.spec.load import load_spec
from generator.spec.richtext import plain

runner = CliRunner()


@pytest.mark.parametrize("written, printed", [
    ("<p>第一段</p><p>第二段</p>", "第一段\n第二段"),
    ('<P style="x">一</P>\n<p>二&nbsp;三</p>', "一\n二 三"),
    ("甲<br/>乙<br>丙", "甲\n乙\n丙"),
    ("<p><span>强调</span>的&lt;文字&gt;</p>", "强调的<文字>"),
    ("低于<3%，a<b 且 R&D", "低于<3%，a<b 且 R&D"),  # no tag, no entity: as written
    ("≥95%<100", "≥95%<100"),
])
def test_rich_text_is_made_plain(written, printed):
    assert plain(written) == printed


def test_a_spec_loads_its_rich_text_plain(tmp_path):
    text = SHIZHU.read_text(encoding="utf-8")
    assert "项目概况: \"<p>" in text  # the seed's export carries the tags
    loaded = load_spec(SHIZHU)
    overviews = [p.overview for p in loaded.spec.programs if p.overview]
    assert overviews and not any("<p>" in o or "</p>" in o for o in overviews)
    assert any(o.startswith("负责县政府会议的筹备工作") and o.endswith("完成县委和县政府交办的其他任务") for o in overviews)


def test_the_workbook_prints_rich_text_without_tags(built):
    wb = openpyxl.load_workbook(built(SHIZHU)["部门预算公开表.xlsx"])
    texts = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("负责县政府会议的筹备工作") for t in texts)
    assert not [t for t in texts if re.search(r"</?p>", t)]


def _hunan_with(tmp_path, style: str):
    folder = tmp_path / "mine"
    folder.mkdir(parents=True)
    text = (ROOT / "templates" / "hunan.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^日期:.*\n", "", text, flags=re.M)
    text = text.replace("名称: 湖南省部门预算公开\n", f"名称: 湖南省部门预算公开\n日期: \"{style}\"\n", 1)
    (folder / "hunan.yaml").write_text(text, encoding="utf-8")
    return folder


def test_dates_follow_the_format_style(tmp_path):
    folder = _hunan_with(tmp_path, "{年}/{月2}/{日2}")
    result = runner.invoke(app, ["build", str(HETANG), "-o", str(tmp_path / "out"), "--templates", str(folder)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(next((tmp_path / "out").rglob("部门预算公开表.xlsx")))
    dated = [c.value for ws in wb for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and "填报日期" in c.value]
    assert dated and all("填报日期: 2022/04/15" in t for t in dated)  # the spec says 2022-04-15


def test_a_date_style_without_a_year_or_with_unknown_parts_is_refused(tmp_path):
    for style in ("{月}月{日}日", "{年}年{季}季"):
        folder = _hunan_with(tmp_path / style.replace("{", "").replace("}", ""), style)
        result = runner.invoke(app, ["formats", "check", "--templates", str(folder)])
        assert result.exit_code != 0
        assert re.search(r"hunan\.yaml.*\n\s+3:\d+\s+错误 E-FORMAT-OPTION", result.output), result.output
        assert f"日期写法「{style}」" in result.output


def test_indicator_values_that_are_numbers_are_stored_as_numbers(built):
    wb = openpyxl.load_workbook(built(SHIZHU)["部门预算公开表.xlsx"])
    ws = wb["一般性项目1"]
    header = next(row for row in ws.iter_rows() if any(c.value == "指标值" for c in row))
    column = next(c.column for c in header if c.value == "指标值")
    values = [ws.cell(r, column) for r in range(header[0].row + 1, ws.max_row + 1) if ws.cell(r, column).value is not None]
    numbers = [c.value for c in values if c.data_type == "n"]
    texts = [c.value for c in values if c.data_type == "s"]
    assert numbers and texts
    assert not [t for t in texts if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", t)]  # no number left stored as text
    assert all(isinstance(n, (int, float)) for n in numbers)
