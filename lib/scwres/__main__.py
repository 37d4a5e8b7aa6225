"""``python -m scwres <command> ...``: the workbook's one command line (see ``scwres.cli``)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
