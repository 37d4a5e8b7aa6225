"""Reading what comes in: params, the return (CSV or Excel, count tables or record-level extracts),
ethnicity labels, the analyst's commentary and the inputs' checksums.
"""
