"""Turning an executed report notebook into one published HTML file, safely.

The export hides code, prompts and the injected-parameters cell, uses the
project's own template (no CDN scripts), and is written to a temporary file
that replaces the published one only when everything succeeded, so a failed
run never leaves a half-written report or removes the last good one.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path

from .. import paths
from ..problems import os_error_message

TEMPLATE_DIR = paths.TEMPLATES_DIR
TEMPLATE_NAME = "scwres"
REMOVE_TAGS = ("injected-parameters", "parameters", "remove-cell")


def export_html(notebook: Path) -> str:
    """The executed notebook as self-contained HTML with no input cells."""
    import nbformat

    node = nbformat.read(notebook, as_version=4)
    node.metadata["title"] = report_title(node)
    body, _ = _exporter().from_notebook_node(node)
    return body


@functools.cache
def _exporter():
    """The configured exporter, made once per process (a batch worker or preview exports many reports).

    Making one loads and compiles the templates; exporting keeps no state between notebooks.
    """
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_TAGS)
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATE_DIR)]
    config.HTMLExporter.template_name = TEMPLATE_NAME
    return HTMLExporter(config=config)


def report_title(node) -> str:
    """The page <title>: the text of the first <h1> a cell displayed (the notebook's file name otherwise)."""
    import html
    import re

    for cell in node.cells:
        for output in cell.get("outputs", []):
            found = re.search(r"<h1[^>]*>(.*?)</h1>", str(output.get("data", {}).get("text/html", "")), re.S)
            if found:
                return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()
    return "SC-WRES report"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename (``write_atomic_many``)."""
    write_atomic_many({path: text})


class PublishFailed(OSError):
    """A set of files could not be published; the message names the path and what to do. Nothing changed."""


def _checked_target(path: Path) -> None:
    """Refuse, before anything is written, a target that a rename could not replace (a folder, a pipe)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishFailed(os_error_message(exc, f"making the folder for {path.name}")) from None
    if path.is_symlink() or not path.exists():
        return
    if path.is_dir():
        raise PublishFailed(f"cannot publish {path}: a folder is where the file should go; move the folder away "
                            "and run again.")
    if not path.is_file():
        raise PublishFailed(f"cannot publish {path}: it is not an ordinary file; move it away and run again.")


def write_atomic_many(files: dict[Path, bytes | str]) -> None:
    """Publish several files together: all of them are replaced, or none is.

    Why: a report's HTML, spreadsheet and CSV must never disagree. In three steps:

    1. every target is checked (its folder can be made; no folder or pipe sits where the file goes);
    2. every file is written to a temporary file beside its target (a full disk or a read-only folder
       fails here, before anything published has changed);
    3. the temporaries are swapped in. Each file that is replaced is first kept under a second name
       (a hard link, so no copy), and if a later swap fails the earlier ones are put back.

    Any failure raises ``PublishFailed``, an ``OSError`` whose message names the path and what to do.
    """
    staged: list[tuple[str, Path]] = []
    swapped: list[tuple[str | None, Path]] = []  # (the previous file under a second name, or None: it was new)
    try:
        for path in files:
            _checked_target(path)
        for path, data in files.items():
            try:
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
                staged.append((tmp, path))
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data.encode("utf-8") if isinstance(data, str) else data)
                os.chmod(tmp, 0o644)
            except OSError as exc:
                exc.filename = str(path.parent)  # the folder, not the temporary name nobody knows
                raise PublishFailed(os_error_message(exc, f"writing {path.name}")) from None
        for tmp, path in staged:
            old = None
            try:
                old = _second_name(path) if path.exists() else None
                os.replace(tmp, path)
            except OSError as exc:
                if old is not None:
                    Path(old).unlink(missing_ok=True)
                exc.filename = exc.filename or str(path)
                raise PublishFailed(os_error_message(exc, f"replacing {path.name}")) from None
            swapped.append((old, path))
    except BaseException:
        for old, path in reversed(swapped):  # put back what was already replaced
            if old is None:
                path.unlink(missing_ok=True)
            else:
                os.replace(old, path)
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        for old, _ in swapped:
            if old is not None:
                Path(old).unlink(missing_ok=True)


def _second_name(path: Path) -> str:
    """Keep the file at ``path`` under a hidden temporary name too (a hard link; a copy where links fail)."""
    import secrets

    old = str(path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp"))
    try:
        os.link(path, old)
    except OSError:
        shutil.copy2(path, old)
    return old
