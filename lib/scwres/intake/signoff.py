"""Sign-offs: who approved a council's public report for a period, when, and for which inputs.

Why: councils publish only what their senior sponsors have signed off. ``make
signoff`` writes ``params/signoff/<la>/<period>.yml`` - plain text beside the
params, so a reviewer sees it in a diff - holding who signed, the date and the
fingerprint (``provenance.fingerprint``) of everything the report rests on.
A report is signed off only while that fingerprint equals the one recomputed
from its inputs now (``status``): the fingerprint is never taken from the file,
so editing the file cannot carry a sign-off to other inputs. Beside the record,
``<period>.signed-off.json`` keeps what the signed-off report said (its
figures, sentences, commentary and actions, as text), so a later draft can show
reviewers exactly what changed since (``pipeline.signoff``), even after
``make clean``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .. import paths, safe_yaml
from ..limits import shown
from ..problems import Problem
from .provenance import WORKBOOK_VERSION, fingerprint

DRAFT_MARK = "DRAFT - not signed off"
HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class SignOff:
    """A sign-off on file: who, on which day, and the fingerprint they signed."""

    by: str
    on: dt.date
    fingerprint: str


@dataclass(frozen=True)
class Status:
    """A report's sign-off state: the fingerprint of its inputs now, and the sign-off on file (if any)."""

    fingerprint: str
    record: SignOff | None = None

    @property
    def signed(self) -> bool:
        return self.record is not None and self.record.fingerprint == self.fingerprint

    @property
    def changed(self) -> bool:
        """Signed off once, but an input has changed since: a draft again, with changes to review."""
        return self.record is not None and not self.signed


def folder(la: str, params_dir: Path | None = None) -> Path:
    return (params_dir or paths.PARAMS_DIR) / "signoff" / la


def record_file(la: str, period: str, params_dir: Path | None = None) -> Path:
    """``params/signoff/<la>/<period>.yml``."""
    return folder(la, params_dir) / f"{period}.yml"


def snapshot_file(la: str, period: str, params_dir: Path | None = None) -> Path:
    """``params/signoff/<la>/<period>.signed-off.json``: what the signed-off report said."""
    return folder(la, params_dir) / f"{period}.signed-off.json"


def parse(text: str, file: str) -> tuple[SignOff | None, list[Problem]]:
    """A sign-off record from its text; a broken one is None with the problems saying why."""
    try:
        data = safe_yaml.load(text)
    except yaml.YAMLError as exc:
        line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else None
        return None, [Problem("warning", file, line, None, None, f"The sign-off file could not be read "
                              f"({getattr(exc, 'problem', None) or 'not YAML'}), so the report is a draft.")]
    data = data if isinstance(data, dict) else {}
    problems = []
    by, on, print_ = data.get("signed_off_by"), data.get("signed_off_on"), data.get("fingerprint")
    if not isinstance(by, str) or not by.strip():
        problems.append(("signed_off_by", by, "give the name and role of the person who signed off"))
    if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        problems.append(("signed_off_on", on, "give the date of the sign-off as yyyy-mm-dd"))
    if not isinstance(print_, str) or not HEX64.fullmatch(print_):
        problems.append(("fingerprint", print_, "should be the 64-character fingerprint make signoff wrote"))
    if problems:
        return None, [Problem("warning", file, None, key, shown(value) if value is not None else None,
                              f"The sign-off file is incomplete: {words}; the report is a draft until "
                              "make signoff is run again.") for key, value, words in problems]
    return SignOff(by.strip(), on, print_), []


def read(la: str, period: str, params_dir: Path | None = None) -> tuple[SignOff | None, list[Problem]]:
    """The sign-off on file for ``la`` and ``period`` (None when there is none or it is broken)."""
    path = record_file(la, period, params_dir)
    if not path.is_file():
        return None, []
    name = str(path.relative_to(paths.ROOT) if path.is_relative_to(paths.ROOT) else path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem("warning", name, None, None, None, f"The sign-off file could not be read ({exc}).")]
    return parse(text, name)


def status(la: str, period: str, params_dir: Path | None = None) -> Status:
    """The report's sign-off state, from its inputs as they are now."""
    return Status(fingerprint(la, str(period)), read(la, str(period), params_dir)[0])


def record_text(la: str, period: str, by: str, on: dt.date, print_: str) -> str:
    """The sign-off file's text: a comment a reviewer can read, then the record."""
    body = yaml.safe_dump({"council": la, "period": str(period), "signed_off_by": by, "signed_off_on": on,
                           "fingerprint": print_, "workbook_version": WORKBOOK_VERSION},
                          sort_keys=False, allow_unicode=True, width=1000)
    return (f"# Sign-off of the public SC-WRES report for {la}, {period} (written by make signoff).\n"
            "# The report counts as signed off only while this fingerprint equals the one worked out again from\n"
            "# its inputs (return, params, commentary, action plan, national figures, workbook version):\n"
            "# any change to them makes it a draft again. Editing this file cannot sign off other inputs.\n"
            + body)


# --- the state a published report was built in, for the index, the batch and the national page -----------------

STATE_FILE = "signoff.json"  # build/<la>/<period>/signoff.json, written when a public report is published


def state_path(la: str, period: str, build_root: Path | None = None) -> Path:
    return paths.build_dir(la, str(period), build_root) / STATE_FILE


def state_text(signed: SignOff | None, print_: str, changes: bool = False) -> str:
    """How a public report just built stands: signed off (by whom, when) or a draft, and from which inputs."""
    import json

    data = {"signed": signed is not None, "by": signed.by if signed else None,
            "on": signed.on.isoformat() if signed else None, "fingerprint": print_, "changes": changes}
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def read_state(la: str, period: str, build_root: Path | None = None) -> dict[str, object]:
    """The published report's state; a report with no readable state counts as a draft.

    "Signed" is believed only while the fingerprint the state was written with equals the one worked out
    again from the inputs now: an input changed since (and a rebuild of the figures the national page
    pools, such as an internal build) must not keep a council listed as signed off.
    """
    import json

    draft: dict[str, object] = {"signed": False, "by": None, "on": None, "changes": False}
    try:
        data = json.loads(state_path(la, period, build_root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return draft
    if not isinstance(data, dict):
        return draft
    if data.get("signed"):
        try:
            current = fingerprint(la, str(period))
        except (OSError, ValueError):
            current = None
        if data.get("fingerprint") != current:
            return {**data, "signed": False}
    return data


def state_words(state: dict[str, object]) -> str:
    """"Signed off by A, Director, on 2025-01-31" or the draft mark (for the index, batch and national page)."""
    if state.get("signed"):
        return f"Signed off by {state.get('by')} on {long_date(str(state.get('on')))}"
    return DRAFT_MARK


def long_date(text: str) -> str:
    """'2025-01-31' -> '31 January 2025' (left as it is when it is not a date)."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day.day} {day:%B %Y}"
