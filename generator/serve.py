"""`serve`: a local preview of specs that updates itself as they are saved.

One page shows, for each spec, its findings (with the YAML line each points at) and its main tables. A watcher
thread polls the spec files (mtime, size, inode) every few tenths of a second; when one changes it checks the
specs again (through `api.check`, as `yusuan check` does) and renders a new fragment, and every open page hears
of it over server-sent events (/events) and fetches the fragment (/fragment) in place: no reload by hand.

Everything that comes from a spec is HTML-escaped; the page's script and styles are static files (/app.js,
/style.css) that never contain spec text, and the Content-Security-Policy allows no inline script at all. By
default the server listens on 127.0.0.1 only and answers only requests addressed to this computer.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from . import api
from .checks import Checked
from .department import Department
from .figures import Figures
from .findings import Finding
from .money import show as money
from .report import source_window

UNKNOWN = "—"
INTERVAL = 0.3  # seconds between looks at the spec files
KEEPALIVE = 15.0  # seconds between comments on an idle event stream (so proxies and browsers keep it open)
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]", "::1")
SEVERITY = {"error": "错误", "warning": "警告"}
OPEN_WARNINGS = 5  # a spec's warnings are shown unfolded up to so many


# --- the HTML --------------------------------------------------------------------------------------------

def e(value: object) -> str:
    """Spec text (and anything else) as HTML text or attribute value."""
    return escape("" if value is None else str(value), quote=True)


def _m(value: Decimal | None, blank_zero: bool = False) -> str:
    return UNKNOWN if value is None else money(value, blank_zero=blank_zero)


def _table(title: str, head: Sequence[str], rows: Iterable[Sequence[str]], align: str = "tn",
           classes: Sequence[str] = (), key: str = "") -> str:
    """A table; `align` says of each column whether it is text (t) or numbers (n, right-aligned); the last
    letter goes for the columns after. Cells are HTML already."""
    kinds = ["text" if (align[i] if i < len(align) else align[-1]) == "t" else "num" for i in range(len(head))]
    cols = "".join(f'<th class="{kinds[i]}">{e(h)}</th>' for i, h in enumerate(head))
    body = []
    for n, row in enumerate(rows):
        cls = f' class="{classes[n]}"' if n < len(classes) and classes[n] else ""
        cells = "".join(f'<td class="{kinds[i]}">{c}</td>' for i, c in enumerate(row))
        body.append(f"<tr{cls}>{cells}</tr>")
    return (f'<figure class="table" data-table="{e(key or title)}"><figcaption>{e(title)}</figcaption>'
            f'<table><thead><tr>{cols}</tr></thead><tbody>{"".join(body)}</tbody></table></figure>')


def tables_html(fig: Figures) -> str:
    """The main tables, the same figures `yusuan show` prints."""
    spec = fig.spec
    parts = []
    rows: list[tuple[str, str]] = []
    if spec.income is not None:
        for name, amount in fig.income_sources.items():
            rows.append((e(f"收入：{name}"), _m(amount)))
        for fund, amount in fig.carryover.items():
            rows.append((e(f"收入：上年结转（{fund}）"), _m(amount)))
        rows.append(("收入合计", _m(fig.income_total)))
    for label, expr in (("支出：基本支出", "基本支出"), ("　其中：人员经费", "人员经费"), ("　　　　公用经费", "公用经费"),
                        ("支出：项目支出", "项目支出")):
        rows.append((label, _m(fig.value(expr))))
    rows.append(("支出合计", _m(fig.total)))
    strong = ["total" if label in ("收入合计", "支出合计") else "" for label, _ in rows]
    parts.append(_table("收支总体", ["项目", "金额"], rows, classes=strong))

    if fig.dim_known("功能"):
        fn = fig.rollup("功能", ["", "基本支出", "项目支出"])
        parts.append(_table("支出功能分类", ["编码", "科目名称", "合计", "基本支出", "项目支出"],
                            [(e(r.code or ""), e(r.name), *(_m(v, True) for v in r.values)) for r in fn], "ttn",
                            [f"level-{r.level}" if r.level else "" for r in fn]))
    else:
        parts.append('<p class="note">支出功能分类：规格未填功能科目</p>')
    if fig.dim_known("部门经济", "基本支出"):
        ec = fig.rollup("部门经济", ["", "人员经费", "公用经费"], "基本支出")
        parts.append(_table("基本支出经济分类（部门预算经济分类）", ["编码", "科目名称", "合计", "人员经费", "公用经费"],
                            [(e(r.code or ""), e(r.name), *(_m(v, True) for v in r.values)) for r in ec], "ttn",
                            [f"level-{r.level}" if r.level else "" for r in ec], key="基本支出经济分类"))
    else:
        parts.append('<p class="note">基本支出经济分类：规格未填经济科目</p>')

    other = [(e(f"“三公”经费：{name}" if name != "三公经费" else "“三公”经费合计"), _m(value))
             for name, value in fig.sangong().items()]
    other.append(("机关运行经费", _m(fig.value("机关运行经费"))))
    other += [(e(f"政府采购：{kind}"), _m(value)) for kind, value in fig.procurement().items()]
    other.append(("政府购买服务", _m(fig.services_total)))
    parts.append(_table("“三公”经费、机关运行经费与政府采购", ["项目", "金额"], other, key="三公经费"))

    if spec.projects:
        parts.append(_table(f"项目（{len(spec.projects)} 个，合计 {money(fig.projects_total)}）",
                            ["项目名称", "金额", "功能科目", "指标"],
                            [(e(p.name), money(p.amount), e(p.function or UNKNOWN), str(len(p.indicators)))
                             for p in spec.projects], "tntn", key="项目"))
    else:
        parts.append('<p class="note">项目：规格中没有项目</p>')
    changes = fig.changes()
    if changes:
        parts.append(_table("上年对比", ["项目", "本年", "上年", "增减", "增减率"],
                            [(e(name), money(c.current), money(c.prior), e(f"{c.direction} {money(abs(c.diff))}"),
                              "" if c.percent is None else e(f"{c.percent}%")) for name, c in changes.items()],
                            key="上年对比"))
    return "".join(parts)


def _source(file: str, cache: dict[str, list[str] | None]) -> list[str] | None:
    if file not in cache:
        try:
            cache[file] = Path(file).read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError):
            cache[file] = None
    return cache[file]


def finding_html(f: Finding, file: str, cache: dict[str, list[str] | None]) -> str:
    where = ":".join(str(x) for x in (f.file or file, f.line, f.column or (1 if f.line else None)) if x)
    out = [f'<li class="finding {e(f.severity)}" data-code="{e(f.code)}" data-line="{e(f.line or "")}">',
           f'<div class="head"><span class="severity">{SEVERITY.get(f.severity, e(f.severity))}</span> '
           f'<code class="code">{e(f.code)}</code> <span class="where">{e(where)}</span></div>',
           f'<p class="message">{e(f.message)}</p>']
    if f.path:
        out.append(f'<p class="path">位置：{e(f.path)}</p>')
    lines = _source(f.file or file, cache) if f.line else None
    if f.line and lines and f.line <= len(lines):
        around = 2 if f.code == "E-YAML-SYNTAX" else 0
        src = []
        for n in range(max(1, f.line - around), min(len(lines), f.line + around) + 1):
            text, col = source_window(lines[n - 1], (f.column or 1) if n == f.line else 1)
            if n == f.line:
                i = max(0, min(col - 1, len(text)))
                ch = text[i:i + 1] or " "
                body = f'{e(text[:i])}<mark>{e(ch)}</mark>{e(text[i + 1:])}'
            else:
                body = e(text)
            src.append(f'<span class="line{" hit" if n == f.line else ""}"><span class="ln">{n}</span>{body}</span>')
        out.append(f'<pre class="source">{"".join(src)}</pre>')
    if f.hint:
        out.append(f'<p class="hint">提示：{e(f.hint)}</p>')
    out.append("</li>")
    return "".join(out)


def _counts(findings: Sequence[Finding]) -> tuple[int, int]:
    errors = sum(f.is_error for f in findings)
    return errors, len(findings) - errors


def spec_html(index: int, file: str, findings: Sequence[Finding], checked: Checked | Department | None,
              cache: dict[str, list[str] | None]) -> str:
    spec = checked.spec if checked is not None else None
    figures = checked.figures if checked is not None else None
    errors, warnings = _counts(findings)
    title = spec.unit.name if spec is not None else Path(file).name
    year = f" <small>{e(spec.year)} 年</small>" if spec is not None else ""
    status = "error" if errors else "warning" if warnings else "ok"
    out = [f'<section class="spec {status}" id="spec-{index}" data-file="{e(file)}">',
           f'<h2>{e(title)}{year}</h2><p class="file">{e(file)}</p>']
    if spec is not None:
        fmt = f"{checked.format.name}（{checked.format.title}）" if checked is not None and checked.format is not None \
            else spec.format
        facts = [("性质", spec.unit.kind), ("格式", fmt),
                 ("金额单位", "万元（规格中写作元的已换算）" if spec.money_unit == "元" else "万元")]
        rows = "".join(f"<dt>{k}</dt><dd>{e(v or UNKNOWN)}</dd>" for k, v in facts)
        if spec.unit.duties:
            rows += f'<dt>职能职责</dt><dd><div class="text">{e(spec.unit.duties)}</div></dd>'
        out.append(f'<details class="unit" data-key="{e(file)}#unit"><summary>单位概况</summary><dl>{rows}</dl></details>')
    if findings:
        items = sorted(findings, key=lambda f: (f.line or 0, f.column or 0, f.code))
        out.append(f"<h3>问题：{errors} 个错误，{warnings} 个警告</h3>")
        if errors:
            out.append('<ol class="findings errors">'
                       + "".join(finding_html(f, file, cache) for f in items if f.is_error) + "</ol>")
        if warnings:  # many warnings would push the tables far down: folded, unless there are few
            out.append(f'<details class="warnings" data-key="{e(file)}#warnings"{" open" if warnings <= OPEN_WARNINGS else ""}>'
                       f'<summary>{warnings} 个警告</summary><ol class="findings">'
                       + "".join(finding_html(f, file, cache) for f in items if not f.is_error) + "</ol></details>")
    else:
        out.append('<p class="clean">✓ 没有问题</p>')
    if figures is not None:
        if errors:
            out.append(f'<p class="caution">此规格有 {errors} 个错误，以下数字仅供参考。</p>')
        out.append(f'<h3>主要数字 <small>（金额单位：万元）</small></h3><div class="tables">{tables_html(figures)}</div>')
    else:
        out.append('<p class="caution">规格无法读取，没有数字可显示；改正上面的错误并保存后，这里会显示主要表格。</p>')
    out.append("</section>")
    return "".join(out)


def _figures_by_file(checks: Iterable[Checked | Department]) -> dict[str, Checked | Department]:
    out: dict[str, Checked | Department] = {}
    for c in checks:
        out[str(c.path)] = c
        if isinstance(c, Department):
            for m in c.members:
                out.setdefault(str(m.path), m)
    return out


def report_html(report: api.CheckReport) -> str:
    by_file = _figures_by_file(report.checked)
    cache: dict[str, list[str] | None] = {}
    out = []
    if len(report.files) > 1:
        items = []
        for i, r in enumerate(report.files, 1):
            errors, warnings = _counts(r.findings)
            checked = by_file.get(r.file)
            name = checked.spec.unit.name if checked is not None and checked.spec is not None else Path(r.file).name
            badge = (f'<span class="badge error">{errors} 个错误</span>' if errors else "") + \
                    (f'<span class="badge warning">{warnings} 个警告</span>' if warnings else "") + \
                    ("" if errors or warnings else '<span class="badge ok">✓</span>')
            items.append(f'<li><a href="#spec-{i}">{e(name)}</a> <span class="file">{e(r.file)}</span> {badge}</li>')
        out.append(f'<nav class="specs"><h2>规格</h2><ul>{"".join(items)}</ul></nav>')
    for i, r in enumerate(report.files, 1):
        out.append(spec_html(i, r.file, r.findings, by_file.get(r.file), cache))
    return "".join(out)


def message_html(title: str, detail: str, kind: str = "gone") -> str:
    return (f'<section class="message {e(kind)}"><h2>{e(title)}</h2>'
            f"<p>{e(detail)}</p><p>恢复或改正后保存，页面会自动更新。</p></section>")


def fragment_html(summary: str, body: str, when: str) -> str:
    return f'<p class="meta">检查于 {e(when)}{" · " + e(summary) if summary else ""}</p>{body}'


PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header class="bar"><h1>yusuan 预览</h1><span class="watching">{watching}</span>
<span id="state" class="state">正在连接…</span></header>
<main id="content" data-version="{version}" aria-live="polite">{content}</main>
<footer>保存规格文件后，本页自动更新（无需刷新）。</footer>
<script src="/app.js"></script>
</body>
</html>
"""

