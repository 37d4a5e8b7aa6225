"""Turning an executed report notebook into one published HTML file, safely.

The export hides code, prompts and the injected-parameters cell, uses the
project's own template (no CDN scripts), and is written to a temporary file
that replaces the published one only when everything succeeded, so a failed
run never leaves a half-written report or removes the last good one.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

from .. import paths

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
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a published page must be readable by the web server
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic_many(files: dict[Path, bytes | str]) -> None:
    """Publish several files together: every one is written to a temporary file first, then all are renamed.

    Why: a report's HTML, spreadsheet and CSV must never disagree. If writing any of them fails, none
    replaces the last good one; the renames come only after every temporary file is complete.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            os.chmod(tmp, 0o644)
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
