"""What a public page may show: suppression, the publication layer, and the metrics table
with its suppression flags (``metrics.csv``).
"""
