"""SC-WRES workbook: load, validate, calculate and publish the Social Care
Workforce Race Equality Standard metrics for English councils."""

import os as _os

# One BLAS thread per process, unless the user chose otherwise. Why: the pipeline's matrices are tiny
# (the disclosure plan's SVDs are at most a few dozen rows), where extra OpenBLAS threads only spin and
# wait; on a shared 2-core machine that made the plan several times slower. The batch already runs one
# process per core. Set here, before numpy is imported, and inherited by every kernel a run starts.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_name, "1")

__version__ = "0.1.0"
