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
BLOCK = re.compile(r"(<!-- codes -->\n)(?:.*?\n)?(<!-- /codes -->)", re.DOTALL)


def with_table(text: str) -> str:
    if not BLOCK.search(text):
        raise SystemExit("README.md has no <!-- codes --> … <!-- /codes --> block")
    return BLOCK.sub(lambda m: m.group(1) + code_table() + "\n" + m.group(2), text)


if __name__ == "__main__":
    README.write_text(with_table(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(README)
