"""Everything a reader sees: the report, its words and charts, the data-quality page, the index,
the national and regional pages, the open data, the HTML export and the PDF.
"""
