"""yusuan 预算文书生成引擎: unit budget specs (YAML) → checked figures → the filings a unit publishes.

    from generator import check, build, batch, load_spec      # see generator/api.py
    from generator import import_workbook                     # a filled workbook back into a spec (importer/)
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.3.0"  # the one place it is written: pyproject.toml reads it

__all__ = ["BuildReport", "CheckReport", "OfficeNotFound", "SpecInvalid", "SpecNotFound", "TemplatesNotFound",
           "YusuanError", "__version__", "batch", "build", "check", "import_workbook", "load_spec"]

if TYPE_CHECKING:
    from .api import (
        BuildReport,
        CheckReport,
        OfficeNotFound,
        SpecInvalid,
        SpecNotFound,
        TemplatesNotFound,
        YusuanError,
        batch,
        build,
        check,
        load_spec,
    )


def __getattr__(name: str) -> Any:
    """The API is imported when first used, so that `yusuan --version` or a worker process stays light."""
    if name == "import_workbook":
        from .importer import import_workbook
        return import_workbook
    if name in __all__:
        from . import api
        return getattr(api, name)
    raise AttributeError(f"module 'generator' has no attribute {name!r}")
