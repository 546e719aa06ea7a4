"""What a user expects of any command line: -V, shell completion, the same options wherever they make sense,
click's own messages in Chinese, no wrapping at 80 columns when piped, a short summary on request."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

import generator
from conftest import ROOT, SPECS
from generator.cli import app
from generator.cli_zh import translate

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_version_short_and_long():
    for flag in ("-V", "--version"):
        result = run(flag)
        assert result.exit_code == 0 and result.output.strip() == f"yusuan {generator.__version__}"


def test_help_is_in_chinese_and_offers_completion():
    text = subprocess.run([sys.executable, "-m", "generator", "--help"], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "COLUMNS": "200"}, check=True).stdout
    assert "用法：" in text and "选项" in text and "命令" in text and "显示本帮助并退出" in text
    assert "--install-completion" in text and "为当前的 shell 安装命令补全" in text
    assert "Usage:" not in text and "Show this message" not in text


@pytest.mark.parametrize("args, says", [
    (["check"], "缺少参数 specs。"),
    (["check", "--nope", "x"], "没有选项 --nope"),
    (["catalog", "x", "--edition", "abc"], "的值无效：应为整数"),
    (["nosuch"], "没有命令「nosuch」。"),
    (["rollover", "a.yaml"], "缺少选项 --to。"),
    (["check", "specs", "--codes"], "选项 --codes 需要一个值。"),
    (["diff", "a", "b", "c"], "多余的参数：c"),
])
def test_usage_errors_are_in_chinese(args, says):
    result = run(*args)
    assert result.exit_code == 2
    assert says in result.output, result.output
    assert "Error" not in result.output and "Try '" not in result.output


def test_unknown_messages_pass_through_unchanged():
    assert translate("Something click says that we never met.") == "Something click says that we never met."


def test_the_same_options_on_every_command_that_takes_them():
    command = typer.main.get_command(app)
    options = {name: {o for p in cmd.params for o in p.opts} for name, cmd in command.commands.items()}
    for name in ("check", "show", "build", "batch"):
        assert {"--json", "--format", "--templates", "--codes"} <= options[name], name
    assert {"--format", "--templates", "--codes"} <= options["rollover"]
    assert {"--json", "--codes"} <= options["diff"]
    assert {"--format", "--templates"} <= options["init"]


def test_piped_output_is_not_wrapped_at_80_columns():
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    result = subprocess.run([sys.executable, "-m", "generator", "check", str(SPECS / "2023" / "石柱县行政服务中心.yaml")],
                            capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    long_lines = [line for line in result.stdout.splitlines() if len(line) > 80]
    assert long_lines, "nothing long to see"
    assert not any(line.startswith(" " * 11) and "提示" not in line and "位置" not in line and "|" not in line
                   for line in result.stdout.splitlines()), "a message continued on a wrapped line"


def test_check_summary_is_one_line_per_file():
    result = run("check", str(SPECS), "--summary")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == len(list(SPECS.rglob("*.yaml"))) + 1
    assert lines[-1].startswith("5 个文件：0 个错误，")
    shizhu = next(line for line in lines if "石柱县行政服务中心" in line)
    full = run("check", str(SPECS / "2023" / "石柱县行政服务中心.yaml"))
    warnings = full.output.count(" 警告 ")
    assert f"0 个错误，{warnings} 个警告" in shizhu and "W-ROUNDING ×" in shizhu
