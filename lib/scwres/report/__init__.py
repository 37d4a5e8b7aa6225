"""The published report: one function per section, in the order docs/report.md gives.

The report notebook calls ``load_context`` once and then one section function
per cell, so the notebook stays thin and every rule lives here:

- ``wording``: plain-English phrases and number formats;
- ``markup``: tables, figures and disclosure-aware counts;
- ``context``: everything one report needs, loaded once;
- ``sections``: the sections themselves.
"""

from .context import ReportContext, load_context
from .sections import (
    about_section,
    data_quality_section,
    findings_sections,
    glance_section,
    methods_section,
    subgroups_section,
    title_section,
    trend_section,
)

__all__ = [
    "ReportContext", "load_context", "title_section", "glance_section", "about_section", "findings_sections",
    "trend_section", "subgroups_section", "data_quality_section", "methods_section",
]
