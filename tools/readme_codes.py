"""Write the README's table of finding codes from the registry (generator/registry.py), between the
`<!-- codes -->` and `<!-- /codes -->` markers. Usage: python tools/readme_codes.py"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.registry import code_table  # noqa: E402

README = ROOT / "README.md"


def with_block(text: str, name: str, content: str) -> str:
    """`text` with `content` between its `<!-- name -->` and `<!-- /name -->` lines (the README's generated
    parts; tools/readme_formats.py writes another)."""
    block = re.compile(rf"(<!-- {name} -->\n)(?:.*?\n)?(<!-- /{name} -->)", re.DOTALL)
    if not block.search(text):
        raise SystemExit(f"README.md has no <!-- {name} --> … <!-- /{name} --> block")
    return block.sub(lambda m: m.group(1) + content + "\n" + m.group(2), text)


def with_table(text: str) -> str:
    return with_block(text, "codes", code_table())


if __name__ == "__main__":
    README.write_text(with_table(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(README)