# Static: never formatted with anything from a spec.
SCRIPT = """'use strict';
(function () {
  var content = document.getElementById('content');
  var state = document.getElementById('state');
  var shown = content.getAttribute('data-version');
  var busy = false, again = false;
  var folded = {};  // what the reader opened or closed: kept when the content is replaced
  content.addEventListener('toggle', function (event) {
    var key = event.target.getAttribute && event.target.getAttribute('data-key');
    if (key) { folded[key] = event.target.open; }
  }, true);
  function say(text, cls) { state.textContent = text; state.className = 'state ' + cls; }
  function load() {
    if (busy) { again = true; return; }
    busy = true;
    fetch('/fragment', {cache: 'no-store'}).then(function (r) {
      var version = r.headers.get('X-Yusuan-Version');
      return r.text().then(function (html) {
        content.innerHTML = html;
        content.querySelectorAll('details[data-key]').forEach(function (d) {
          var key = d.getAttribute('data-key');
          if (Object.prototype.hasOwnProperty.call(folded, key)) { d.open = folded[key]; }
        });
        shown = version;
        content.setAttribute('data-version', version);
        say('已更新 ' + new Date().toLocaleTimeString('zh-CN', {hour12: false}), 'live');
      });
    }).catch(function () { say('更新失败，稍后重试', 'down'); })
      .then(function () { busy = false; if (again) { again = false; load(); } });
  }
  var events = new EventSource('/events');
  events.addEventListener('open', function () { say('正在监视文件', 'live'); });
  events.addEventListener('error', function () { say('与 yusuan serve 的连接中断，正在重连…', 'down'); });
  events.addEventListener('change', function (event) { if (event.data !== shown) { load(); } });
})();
"""

