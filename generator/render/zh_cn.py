"""Simplified-Chinese language tags and theme fonts for template parts.

A template drawn in an English or Japanese Word or Excel (python-docx's and openpyxl's defaults among them)
says its East-Asian text is en-US or ja-JP and lets its theme pick Japanese faces; LibreOffice then sets
every Chinese character in a Japanese font. Every template is localised once, as it is read: w:lang
eastAsia="zh-CN" (docDefaults and wherever a part names an East-Asian language), w:themeFontLang
eastAsia="zh-CN", and theme fonts whose East-Asian face and `Hans` entry are a Simplified-Chinese face.
Latin and complex-script settings are kept; a part that needs no change keeps its bytes."""
from __future__ import annotations

import re

from lxml import etree

LANG = "zh-CN"
HANS_FACE = "宋体"  # the SC face Chinese Office themes name; our PDF conversion maps it to a free SC serif
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS = {"w": W, "a": A}
THEME = re.compile(r"(word|xl)/theme/[^/]+\.xml")
STYLES = re.compile(r"word/(glossary/)?styles(WithEffects)?\.xml")
# Children that follow w:lang in w:rPr and w:themeFontLang in w:settings (OOXML keeps a fixed order).
AFTER_LANG = ("eastAsianLayout", "specVanish", "oMath", "rPrChange")
AFTER_THEME_FONT_LANG = ("clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
                         "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "shapeDefaults",
                         "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")


def localise(parts: dict[str, bytes]) -> dict[str, bytes]:
    """The package's parts with Simplified-Chinese language tags and theme fonts."""
    return {name: _part(name, data) for name, data in parts.items()}


def _part(name: str, data: bytes) -> bytes:
    if THEME.fullmatch(name):
        edit = _theme
    elif STYLES.fullmatch(name):
        edit = _styles
    elif name == "word/settings.xml":
        edit = _settings
    elif name.startswith("word/") and name.endswith(".xml") and b"<w:lang " in data:
        edit = _languages
    else:
        return data
    root = etree.fromstring(data)
    if not edit(root):
        return data
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _languages(root: etree._Element) -> bool:
    """Every East-Asian language a part names becomes zh-CN."""
    changed = False
    for lang in root.iter(f"{{{W}}}lang"):
        if lang.get(f"{{{W}}}eastAsia") not in (None, LANG):
            lang.set(f"{{{W}}}eastAsia", LANG)
            changed = True
    return changed


def _styles(root: etree._Element) -> bool:
    """The document default is zh-CN (whatever language the template's Word had), and so is every style's."""
    changed = _languages(root)
    defaults = _child(root, "docDefaults", before=("latentStyles", "style"))
    run = _child(_child(defaults, "rPrDefault", before=("pPrDefault",)), "rPr", before=())
    lang = _child(run, "lang", before=AFTER_LANG)
    if lang.get(f"{{{W}}}eastAsia") != LANG:
        lang.set(f"{{{W}}}eastAsia", LANG)
        changed = True
    return changed


def _settings(root: etree._Element) -> bool:
    """Theme fonts are resolved for zh-CN: Word and LibreOffice pick the theme's `Hans` face."""
    lang = _child(root, "themeFontLang", before=AFTER_THEME_FONT_LANG)
    if lang.get(f"{{{W}}}eastAsia") == LANG:
        return False
    lang.set(f"{{{W}}}eastAsia", LANG)
    return True


def _theme(root: etree._Element) -> bool:
    """Major and minor fonts: a `Hans` entry naming an SC face, and that face as the East-Asian font."""
    changed = False
    for scheme in root.iterfind(".//a:fontScheme/*", NS):
        if scheme.tag not in (f"{{{A}}}majorFont", f"{{{A}}}minorFont"):
            continue
        hans = scheme.find("a:font[@script='Hans']", NS)
        if hans is None:
            hans = etree.Element(f"{{{A}}}font", script="Hans")
            ext = scheme.find("a:extLst", NS)
            if ext is not None:
                ext.addprevious(hans)
            else:
                scheme.append(hans)
        if not hans.get("typeface"):
            hans.set("typeface", HANS_FACE)
            changed = True
        ea = scheme.find("a:ea", NS)
        if ea is None:
            ea = etree.Element(f"{{{A}}}ea")
            scheme.insert(1, ea)  # the schema's order: a:latin, a:ea, a:cs, a:font…
        if ea.get("typeface") != hans.get("typeface"):
            ea.set("typeface", hans.get("typeface"))
            changed = True
    return changed


def _child(parent: etree._Element, name: str, before: tuple[str, ...]) -> etree._Element:
    """`parent`'s w:`name` child; if missing, created before the first sibling that must follow it (one
    of `before`, or an extension element of another namespace)."""
    found = parent.find(f"w:{name}", NS)
    if found is not None:
        return found
    child = etree.Element(f"{{{W}}}{name}")
    for sibling in parent:
        if not isinstance(sibling.tag, str):  # a comment
            continue
        qname = etree.QName(sibling)
        if qname.namespace != W or qname.localname in before:
            sibling.addprevious(child)
            break
    else:
        parent.append(child)
    return child
