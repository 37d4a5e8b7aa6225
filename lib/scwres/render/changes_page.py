"""The internal "changes since sign-off" page: ``reports/<la>/<period>/changes-since-signoff.html``.

Why: once a report is signed off, any change to its inputs makes it a draft
again, and the reviewers must approve it again. Rather than re-read the whole
report they read this page: every figure, sentence, commentary paragraph and
action that differs from the signed-off version, before -> after
(``render.review``). It is for the council's reviewers, not the public: it is
linked only from the internal index and says so at the top.

``publish_extras`` is what a public build does about sign-off once the report
is made: this page when it applies, and the report's state
(``build/<la>/<period>/signoff.json``) for the index, the batch and the
national page. ``snapshot_text`` is what ``make signoff`` keeps of the report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import paths
from ..intake import signoff
from . import pages, review
from .pages import Row, Table
from .review import KINDS, Change

PAGE = "changes-since-signoff.html"
NEW, GONE = "(new)", "(removed)"


def path(la: str, period: str, reports_root: Path | None = None) -> Path:
    return paths.report_dir(la, str(period), reports_root) / PAGE


def tables(found: list[Change]) -> list[Table]:
    """One table per kind of item that changed, in the order of ``KINDS``."""
    out = []
    for kind, label in KINDS.items():
        rows = [Row([c.where, c.before if c.before is not None else NEW, c.after if c.after is not None else GONE])
                for c in found if c.kind == kind]
        if rows:
            out.append(Table(f"{label}s changed since sign-off ({len(rows)})", ["Where", "Before", "After"], rows,
                             hint=False))
    return out


def render(found: list[Change] | None, *, council: str, period: str, by: str, on: str,
           illustrative: bool = False) -> str:
    """The page's HTML; every value is text, escaped by the template. ``found`` None: no snapshot was kept."""
    return pages.render("changes-since-signoff.html.j2", title=f"Changes since sign-off: {council}, {period}",
                        council=council, period=period, by=by, on=on, illustrative=illustrative,
                        missing=found is None, n_changes=len(found or []), tables=tables(found or []))


def read_snapshot(la: str, period: str) -> list[review.Item] | None:
    """What the signed-off report said (None when there is no readable snapshot)."""
    try:
        data = json.loads(signoff.snapshot_file(la, period).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return review.from_json(data.get("items") if isinstance(data, dict) else None)


def snapshot_text(la: str, period: str, html: str, print_: str) -> str:
    """The snapshot file: one item per line, so a diff of it reads like a list of changes."""
    listed = review.items(html)
    lines = ",\n".join(json.dumps(item.as_list(), ensure_ascii=False) for item in listed)
    head = json.dumps({"council": la, "period": str(period), "fingerprint": print_}, ensure_ascii=False)[:-1]
    return f'{head}, "items": [\n{lines}\n]}}\n'


def publish_extras(la: str, period: str, html: str, params: dict[str, Any]) -> tuple[dict[Path, str], list[Path]]:
    """After a public build: (files to publish with the report, files to remove) for its sign-off state.

    A report signed off once whose inputs changed since gets the internal changes page; any other
    report has none (a stale one is removed). The files include the report's state for the index, the
    batch and the national page; its draft or signed-off state is read from the page itself, so they
    say exactly what the published page says.
    """
    status = signoff.status(la, period)
    draft = 'class="banner draft"' in html
    page = path(la, period)
    files: dict[Path, str] = {}
    record = status.record
    if draft and record is not None:
        before = read_snapshot(la, period)
        found = review.changes(before, review.items(html)) if before is not None else None
        spec = (params.get("periods") or {}).get(str(period)) or {}
        files[page] = render(found, council=str(params.get("name") or la), period=str(period), by=record.by,
                             on=signoff.long_date(record.on.isoformat()), illustrative=bool(spec.get("illustrative")))
    state = signoff.state_text(None if draft else record, status.fingerprint, changes=page in files)
    files[signoff.state_path(la, period)] = state
    return files, ([] if page in files else [page])
