"""A small good return, and the helpers that write it (as CSVs or a workbook) after one mutation.

The corpus of bad returns is built from this one good return by changing
one cell or file per case, so the faults are easy to read and no fixtures
pile up in the repository.
"""
