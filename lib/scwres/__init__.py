"""SC-WRES workbook: load, validate, calculate and publish the Social Care
Workforce Race Equality Standard metrics for English councils."""

__version__ = "0.1.0"
