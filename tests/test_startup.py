"""What importing the package costs every process: jsonschema's IRI grammar is not built.

Each check runs in a fresh interpreter, since this test process has imported everything already.
"""

from __future__ import annotations

import subprocess
import sys

PROBE = "import sys; {first}import jsonschema._format; print(sys.modules.get('rfc3987_syntax') is not None)"


def loads_rfc3987_syntax(first: str) -> bool:
    out = subprocess.run([sys.executable, "-c", PROBE.format(first=first)], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip() == "True"


def test_importing_scwres_first_keeps_jsonschema_from_building_the_iri_parsers() -> None:
    assert loads_rfc3987_syntax("import scwres; ") is False


def test_without_scwres_first_jsonschema_would_build_them() -> None:
    """The check above can fail: in this environment jsonschema does import the package on its own."""
    assert loads_rfc3987_syntax("") is True


def test_jsonschema_still_checks_the_formats_the_notebooks_use() -> None:
    code = ("import scwres, nbformat; from jsonschema import FormatChecker; c = FormatChecker(); "
            "print(c.conforms('2024-09-30', 'date'), c.conforms('2024-13-01', 'date'), "
            "nbformat.validate(nbformat.v4.new_notebook()) is None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False", "True"]
