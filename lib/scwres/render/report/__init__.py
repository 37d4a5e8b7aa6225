"""The published report: one function per section, in the order docs/report.md gives.

The report notebook calls ``load_context`` once and then one section function
per cell, so the notebook stays thin and every rule lives here:

- ``context``: everything one report needs, loaded once;
- ``common``: what every section shares (services, themes, counts and derived figures as view data);
- ``front``: the title, contents and "About this report"; ``glance``: "At a glance";
- ``findings``: the findings by theme, with their charts from ``figures``;
- ``trend``: the trend and the ethnic sub-groups; ``quality``: data quality; ``methods``: methods and provenance.

Python builds view data (``render/pages.py``) with every ``[c]`` decided by the publication layer; the
templates in ``templates/pages/report/`` lay it out and escape every string.

The names below are loaded on first use (PEP 562), so importing the package for its context alone
does not pull in the charts and matplotlib.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOME = {
    "ReportContext": "context", "load_context": "context", "title_section": "front",
    "glance_section": "glance", "about_section": "front", "findings_sections": "findings",
    "trend_section": "trend", "subgroups_section": "trend", "data_quality_section": "quality",
    "methods_section": "methods",
}
__all__ = list(_HOME)


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_HOME[name]}", __name__), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