STYLE = """:root { --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --bg: #f6f8fa; --err: #cf222e; --warn: #9a6700;
  --ok: #1a7f37; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; line-height: 1.55;
  font: 15px/1.55 "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Source Han Sans SC", sans-serif; }
.bar { position: sticky; top: 0; z-index: 1; display: flex; gap: 1em; align-items: baseline; padding: .6em 1.5em;
  background: #fff; border-bottom: 1px solid var(--line); }
.bar h1 { margin: 0; font-size: 1.1em; }
.watching { color: var(--muted); font-size: .9em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.state { margin-left: auto; font-size: .85em; color: var(--muted); white-space: nowrap; }
.state.live::before { content: "● "; color: var(--ok); }
.state.down::before { content: "● "; color: var(--err); }
main { max-width: 72em; margin: 0 auto; padding: 1em 1.5em 3em; }
footer { color: var(--muted); font-size: .85em; text-align: center; padding: 1em; }
.meta, .file { color: var(--muted); font-size: .85em; margin: .2em 0; }
nav.specs ul { list-style: none; padding: 0; }
nav.specs li { padding: .2em 0; }
nav.specs h2 { font-size: 1em; }
a { color: var(--accent); }
section.spec { border-top: 2px solid var(--line); margin-top: 1.5em; padding-top: .5em; }
section.spec.error { border-top-color: var(--err); }
section.spec h2 { margin: .3em 0 0; font-size: 1.35em; }
section.spec h2 small, h3 small { color: var(--muted); font-weight: normal; font-size: .75em; }
h3 { font-size: 1.05em; margin: 1.2em 0 .5em; }
details { margin: .5em 0; }
details > summary { cursor: pointer; color: var(--muted); }
details.warnings > summary { color: var(--warn); font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; margin: .5em 0; }
dt { color: var(--muted); }
dd { margin: 0; }
.text { white-space: pre-wrap; }
.badge { display: inline-block; font-size: .8em; padding: 0 .5em; border-radius: 1em; margin-left: .3em; }
.badge.error { background: #ffebe9; color: var(--err); }
.badge.warning { background: #fff8c5; color: var(--warn); }
.badge.ok { background: #dafbe1; color: var(--ok); }
.clean { color: var(--ok); }
.caution { color: var(--err); }
.note { color: var(--muted); }
ol.findings { list-style: none; padding: 0; margin: 0; }
.finding { border-left: 4px solid var(--warn); background: var(--bg); padding: .5em .9em; margin: .6em 0; border-radius: 0 6px 6px 0; }
.finding.error { border-left-color: var(--err); }
.finding .head { font-size: .9em; }
.finding .severity { font-weight: bold; color: var(--warn); }
.finding.error .severity { color: var(--err); }
.finding .code { font-size: .95em; }
.finding .where { color: var(--muted); font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9em; }
.finding p { margin: .2em 0; }
.finding .path { color: var(--muted); font-size: .85em; }
.finding .hint { color: #0550ae; font-size: .9em; }
pre.source { background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: .3em .6em; margin: .3em 0;
  overflow-x: auto; font: .9em/1.5 ui-monospace, "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace; }
pre.source .line { display: block; }
pre.source .line.hit { background: #fff5f5; }
pre.source .ln { display: inline-block; min-width: 3.5em; color: var(--muted); user-select: none; }
pre.source mark { background: #ffcecb; color: inherit; border-bottom: 2px solid var(--err); }
.tables { display: flex; flex-wrap: wrap; gap: 1em 2em; align-items: flex-start; }
figure.table { margin: 0; }
figcaption { font-weight: bold; margin-bottom: .3em; }
table { border-collapse: collapse; font-size: .92em; }
th, td { border-bottom: 1px solid var(--line); padding: .25em .7em; }
th { background: var(--bg); text-align: left; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: bold; }
tr.level-类 td { font-weight: 600; }
tr.level-款 td.text:nth-child(2) { padding-left: 1.7em; }
tr.level-项 td.text:nth-child(2) { padding-left: 2.7em; }
section.message { border: 1px solid var(--err); background: #ffebe9; border-radius: 6px; padding: .5em 1em; margin-top: 1em; }
section.message h2 { font-size: 1.1em; margin: .3em 0; color: var(--err); }
"""

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


