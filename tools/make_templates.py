"""Make the xlsx template workbooks under templates/xlsx/<format>/ (run once when adding or reshaping a
format; afterwards restyle the workbooks themselves). Usage: python tools/make_templates.py [NAME…] — with names
(a format such as `hunan`, or a file such as `汇总.xlsx`), only the templates whose path starts with one of them."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import docs_forms
import docs_narrative
import forms_batch
import forms_chongqing
import forms_hunan
import forms_mof
import forms_quji
from docx_forms import save as save_docx
from xlsx_forms import save, stable

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
ROOT = TEMPLATES / "xlsx"
WORKBOOKS = {
    "mof/部门预算公开表.xlsx": forms_mof.forms,
    "汇总.xlsx": forms_batch.forms,
}
# workbooks whose money cells have a number format of their own: drawn and saved by their module
SAVED = {
    "chongqing/部门预算公开表.xlsx": forms_chongqing.save_chongqing,
    "hunan/部门预算公开表.xlsx": forms_hunan.save_hunan,
    "quji/部门预算公开表.xlsx": forms_quji.save_quji,
    "quji2/部门预算公开表.xlsx": forms_quji.save_quji2,
}

DOCUMENTS = {
    "chongqing/部门预算情况说明.docx": docs_narrative.chongqing,
    "mof/部门预算情况说明.docx": docs_narrative.generic,
    "quji/部门预算情况说明.docx": docs_narrative.district,
    "zhuzhou/绩效目标表.docx": docs_forms.zhuzhou,
    "shenzhen/项目支出绩效目标表.docx": docs_forms.shenzhen,
}

def wanted(name: str) -> bool:
    return not sys.argv[1:] or any(name.startswith(arg) for arg in sys.argv[1:])


if __name__ == "__main__":
    WORKBOOKS = {k: v for k, v in WORKBOOKS.items() if wanted(k)}
    SAVED = {k: v for k, v in SAVED.items() if wanted(k)}
    DOCUMENTS = {k: v for k, v in DOCUMENTS.items() if wanted(k)}
    for name, make in WORKBOOKS.items():
        path = ROOT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        save(make(), path)
        stable(path)
        print(path.relative_to(TEMPLATES.parent))
    for name, draw in SAVED.items():
        path = ROOT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        draw(path)
        stable(path)
        print(path.relative_to(TEMPLATES.parent))
    for name, make in DOCUMENTS.items():
        path = TEMPLATES / "docx" / name
        save_docx(make(), path)
        print(path.relative_to(TEMPLATES.parent))
