"""`yusuan serve`: the preview page, its endpoints, and a real headless browser watching it update itself."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT, XUELIN
from generator.cli import app
from generator.serve import PreviewServer, serve

INJECTED = "<script>alert(1)</script>"


def _with_duties(text: str, duties: str) -> str:
    """The spec with its 职能职责 (a block of three lines) replaced by one line."""
    out, n = re.subn(r"  职能职责: \|-\n(?:    .*\n)+", f"  职能职责: {json.dumps(duties, ensure_ascii=False)}\n", text)
    assert n == 1
    return out


def _line_of(text: str, line: str) -> int:
    return text.splitlines().index(line) + 1


def _get(url: str, host: str | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8")


def _until(condition: Callable[[], object], timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("timed out")
        time.sleep(0.05)


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "学林街道办事处.yaml"
    shutil.copy(XUELIN, path)
    return path


@pytest.fixture
def running() -> Iterator[Callable[..., PreviewServer]]:
    started: list[PreviewServer] = []

    def start(*paths: Path, **options) -> PreviewServer:
        server = serve(paths, port=0, interval=0.1, **options)
        server.start()
        started.append(server)
        return server
    yield start
    for server in started:
        server.close()


def _changed(server: PreviewServer, before: str) -> Callable[[], bool]:
    return lambda: server.preview.current()[0] != before


# --- the HTTP endpoints, without a browser ------------------------------------------------------------------

def test_binds_to_127_0_0_1_by_default(spec, running):
    server = running(spec)
    assert server.server_address[0] == "127.0.0.1" and server.local
    assert server.url == f"http://127.0.0.1:{server.port}/" and server.port > 0
    import inspect

    from generator import cli
    assert inspect.signature(cli.serve).parameters["host"].default == "127.0.0.1"


def test_page_shows_findings_with_their_yaml_line_and_the_tables(spec, running):
    server = running(spec)
    status, headers, page = _get(server.url)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="zh-CN">' in page
    assert "script-src 'self'" in headers["Content-Security-Policy"]  # no inline script would run at all
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/app.js">']
    assert '<tr class="total"><td class="text">收入合计</td><td class="num">930.09</td></tr>' in page
    for title in ("收支总体", "“三公”经费、机关运行经费与政府采购", "项目（4 个，合计 464.00）"):
        assert title in page
    assert "支出功能分类：规格未填功能科目" in page
    finding = re.search(r'<li class="finding warning" data-code="W-INDICATOR-COST" data-line="106">.*?</li>', page)
    assert finding, page
    assert "警告" in finding[0] and f"{spec}:106:46" in finding[0] and "提示：最接近的明细是「辖区垃圾清运」36.00 万元" in finding[0]
    assert '<span class="ln">106</span>      - {一级: 产出指标, 二级: 成本指标, 三级: 垃圾清运费, 指标值: <mark>3</mark>0万' in finding[0]
    status, headers, fragment = _get(server.url + "fragment")
    assert status == 200 and headers["X-Yusuan-Version"] == server.preview.current()[0]
    assert fragment in page
    for asset, ctype in (("app.js", "text/javascript"), ("style.css", "text/css")):
        status, headers, _ = _get(server.url + asset)
        assert status == 200 and headers["Content-Type"].startswith(ctype)
    assert _get(server.url + "no-such-page")[0] == 404


def test_everything_from_the_spec_is_escaped(spec, running):
    text = _with_duties(spec.read_text(encoding="utf-8"), INJECTED)
    text = text.replace("  - 名称: 社区经费", '  - 名称: "<img src=x onerror=alert(2)>社区经费"')
    spec.write_text(text, encoding="utf-8")
    server = running(spec)
    page = _get(server.url)[2]
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # 职能职责, as text
    assert "&lt;img src=x onerror=alert(2)&gt;社区经费" in page  # a project's name in the table
    before = server.preview.current()[0]
    spec.write_text(text.replace("\n收入:", '\n"<b onclick=alert(3)>怪键</b>": 1\n收入:'), encoding="utf-8")
    _until(_changed(server, before))
    page = _get(server.url)[2]
    assert "E-SCHEMA-UNKNOWN-KEY" in page and "<b onclick" not in page
    assert "未知的键「&lt;b onclick=alert(3)&gt;怪键&lt;/b&gt;」" in page  # a finding's message
    assert "<mark>&quot;</mark>&lt;b onclick=alert(3)&gt;怪键&lt;/b&gt;&quot;: 1</span>" in page  # its YAML line


def test_a_deleted_spec_is_a_message_and_the_server_goes_on(spec, running):
    server = running(spec)
    text = spec.read_text(encoding="utf-8")
    before = server.preview.current()[0]
    spec.unlink()
    _until(_changed(server, before))
    status, _, page = _get(server.url)
    assert status == 200 and "找不到规格" in page and str(spec) in page and "930.09" not in page
    before = server.preview.current()[0]
    spec.write_text(text.replace("一般公共预算拨款: 930.09", "一般公共预算拨款: 966.09"), encoding="utf-8")
    _until(_changed(server, before))
    page = _get(server.url + "fragment")[2]
    assert "966.09" in page and "E-BALANCE" in page


def test_a_spec_that_fails_to_load_shows_its_findings_instead_of_tables(spec, running):
    text = spec.read_text(encoding="utf-8").replace("  性质: 行政", "  性制: 行政")
    spec.write_text(text, encoding="utf-8")
    page = _get(running(spec).url)[2]
    line = _line_of(text, "  性制: 行政")
    assert f'data-code="E-SCHEMA-UNKNOWN-KEY" data-line="{line}"' in page and "未知的键「性制」" in page
    assert "规格无法读取" in page and "收支总体" not in page


def test_a_folder_lists_every_spec(running):
    page = _get(running(ROOT / "specs", ROOT / "examples" / "某区住房和城乡建设局").url)[2]
    names = re.findall(r'<li><a href="#spec-(\d+)">([^<]*)</a>', page)
    assert len(names) == 5 + 5 and ("1", "深圳市龙华区社区网格管理中心") in names
    assert all(f'id="spec-{n}"' in page for n, _ in names)
    assert "某市某区住房和城乡建设局" in page  # a 部门 file: its consolidated tables


def test_events_announce_each_change(spec, running):
    server = running(spec)
    with urllib.request.urlopen(server.url + "events", timeout=10) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")

        def event() -> str:
            lines = []
            while (line := stream.readline().decode()) != "\n" or not lines:
                if line.strip() and not line.startswith((":", "retry")):
                    lines.append(line.strip())
            return "\n".join(lines)
        assert event() == f"event: change\ndata: {server.preview.current()[0]}"
        spec.write_text(spec.read_text(encoding="utf-8").replace("930.09", "930.10"), encoding="utf-8")
        new = event()
        assert new.startswith("event: change") and new.endswith(server.preview.current()[0])
    assert "930.10" in _get(server.url + "fragment")[2]


def test_a_save_is_seen_even_with_the_same_size_and_mtime_and_a_touch_changes_nothing(spec):
    from generator.serve import Preview
    preview = Preview([spec])
    version = preview.current()[0]
    st = spec.stat()
    spec.write_text(spec.read_text(encoding="utf-8").replace("930.09", "930.19"), encoding="utf-8")
    os.utime(spec, ns=(st.st_atime_ns, st.st_mtime_ns))  # within one tick of a coarse file-system clock
    assert spec.stat().st_size == st.st_size and preview.refresh()
    assert "930.19" in preview.current()[1] and preview.current()[0] != version
    version = preview.current()[0]
    spec.touch()
    assert not preview.refresh() and preview.current()[0] == version  # nothing to show anew
    assert not preview.refresh()


def test_requests_for_other_hosts_are_refused(spec, running):
    server = running(spec)
    assert _get(server.url, host="example.com")[0] == 403  # a web page that rebinds a name to 127.0.0.1
    assert _get(server.url, host=f"localhost:{server.port}")[0] == 200


def test_cli_cannot_run_without_the_spec(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["serve", str(tmp_path / "没有.yaml"), "--port", "0"])
    assert result.exit_code == 2 and "没有.yaml" in result.output
    assert runner.invoke(app, ["serve", str(XUELIN), "--port", "70000"]).exit_code == 2
    assert runner.invoke(app, ["serve", str(XUELIN), "--templates", str(tmp_path)]).exit_code == 2


def test_cli_prints_the_url_and_stops_on_ctrl_c(spec):
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", str(spec), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, line + (proc.stderr.read() if proc.stderr else "")
        assert "930.09" in _get(url[0])[2]
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        assert proc.returncode == 0, err
        assert "已停止" in out and "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()


# --- a real browser ----------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("没有 chromium 与 chromedriver（apt-get install chromium chromium-driver）")
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=zh-CN",
                "--window-size=1280,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


# Read in one script, so that a replacement of the content between finding an element and reading it never matters.
CELL = """for (const tr of document.querySelectorAll('#content tr')) {
  const td = tr.querySelectorAll('td');
  if (td.length > 1 && td[0].textContent.trim() === arguments[0]) { return td[1].textContent.trim(); }
} return '';"""
FINDING = """const li = document.querySelector('#content li.finding[data-code="' + arguments[0] + '"]');
return li ? {line: li.getAttribute('data-line'), text: li.innerText,
             source: (li.querySelector('pre.source') || {}).innerText || ''} : null;"""


def test_browser_page_updates_itself_when_the_spec_is_saved(spec, running, browser):
    from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    text = _with_duties(spec.read_text(encoding="utf-8"), INJECTED)
    spec.write_text(text, encoding="utf-8")
    server = running(spec)
    browser.get(server.url)
    wait = WebDriverWait(browser, 15, ignored_exceptions=(StaleElementReferenceException,))

    def cell(label: str) -> str:
        return browser.execute_script(CELL, label)

    def finding(code: str) -> dict | None:
        return browser.execute_script(FINDING, code)

    def content() -> str:
        return browser.execute_script("return document.getElementById('content').innerText;")

    wait.until(lambda d: "正在监视文件" in d.find_element(By.ID, "state").text)  # the event stream is open
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    assert cell("收入合计") == "930.09" and cell("支出合计") == "930.09"
    duties = browser.find_element(By.XPATH, '//dt[.="职能职责"]/following-sibling::dd[1]')
    assert duties.get_attribute("textContent") == INJECTED  # shown as text, never run
    assert "<script>alert" not in browser.page_source
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    browser.execute_script("window.sameDocument = true;")  # gone if the page were reloaded
    browser.find_element(By.CSS_SELECTOR, "details.unit > summary").click()  # opened by the reader: stays open

    # 1. an amount: 支出合计 becomes 964.00, and 收入 no longer matches it (E-BALANCE, at the 收入 line)
    text = text.replace("  - 金额: 466.09", "  - 金额: 500.00")
    spec.write_text(text, encoding="utf-8")
    balance = str(_line_of(text, "收入:"))
    wait.until(lambda d: cell("支出合计") == "964.00" and (finding("E-BALANCE") or {}).get("line") == balance)
    found = finding("E-BALANCE")
    assert found and "错误" in found["text"] and f"{spec}:{balance}:1" in found["text"] and "收支不平衡" in found["text"]
    assert cell("收入合计") == "930.09"
    assert browser.execute_script("return document.querySelector('details.unit').open;")
    with pytest.raises(StaleElementReferenceException):  # the content was replaced in place
        duties.get_attribute("textContent")

    # 2. a misspelt key: the spec no longer loads; its finding, at its line, instead of the tables
    text = text.replace("  性质: 行政", "  性制: 行政")
    spec.write_text(text, encoding="utf-8")
    typo = str(_line_of(text, "  性制: 行政"))
    wait.until(lambda d: (finding("E-SCHEMA-UNKNOWN-KEY") or {}).get("line") == typo)
    found = finding("E-SCHEMA-UNKNOWN-KEY")
    assert found and "未知的键「性制」" in found["text"] and "性制: 行政" in found["source"]
    assert "规格无法读取" in content() and not cell("支出合计")

    # 3. deleted, then back
    spec.unlink()
    wait.until(lambda d: "找不到规格" in content())
    spec.write_text(text.replace("  性制: 行政", "  性质: 行政"), encoding="utf-8")
    wait.until(lambda d: cell("支出合计") == "964.00")

    assert browser.execute_script("return window.sameDocument === true;")  # all without a reload
    assert "<script>alert" not in browser.page_source
