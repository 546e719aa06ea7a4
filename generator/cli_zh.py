"""The command line's own words in Chinese: typer's help panels and click's usage errors.

The click that typer ships builds its messages with f-strings (no gettext catalogue to install), so the few
messages a user meets are translated by pattern where they are printed; anything unknown stays as click says
it. Applied once, by importing this module before the app runs.
"""
from __future__ import annotations

import importlib.abc
import importlib.util
import re
import sys
from collections.abc import Callable
from typing import Any

import typer.main as typer_main
from typer._click import core as click_core
from typer._click import formatting

PANELS = {
    "ARGUMENTS_PANEL_TITLE": "参数", "OPTIONS_PANEL_TITLE": "选项", "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误", "ABORTED_TEXT": "已中止。", "DEFAULT_STRING": "[默认：{}]",
    "REQUIRED_LONG_STRING": "[必填]", "ENVVAR_STRING": "[环境变量：{}]", "DEPRECATED_STRING": "（已弃用）",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}

MESSAGES: list[tuple[re.Pattern[str], str]] = [(re.compile(p), zh) for p, zh in [
    (r"^Missing argument '([^']+)'\.$", r"缺少参数 \1。"),
    (r"^Missing option '([^']+)'\.$", r"缺少选项 \1。"),
    (r"^Missing parameter: (.+)$", r"缺少参数 \1。"),
    (r"^Missing command\.$", "缺少命令。"),
    (r"^No such command '([^']+)'\.$", r"没有命令「\1」。"),
    (r"^No such option: (\S+) \(Possible options: (.+)\)$", r"没有选项 \1（是不是：\2）"),
    (r"^No such option: (\S+)$", r"没有选项 \1。"),
    (r"^Option '([^']+)' requires an argument\.$", r"选项 \1 需要一个值。"),
    (r"^Option '([^']+)' requires (\d+) arguments\.$", r"选项 \1 需要 \2 个值。"),
    (r"^Option '([^']+)' does not take a value\.$", r"选项 \1 不带值。"),
    (r"^Got unexpected extra argument(?:s|\(s\))? \((.+)\)$", r"多余的参数：\1"),
    (r"^Invalid value for (.+?): (.+)$", r"\1 的值无效：\2"),
    (r"^Invalid value: (.+)$", r"值无效：\1"),
]]
VALUES: list[tuple[re.Pattern[str], str]] = [(re.compile(p), zh) for p, zh in [
    (r"Input should be a valid integer, unable to parse string as an integer", "应为整数"),
    (r"Input should be a valid integer", "应为整数"),
    (r"Input should be a valid number.*", "应为数字"),
    (r"Input should be a valid boolean.*", "应为 是/否"),
    (r"'([^']*)' is not a valid integer( range)?\.", r"「\1」不是整数。"),
    (r"'([^']*)' is not one of (.+)\.", r"「\1」不在可选值 \2 之中。"),
    (r"(?:File|Directory|Path) '([^']*)' does not exist\.", r"「\1」不存在。"),
]]


def translate(message: str) -> str:
    """A click message in Chinese (as it was, when it is none we know)."""
    for pattern, zh in MESSAGES:
        if pattern.match(message):
            message = pattern.sub(zh, message)
            break
    for pattern, zh in VALUES:
        message = pattern.sub(zh, message)
    return message


def _errors(original: Callable[[Any], None]) -> Callable[[Any], None]:
    def show(exc: Any) -> None:
        english = exc.format_message
        exc.format_message = lambda: translate(english())
        original(exc)
    return show


def _usage(original: Callable[..., None]) -> Callable[..., None]:
    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args, "用法：" if prefix is None else prefix)
    return write_usage


def _help_option(original: Callable[..., Any]) -> Callable[..., Any]:
    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = "显示本帮助并退出"
        return option
    return get_help_option


def _completion(original: Callable[[], tuple[Any, Any]]) -> Callable[[], tuple[Any, Any]]:
    def arguments() -> tuple[Any, Any]:
        install, show = original()
        install.help = "为当前的 shell 安装命令补全（bash、zsh、fish、PowerShell）"
        show.help = "显示当前 shell 的补全脚本（可复制后自行安装）"
        return install, show
    return arguments


def _rich(rich_utils: Any) -> None:
    for name, text in PANELS.items():
        setattr(rich_utils, name, text)
    rich_utils.rich_format_error = _errors(rich_utils.rich_format_error)
    rich_utils.OptionHighlighter.highlights = [*rich_utils.OptionHighlighter.highlights, r"(?P<usage>用法：)"]


class _WhenImported(importlib.abc.MetaPathFinder):
    """typer imports its rich help and error printer (≈ 100 ms: markdown, syntax, traceback) only when it prints
    help or an error; it is translated then, not at every start."""

    def __init__(self, name: str, then: Callable[[Any], None]):
        self.name, self.then = name, then

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            run = spec.loader.exec_module
            spec.loader.exec_module = lambda module: (run(module), self.then(module))[0]  # type: ignore[method-assign]
        return spec


def install() -> None:
    if "typer.rich_utils" in sys.modules:
        _rich(sys.modules["typer.rich_utils"])
    else:
        sys.meta_path.insert(0, _WhenImported("typer.rich_utils", _rich))
    formatting.HelpFormatter.write_usage = _usage(formatting.HelpFormatter.write_usage)  # type: ignore[method-assign]
    click_core.Command.get_help_option = _help_option(click_core.Command.get_help_option)  # type: ignore[method-assign]
    typer_main.get_install_completion_arguments = _completion(typer_main.get_install_completion_arguments)


install()
