"""The published report: one function per section, in the order docs/report.md gives.

The report notebook calls ``load_context`` once and then one section function
per cell, so the notebook stays thin and every rule lives here:

- ``wording``: plain-English phrases and number formats;
- ``markup``: tables, figures and disclosure-aware counts;
- ``context``: everything one report needs, loaded once;
- ``sections``: the sections themselves.

The names below are loaded on first use (PEP 562), so importing ``report.wording`` alone (the index
page, the national page, the action plan pages) does not pull in the charts and matplotlib.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOME = {
    "ReportContext": "context", "load_context": "context", "title_section": "sections",
    "glance_section": "sections", "about_section": "sections", "findings_sections": "sections",
    "trend_section": "sections", "subgroups_section": "sections", "data_quality_section": "sections",
    "methods_section": "sections",
}
__all__ = list(_HOME)


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_HOME[name]}", __name__), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
