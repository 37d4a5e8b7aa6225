"""The statistics of docs/methods.md and the nine SC-WRES metrics, from a validated return.
"""
