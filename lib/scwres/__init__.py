"""SC-WRES workbook: load, validate, calculate and publish the Social Care
Workforce Race Equality Standard metrics for English councils."""

import os as _os
import sys as _sys

# One BLAS thread per process, unless the user chose otherwise. Why: the pipeline's matrices are tiny
# (the disclosure plan's SVDs are at most a few dozen rows), where extra OpenBLAS threads only spin and
# wait; on a shared 2-core machine that made the plan several times slower. The batch already runs one
# process per core. Set here, before numpy is imported, and inherited by every kernel a run starts.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_name, "1")

# jsonschema (imported by papermill, nbformat and great-expectations) imports the optional
# rfc3987_syntax when it is installed (jupyter-events pulls it in), which builds 38 Lark parsers for
# the "iri" formats at import: about 2 s of CPU in every process, more than any step of a report but
# the charts. Nothing here validates an IRI, so importing scwres first marks the module as absent and
# jsonschema skips those two formats (its documented behaviour without the package). Processes that
# do not import scwres first, such as the papermill command line, are unaffected.
_sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

__version__ = "0.1.0"