# --- watching and rendering -----------------------------------------------------------------------------

Stamp = dict[str, tuple[int, int, int, str] | None]
RACY = 2.0  # seconds: a file changed so recently may change again within its mtime's granularity, unseen


def _stat(path: Path) -> tuple[int, int, int, str] | None:
    """A file's mtime, size and inode; for a file changed in the last RACY seconds, also its content's digest
    (two saves of the same size within one tick of the file system's clock have the same mtime)."""
    try:
        st = path.stat()
        digest = ""
        if time.time_ns() - st.st_mtime_ns < RACY * 1e9 and path.is_file():
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino, digest


def _same(old: Stamp, new: Stamp) -> bool:
    """Whether no file changed: the same files with the same mtime, size and inode, and the same content where
    both looks read it."""
    if old.keys() != new.keys():
        return False
    for key, a in old.items():
        b = new[key]
        if a is None or b is None:
            if a is not b:
                return False
        elif a[:3] != b[:3] or (a[3] and b[3] and a[3] != b[3]):
            return False
    return True


class Preview:
    """The specs being previewed: checked again whenever one of their files changes, rendered once per change.

    `paths` and `templates` are checked at once (SpecNotFound, TemplatesNotFound: the command cannot run);
    after that nothing raises: a spec deleted or broken while watched is a message on the page."""

    def __init__(self, paths: Iterable[api.PathLike], codes: api.PathLike | None = None, format: str | None = None,
                 templates: api.PathLike | None = None, interval: float = INTERVAL):
        self.paths = [Path(p) for p in paths]
        api.spec_paths(self.paths)
        self.templates = api.templates_folder(templates)
        self.codes = None if codes is None else Path(codes)
        self.format = format
        self.interval = interval
        self.token = secrets.token_hex(4)  # a page from an earlier run of the server is never taken as current
        self.changed = threading.Condition()
        self.stopped = threading.Event()
        self._count = 0
        self._html = ""
        self._shown: tuple[str, str] | None = None  # the summary and body of the fragment (without its time)
        self._stamp: Stamp | None = None
        self._watched: set[Path] = set()
        self._lock = threading.Lock()  # one render at a time
        self._thread: threading.Thread | None = None
        self.refresh()

    @property
    def version(self) -> str:
        return f"{self.token}-{self._count}"

    def current(self) -> tuple[str, str]:
        """The latest fragment and its version."""
        with self.changed:
            return self.version, self._html

    def wait(self, seen: str | None, timeout: float) -> str:
        """The version, once it is no longer `seen` (or on stop, or after `timeout` seconds)."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen or self.stopped.is_set(), timeout)
            return self.version

    def _files(self) -> set[Path]:
        files = set(self._watched)
        for path in self.paths:
            if path.is_dir():
                files.update(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
            else:
                files.add(path)
        if self.codes is not None:
            files.add(self.codes)
        for f in list(files):  # the local code lists that apply (yusuan-codes.yaml beside a spec or above it)
            files.update(parent / "yusuan-codes.yaml" for parent in f.absolute().parents)
        return files

    def stamp(self, files: Iterable[Path] | None = None) -> Stamp:
        return {str(f): _stat(f) for f in (self._files() if files is None else files)}

    def refresh(self) -> bool:
        """Check and render again if a file changed since the last time; whether it did."""
        with self._lock:
            before = self.stamp()
            if self._stamp is not None and _same(self._stamp, before):
                return False
            summary, body, watched = self.render()
            self._watched = watched
            stamp = {**self.stamp(), **before}  # files first seen in this check (a 部门's units): as they are now
            with self.changed:
                self._stamp = stamp
                if (summary, body) == self._shown:  # saved without a change that shows (or read mid-write before)
                    return False
                self._shown = summary, body
                self._html = fragment_html(summary, body, dt.datetime.now().strftime("%H:%M:%S"))
                self._count += 1
                self.changed.notify_all()
            return True

    def render(self) -> tuple[str, str, set[Path]]:
        """The specs as they are now: a one-line summary, the HTML, and the files that went into it."""
        try:
            report = api.check(*self.paths, codes=self.codes, format=self.format, templates=self.templates)
        except api.SpecNotFound as exc:
            problems = [f"{f.file}：{f.message}" for f in exc.findings] or [str(exc)]
            return "", message_html("找不到规格", "；".join(problems)), set()
        except api.YusuanError as exc:
            return "", message_html("无法检查", str(exc)), set()
        except Exception as exc:  # a bug of ours must not stop the preview: say so, and go on watching
            traceback.print_exc(file=sys.stderr)
            return "", message_html("yusuan 内部错误", f"{type(exc).__name__}: {exc}", "bug"), set()
        summary = f"{len(report.files)} 个文件：{report.errors} 个错误，{report.warnings} 个警告"
        return summary, report_html(report), {Path(r.file) for r in report.files}

    def watch(self) -> None:
        """Poll the files until stopped (in a thread of its own)."""
        while not self.stopped.wait(self.interval):
            try:
                self.refresh()
            except Exception:  # never let the watcher die: the next look tries again
                traceback.print_exc(file=sys.stderr)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self.watch, name="yusuan-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self.stopped.set()
        with self.changed:
            self.changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def page(self) -> str:
        version, html = self.current()
        watching = "、".join(str(p) for p in self.paths)
        return PAGE.format(title=e(f"yusuan 预览：{watching}"), watching=e(f"监视：{watching}"), version=e(version),
                           content=html)


# --- the server -----------------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "yusuan-serve"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the terminal shows the URL, not every request
        pass

    def _send(self, status: int, body: str, ctype: str = "text/html; charset=utf-8",
              extra: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self._common(extra)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _common(self, extra: dict[str, str] | None = None) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", CSP)
        for k, v in (extra or {}).items():
            self.send_header(k, v)

    def _host_ok(self) -> bool:
        """On a loopback address, only requests addressed to this computer (no DNS rebinding from a web page)."""
        if not self.server.local:
            return True
        host = (self.headers.get("Host") or "").strip().lower()
        if host.startswith("["):
            name = host[: host.find("]") + 1] if "]" in host else host
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return name in LOCAL_NAMES

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        if not self._host_ok():
            self._send(HTTPStatus.FORBIDDEN, "只接受本机的访问（请用 http://127.0.0.1 打开）", "text/plain; charset=utf-8")
            return
        path = self.path.split("?", 1)[0]
        preview = self.server.preview
        if path in ("/", "/index.html"):
            self._send(HTTPStatus.OK, preview.page())
        elif path == "/fragment":
            version, html = preview.current()
            self._send(HTTPStatus.OK, html, extra={"X-Yusuan-Version": version})
        elif path == "/events":
            self._events()
        elif path == "/app.js":
            self._send(HTTPStatus.OK, SCRIPT, "text/javascript; charset=utf-8")
        elif path == "/style.css":
            self._send(HTTPStatus.OK, STYLE, "text/css; charset=utf-8")
        elif path == "/favicon.ico":
            self.send_response(HTTPStatus.NO_CONTENT)
            self._common()
            self.end_headers()
        else:
            self._send(HTTPStatus.NOT_FOUND, "没有这个页面", "text/plain; charset=utf-8")

    def _events(self) -> None:
        """Server-sent events: `change` with the current version at once and after every change."""
        preview = self.server.preview
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self._common({"Connection": "close"})
        self.end_headers()
        if self.command == "HEAD":
            return
        sent = None
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while not preview.stopped.is_set():
                version = preview.wait(sent, KEEPALIVE)
                if preview.stopped.is_set():
                    break
                if version != sent:
                    self.wfile.write(f"event: change\ndata: {version}\n\n".encode())
                    sent = version
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
            pass  # the page was closed


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, preview: Preview, host: str = "127.0.0.1", port: int = 0):
        self.preview = preview
        self.host = host
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.local = host in LOCAL_NAMES or host.startswith("127.")
        self._thread: threading.Thread | None = None
        super().__init__((host.strip("[]"), port), Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        host = self.host.strip("[]")
        if host in ("", "0.0.0.0", "::"):
            host = "127.0.0.1"
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}/"

    def run(self, on_stop: Callable[[], None] | None = None) -> None:
        """Serve (and watch) until Ctrl-C."""
        self.preview.start()
        try:
            self.serve_forever(poll_interval=0.25)
        except KeyboardInterrupt:
            pass
        finally:
            self.preview.stop()
            self.server_close()
            if on_stop:
                on_stop()

    def start(self) -> None:
        """Serve (and watch) in the background, for tests and scripts; `close` stops."""
        self.preview.start()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="yusuan-serve", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.preview.stop()
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
        self.server_close()


def serve(paths: Iterable[api.PathLike], host: str = "127.0.0.1", port: int = 0, codes: api.PathLike | None = None,
          format: str | None = None, templates: api.PathLike | None = None,
          interval: float = INTERVAL) -> PreviewServer:
    """A preview server for `paths`, bound but not yet serving (`run()` or `start()`). Raises SpecNotFound,
    TemplatesNotFound, OSError (the address is taken)."""
    return PreviewServer(Preview(paths, codes, format, templates, interval), host, port)
