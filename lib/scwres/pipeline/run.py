"""One report, start to finish: ``python -m scwres report --la norfolk`` (``make report``).

Runs the three notebooks in order with papermill (validate, calculate,
report) in one kernel, so pandas, matplotlib and the project's modules are
imported once per report, not once per notebook, and results one notebook
computed (a return read, a period's metrics) are reused by the next
(``scwres.memo``). It keeps the executed notebooks under ``build/<la>/<period>/`` and
publishes ``reports/<la>/<period>/report.html`` only when every step passed.
Errors a person can fix (no such council, a bad return) are printed plainly
with a non-zero exit, never as a stack trace.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from .. import paths
from ..intake.params import load_params, resolve_period
from ..limits import printable, shown
from ..locks import report_lock
from ..problems import Problem, ReturnError, UnknownCouncilError, UnknownPeriodError, os_error_message
from ..render import changes_page, open_data_files, quality_page
from ..render.export import PublishFailed, export_html, write_atomic_many
from ..validate.validation import ANALYST, TREND_REFUSED, read_intake, read_problems, write_problems
from .inputs import Job, inputs_key, key_path

NOTEBOOKS = ("1_validate_return", "2_calculate_metrics", "3_publish_report")
STEP_WORDS = ("checking the return", "calculating the metrics", "writing the report")
KERNEL = "scwres"
AUDIENCES = ("public", "internal")


class RunFailed(Exception):
    """A step failed in a way already explained to the user."""


class ReturnFailed(RunFailed):
    """The return has errors: ``make report`` has printed them above this message; a batch summary lists
    them under its own line instead (``batch._reason``), so it words that line itself."""

    def __init__(self, errors: int, page: Path) -> None:
        self.errors, self.page = errors, _shown(page)
        super().__init__(f"fix the errors above and run again (also listed in {self.page}).")

    def listed_below(self) -> str:
        """The batch summary's line, whose errors follow it."""
        return (f"the return has {self.errors} error{'s' if self.errors != 1 else ''}, the first listed below and "
                f"all in {self.page}; fix them and run again.")


def kernel_name() -> str:
    """The project's own kernel when registered (``make`` does it), else the default."""
    from jupyter_client.kernelspec import KernelSpecManager

    return KERNEL if KERNEL in KernelSpecManager().find_kernel_specs() else "python3"


