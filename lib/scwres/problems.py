"""Problems found in a return, and the error that carries them.

A problem is written for the council analyst who fixes the spreadsheet: where
(file, sheet, line, column), what (the value) and one sentence saying what to
change. Collecting them rather than raising on the first lets one run report
every fault at once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One fault or warning in a return or params file."""

    severity: str  # "error" or "warning"
    file: str
    line: int | None
    column: str | None
    value: str | None
    message: str
    sheet: str | None = None

    def where(self) -> str:
        """``recruitment.csv line 7`` / ``return.xlsx sheet recruitment row 7``."""
        place = self.file
        if self.sheet:
            place += f" sheet {self.sheet}"
        if self.line is not None:
            place += f" {'row' if self.sheet else 'line'} {self.line}"
        return place

    def __str__(self) -> str:
        return f"{self.severity.upper()} {self.where()}: {self.message}"

    def described(self) -> str:
        """``action_plan.csv line 3, column due, value '2023-02-30': ...``: every part a person needs to find it.

        The value is already made printable and short where it entered (``limits.shown``).
        """
        place = self.where()
        if self.column:
            place += f", column {self.column}"
        if self.value not in (None, ""):
            place += f", value '{self.value}'"
        return f"{place}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class ReturnError(Exception):
    """Raised when a return has errors: carries every problem, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        lines = "\n".join(f"ERROR {p.described()}" for p in errors[:50])
        more = f"\n... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"The return has {len(errors)} error(s):\n{lines}{more}")


class UnknownCouncilError(Exception):
    """No params file / data for the council asked for."""


class UnknownPeriodError(Exception):
    """The council has no such period."""


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def warnings(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "warning"]


def os_error_message(exc: OSError, doing: str = "") -> str:
    """An error of the machine (disk full, permission, a file where a folder should be) as one plain sentence.

    Names the path and says what to do, so ``make report`` ends with a line a person can act on rather
    than a traceback. ``doing``: what was being done ("writing the report"), when known.
    """
    import errno

    path = exc.filename if exc.filename is not None else ""
    where = f" {path}" if path else ""
    what = f" while {doing}" if doing else ""
    advice = {
        errno.ENOSPC: "the disk is full; free some space and run again",
        errno.EFBIG: "a file grew past the size limit this session allows (ulimit -f) or the disk is full; "
                     "free space or raise the limit and run again",
        errno.EDQUOT: "your disk quota is used up; free some space and run again",
        errno.EACCES: "permission denied; make it writable (or readable) for you, or point the workbook at "
                      "another folder (SCWRES_BUILD_DIR, SCWRES_REPORTS_DIR)",
        errno.EPERM: "the operation is not permitted; check the folder's owner and permissions",
        errno.EROFS: "the disk is read-only; point the workbook at a writable folder (SCWRES_REPORTS_DIR)",
        errno.ENOTDIR: "part of the path is a file, but it should be a folder; move the file away",
        errno.EISDIR: "it is a folder, but it should be a file; move the folder away",
        errno.ENOENT: "it does not exist; check the path",
        errno.EEXIST: "something is already there; move it away",
    }.get(exc.errno or 0, f"{exc.strerror or type(exc).__name__}; check the path and run again")
    from .limits import shown

    return f"cannot use{shown(where, 300)}{what}: {advice}." if where else f"cannot write a file{what}: {advice}."
