"""Rich text pasted from a budget system, made plain once, at load.

Budget systems export 项目概况, 立项依据, 绩效目标 … as HTML fragments (`<p>…</p><p>…</p>`, `<br>`, `&nbsp;`). A
form prints their words, one paragraph per line, never the tags. Only the tags such exports use are removed, so
text that merely contains `<` (`<3%`, `a<b`) stays as written.
"""
from __future__ import annotations

import html
import re

_INLINE = r"span|font|b|strong|i|em|u|s|strike|sup|sub|a|o:p"
_BLOCK = r"p|div|li|ul|ol|h[1-6]|table|tr|td|th|tbody|thead|blockquote"
_TAG = re.compile(rf"<\s*(/?)\s*({_INLINE}|{_BLOCK}|br)\b[^<>]*?/?\s*>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:nbsp|amp|lt|gt|quot|apos|#\d{1,6}|#x[0-9a-fA-F]{1,5});")


def has_markup(text: str) -> bool:
    return bool(_TAG.search(text) or _ENTITY.search(text))


def plain(text: str) -> str:
    """The words of an HTML fragment: block ends and `<br>` become line breaks, other tags go, entities are
    read; text without tags or entities comes back unchanged."""
    if not has_markup(text):
        return text

    def tag(m: re.Match) -> str:
        name = m.group(2).lower()
        if name == "br" or (m.group(1) and re.fullmatch(_BLOCK, name)):
            return "\n"
        return ""

    words = _TAG.sub(tag, text)
    words = _ENTITY.sub(lambda m: html.unescape(m.group()), words).replace("\xa0", " ")
    lines = [line.strip() for line in words.split("\n")]
    return "\n".join(line for line in lines if line)