def run_notebook(name: str, build: Path, parameters: dict[str, Any], km: Any = None) -> Path:
    """Execute one notebook into the build folder; a failing cell becomes RunFailed.

    ``km``: an already started kernel manager to run in (``build_report`` starts one per report, the
    batch keeps one per worker); without one papermill starts a fresh kernel for this notebook alone.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    output = build / f"{name}.ipynb"
    try:
        papermill.execute_notebook(
            str(paths.NOTEBOOKS_DIR / f"{name}.ipynb"), str(output), parameters=parameters,
            kernel_name=kernel_name(), cwd=str(paths.NOTEBOOKS_DIR), progress_bar=False, log_output=False,
            execution_timeout=600, kernel_manager_class="scwres.pipeline.kernel_guard.GuardedKernelManager", km=km,
            # written once when done (papermill still writes it, error included, when a cell fails), not
            # after every cell: the report notebook's outputs are megabytes of SVG, written about 25 times
            request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as exc:
        raise RunFailed(f"{name} failed: {exc.ename}: {exc.evalue}\n(see the executed notebook {output})") from None
    except OSError as exc:  # writing the executed notebook (a full disk, a read-only build folder): say which file
        exc.filename = exc.filename or str(output)
        raise
    return output


def print_problems(build: Path) -> int:
    """Print the validation errors written by the validate notebook; return how many there were."""
    path = build / "problems.json"
    if not path.exists():
        return 0
    problems = json.loads(path.read_text(encoding="utf-8"))
    errors = [p for p in problems if p["severity"] == "error" and p.get("source") != ANALYST]
    if errors:
        print(f"The return has {len(errors)} error(s); nothing was published:", file=sys.stderr)
        for p in errors:
            column = f", column {p['column']}" if p.get("column") else ""
            value = f", value '{p['value']}'" if p.get("value") not in (None, "") else ""
            print(printable(f"  {p['where']}{column}{value}: {p['message']}"), file=sys.stderr)
    return len(errors)


@contextlib.contextmanager
def one_kernel():
    """A kernel for the three notebooks of one report, shut down afterwards (pass or fail).

    Why: a kernel per notebook imported pandas, matplotlib and the pipeline three times per report
    and threw away what the earlier notebooks had computed.
    """
    from jupyter_core.utils import run_sync

    from .kernel_guard import GuardedKernelManager

    km = GuardedKernelManager(kernel_name=kernel_name())
    run_sync(km.start_kernel)(cwd=str(paths.NOTEBOOKS_DIR))
    try:
        yield km
    finally:
        km.close_clients()
        with contextlib.suppress(Exception):  # already dead: nothing left to stop
            run_sync(km.shutdown_kernel)(now=True)


def failure_reason(la: str, period: str | None, exc: BaseException) -> str:
    """A batch summary's reason for a failed report: the error, then the return's first errors under it."""
    lines = [line for line in str(exc).splitlines() if line.strip()][:1] or [type(exc).__name__]
    if isinstance(exc, ReturnFailed):  # its own words point "above", where make report prints the errors
        lines = [exc.listed_below()]
    try:
        found = read_problems(paths.build_dir(la, period)) if period else None
    except (ValueError, TypeError, AttributeError):
        found = None
    errors = [p for p in found or [] if p.severity == "error"]  # the return's own, not the action plan's
    lines += [f"{p.where()}: {p.message}" for p in errors[:3]]
    if len(errors) > 3:
        lines.append(f"... and {len(errors) - 3} more error{'s' if len(errors) > 4 else ''}")
    return "\n".join(lines)


def analyst_problems(la: str, period: str, params: dict[str, Any]) -> list[Problem]:
    """Problems in the commentary file, the action plan and the sign-off file: for the data-quality page and
    the console only."""
    from ..actions.report_html import analyst_problems as plan_problems  # the action plan's code, when needed
    from ..intake.commentary import commentary_problems
    from ..intake.signoff import read as read_signoff

    return commentary_problems(la, str(period)) + plan_problems(la, params) + read_signoff(la, str(period))[1]


def analyst_inputs_unreadable(la: str, period: str) -> list[Problem]:
    """Errors that stop a run before the notebooks: a commentary file that cannot be read as text.

    Why before: the report notebook would fail on it anyway, after a minute of work; and a report must
    not go out without the words the analyst wrote for it.
    """
    from ..intake.commentary import commentary_problems

    return [p for p in commentary_problems(la, str(period)) if p.severity == "error"]


def build_report(la: str, period: str | None = None, audience: str = "public", km: Any = None,
                 record: dict[str, Any] | None = None, start: int = 0,
                 progress: Any = None) -> Path:
    """Run the whole pipeline for one council and period; return the published report path.

    ``record``, when given, receives ``page`` (the data-quality page) and ``problems`` (everything it
    lists: the return's, the commentary's and the action plan's), pass or fail, for the console summary.
    ``km``: the kernel to run the notebooks in (the batch's and the preview's warm one); without one,
    a kernel is started for this report's three notebooks and shut down after them.
    ``start``: the first notebook to run (``make preview`` reruns only the report notebook when only
    the commentary or the action plan changed; the earlier notebooks' outputs must then be in place).
    ``progress``: called with a short phrase as each step begins (``make report`` prints it).
    """
    record = {} if record is None else record
    try:
        params = load_params(la)
    except ReturnError as exc:  # broken params: the data quality page still says what to fix
        guessed = quality_page.guess_period(la, period)
        if guessed:
            with report_lock(la, guessed):
                record.update(page=quality_page.publish(la, guessed, exc.problems), problems=list(exc.problems))
        raise
    period = resolve_period(params, period)
    if audience not in AUDIENCES:
        raise RunFailed(f"AUDIENCE must be one of {', '.join(AUDIENCES)}, not '{shown(audience)}'.")
    with report_lock(la, period):  # one run per council and period; a killed run's temporary pages go
        if km is not None:
            return _build_locked(la, period, audience, params, km, record, start, progress)
        if progress:
            progress("starting Python")
        with one_kernel() as own:
            return _build_locked(la, period, audience, params, own, record, start, progress)


def _build_locked(la: str, period: str, audience: str, params: dict[str, Any], km: Any,
                  record: dict[str, Any], start: int = 0, progress: Any = None) -> Path:
    """``build_report`` once it holds the council and period's lock."""
    build = paths.build_dir(la, period)
    build.mkdir(parents=True, exist_ok=True)
    # only this run's open-data files publish
    shutil.rmtree(open_data_files.build_folder(la, period, audience), ignore_errors=True)
    if start <= 0:
        (build / "problems.json").unlink(missing_ok=True)
        (build / "intake.json").unlink(missing_ok=True)  # what this run's validation says came in, or nothing
    if start <= 1:
        (build / "metrics.csv").unlink(missing_ok=True)  # a failed run must not leave an older one looking current
        (build / paths.PLAN_FILE).unlink(missing_ok=True)

    job = Job(la, period, audience)
    key = inputs_key(job)  # taken before the run, so an input edited meanwhile forces the next rebuild
    key_path(job).unlink(missing_ok=True)  # until this run succeeds, `make reports` must not call it up to date
    parameters = {"la": la, "period": period, "audience": audience}
    try:
        unreadable = analyst_inputs_unreadable(la, period)
        if unreadable:  # the data-quality page (finally, below) lists it; nothing is published
            raise RunFailed(f"{unreadable[0].described()} Nothing was published.")
        for index in range(max(0, start), len(NOTEBOOKS)):
            if progress:
                progress(STEP_WORDS[index])
            run_notebook(NOTEBOOKS[index], build, parameters, km)
    except RunFailed:
        # figures from a run that did not publish must not look released (the index and national page read them)
        (build / "metrics.csv").unlink(missing_ok=True)
        (build / paths.PLAN_FILE).unlink(missing_ok=True)
        errors = print_problems(build)
        if errors:  # the list above says it all; don't repeat it from the traceback
            raise ReturnFailed(errors, paths.report_dir(la, period) / "data-quality.html") from None
        raise
    finally:
        found = read_problems(build)
        others = analyst_problems(la, period, params)
        if found is not None:  # problems.json lists what the data-quality page lists
            write_problems(found, build, analyst=others)
        record.update(page=quality_page.publish(la, period, found, params, others=others, intake=read_intake(build)),
                      problems=[*(found or []), *others], analyst=others)
    if progress:
        progress("publishing")
    html = export_html(build / f"{NOTEBOOKS[-1]}.ipynb")
    target = paths.report_dir(la, period) / ("report.html" if audience == "public" else "report-internal.html")
    # The report's spreadsheet and CSV (written by the report notebook from the same figures) go out with it.
    data_files = sorted(p for p in open_data_files.build_folder(la, period, audience).glob("*") if p.is_file())
    if not data_files:
        raise RunFailed(f"{NOTEBOOKS[-1]} wrote no open data files (spreadsheet and CSV); nothing was published.")
    files: dict[Path, bytes | str] = {target: html, **{target.parent / p.name: p.read_bytes() for p in data_files}}
    stale: list[Path] = []
    if audience == "public":  # its sign-off state, and the reviewers' page of changes since sign-off
        extras, stale = changes_page.publish_extras(la, period, html, params)
        files.update(extras)
    # all or nothing: a folder where the spreadsheet goes or a full disk leaves every published file as it was
    try:
        write_atomic_many(files)
    except PublishFailed:  # figures that were not published must not look released (index, national page)
        (build / "metrics.csv").unlink(missing_ok=True)
        (build / paths.PLAN_FILE).unlink(missing_ok=True)
        raise
    for path in stale:
        path.unlink(missing_ok=True)
    key_path(job).write_text(key + "\n", encoding="utf-8")
    return target


def _shown(path: Path) -> Path:
    """A path as the user should see it: relative to the project when inside it."""
    return path.relative_to(paths.ROOT) if path.is_relative_to(paths.ROOT) else path


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres report`` (``make report``)."""
    parser.add_argument("--la", required=True, help="council slug, e.g. norfolk (a file params/<la>.yml)")
    parser.add_argument("--period", default=None, help="data collection year (default: the latest in params)")
    parser.add_argument("--audience", default="public", help="public (small counts as [c], default) or internal")


def progress_printer(stream: Any = None) -> Any:
    """A ``progress`` callback that rewrites one line on a terminal: "[2/5] calculating the metrics ...".

    Why: a first run shows nothing for many seconds otherwise. Only on a terminal (``report_command``),
    so logs and tests see the same output as before.
    """
    import time

    stream = stream or sys.stderr
    steps = ("starting Python", *STEP_WORDS, "publishing")
    began = time.perf_counter()

    def show(phrase: str) -> None:
        number = steps.index(phrase) + 1 if phrase in steps else 0
        stream.write(f"\r\033[K[{number}/{len(steps)}] {phrase} ... ({time.perf_counter() - began:.0f} s)")
        stream.flush()

    return show


def print_analyst_problems(record: dict[str, Any], stream: Any = None) -> None:
    """One line per commentary or action-plan problem (a misnamed ``## appointment`` section is left out
    of the report), so the analyst sees it where they work, not only on the data-quality page."""
    for problem in record.get("analyst") or []:
        print(f"{problem.severity}: {problem.described()}", file=stream or sys.stderr)


def report_command(args: argparse.Namespace) -> int:
    """Build one report; a problem a person can fix is one plain line on stderr and a non-zero exit.

    Every run that got as far as writing the data-quality page ends with one line pointing to it:
    "N errors, M warnings: see <path>" (the return's problems plus the commentary's and action plan's).
    """
    record: dict[str, Any] = {}
    progress = progress_printer() if sys.stderr.isatty() else None
    try:
        try:
            target = build_report(args.la, args.period or None, args.audience, record=record, progress=progress)
        finally:
            if progress:  # the progress line gives way to what follows
                sys.stderr.write("\r\033[K")
                sys.stderr.flush()
        print(f"Report written to {_shown(target)}")
    except (UnknownCouncilError, UnknownPeriodError, RunFailed) as exc:
        print(f"error: {printable(exc)}", file=sys.stderr)
        code = 2 if isinstance(exc, (UnknownCouncilError, UnknownPeriodError)) else 1
    except ReturnError as exc:
        print(f"error: {printable(exc)}", file=sys.stderr)
        code = 1
    except OSError as exc:  # the machine's fault (disk full, permission, a file where a folder goes): a sentence
        said = str(exc) if isinstance(exc, PublishFailed) else os_error_message(exc)
        print(f"error: {printable(said)} Nothing new was published; the last good report is as it was.",
              file=sys.stderr)
        code = 1
    else:
        code = 0
    print_analyst_problems(record)
    for p in record.get("problems", []):  # a trend not assessed is said on the console too, not only on the page
        if p.severity == "warning" and p.message.startswith(TREND_REFUSED):
            print(f"warning: {printable(p.message)}", file=sys.stderr)
    if "page" in record:  # every run that got as far as the data-quality page ends by pointing to it
        print(quality_page.summary_line(record["problems"], _shown(record["page"])),
              file=sys.stderr if code else sys.stdout)
    return code


def add_update_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres update`` (``make update``)."""
    parser.add_argument("--la", required=True, help="council slug, e.g. norfolk")
    parser.add_argument("--as-of", required=True, help="date of the update, yyyy-mm-dd")


def update_command(args: argparse.Namespace) -> int:
    """Write one council's action plan progress update."""
    from ..actions.update_page import update_command as write

    return write(args.la, args.as_of)
