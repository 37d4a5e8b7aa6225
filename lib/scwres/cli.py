"""One command line for the whole workbook: ``python -m scwres <command> ...``.

Why one parser: the workbook had a ``python -m`` entry point per module, each
with its own parser, so a user had to know module names and ``--help`` showed
one corner at a time. Here every command is listed once, with the module that
does the work; each module still defines its own options (``add_arguments``)
and its handler (``command``), so an option is written in exactly one place,
next to the code that reads it. The Makefile calls these commands.

A command's module is imported only when that command runs (or its ``--help``
is asked for): ``python -m scwres --help`` stays instant, and ``report`` does
not pay for importing the batch runner or the benchmark.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Command:
    """A sub-command: its name, one line of help, and where its options and handler live."""

    name: str
    module: str  # under scwres
    help: str
    setup: str = "add_arguments"  # function(parser) adding the options
    handler: str = "command"  # function(args) -> exit code
    aliases: tuple[str, ...] = ()

    def load(self) -> ModuleType:
        return importlib.import_module(f"scwres.{self.module}")


COMMANDS: tuple[Command, ...] = (
    Command("report", "pipeline.run", "build one council's report (make report)",
            setup="add_report_arguments", handler="report_command"),
    Command("reports", "pipeline.batch", "build every council and period in parallel, only what changed (make reports)",
            aliases=("batch",)),
    Command("national", "pipeline.national", "national or regional roll-up with funnel plots (make national)"),
    Command("signoff", "pipeline.signoff", "record that a council's public report was signed off, by whom and when "
            "(make signoff)"),
    Command("pdf", "render.pdf", "print an already-built report to an A4 PDF with page numbers and bookmarks "
            "(make pdf)"),
    Command("update", "pipeline.run", "write an action plan progress update (make update)",
            setup="add_update_arguments", handler="update_command"),
    Command("template", "intake.blank_template", "write a blank return workbook with drop-down lists (make template)"),
    Command("index", "cli", "rewrite reports/index.html from the published reports",
            setup="add_index_arguments", handler="index_command"),
    Command("data", "dev.illustrative", "re-create the illustrative returns and params from the seeded generator "
            "(make data)"),
    Command("synthetic", "dev.synthetic", "write N generated councils for scale tests (make synthetic)"),
    Command("bench-scale", "dev.bench_scale", "time and memory of validation (200,000 rows) and suppression (many pay "
            "bands) (make bench-scale)"),
    Command("bench", "dev.bench", "time the batch against the naive way, a no-op rebuild, 10 vs N councils "
            "(make bench)"),
    Command("preview", "pipeline.preview", "keep one council's report up to date while you edit its commentary, "
            "action plan, return or params (make preview)"),
    Command("profile", "dev.profile_batch", "profile a warm batch worker over N reports with cProfile: where the "
            "time goes"),
    Command("bench-national", "dev.bench_national", "CPU seconds of disclosure control over a national roll-up of N "
            "generated councils: every council's plan, the protection audit, the national page"),
    Command("bench-records", "dev.bench_records", "time reading, checking and counting 200,000 staff records, as a "
            "run does"),
    Command("mutate", "dev.mutation", "mutation testing of the modules that decide published figures, with a "
            "table per module (make mutate)"),
)


def add_index_arguments(parser: argparse.ArgumentParser) -> None:
    """``index`` has no options: it reads everything under reports/."""


def index_command(args: argparse.Namespace) -> int:
    """Rewrite the index when its content changed."""
    from .render.index_page import write_index

    print(write_index() or "reports/index.html is already up to date")
    return 0


def find(name: str) -> Command | None:
    """The command called ``name`` (or one of its aliases)."""
    return next((c for c in COMMANDS if name in (c.name, *c.aliases)), None)


def build_parser(load: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; ``load`` names the commands whose options to add (None: all of them).

    Every command is listed either way, so the top-level help names them all.
    """
    parser = argparse.ArgumentParser(
        prog="python -m scwres",
        description="SC-WRES reporting workbook. Each command has its own --help; make (or make help) lists the "
                    "make targets that call these commands.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="<command>",
                                title="commands")
    for command in COMMANDS:
        child = sub.add_parser(command.name, aliases=list(command.aliases), help=command.help,
                               description=command.help[:1].upper() + command.help[1:] + ".")
        child.set_defaults(_handler=(command.module, command.handler))
        if load is None or command.name in load:
            getattr(command.load(), command.setup)(child)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, import only the chosen command's module, run it; return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    chosen = find(argv[0]) if argv else None
    parser = build_parser(load=[chosen.name] if chosen else [])
    args = parser.parse_args(argv)
    from . import paths
    from .limits import printable

    wrong = paths.environment_problems()  # before any command: a bad folder is one line, not a traceback later
    if wrong:
        for line in wrong:
            print(f"error: {printable(line)}", file=sys.stderr)
        return 2
    module, handler = args._handler
    try:
        return int(getattr(importlib.import_module(f"scwres.{module}"), handler)(args) or 0)
    except OSError as exc:  # any command: a full disk or a read-only folder is a sentence naming the path
        from .problems import os_error_message

        said = str(exc) if exc.errno is None and str(exc) else os_error_message(exc)  # PublishFailed: said already
        print(f"error: {printable(said)}", file=sys.stderr)
        return 1
