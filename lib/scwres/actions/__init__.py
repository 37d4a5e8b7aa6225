"""Action plans held next to the data: the register, computed status, success measures and the HTML.

- ``register``: read and check ``data/raw/<la>/action_plan.csv`` (or an ``actions`` sheet);
- ``status``: complete / on track / due soon / overdue / dropped as of a date;
- ``measures``: success measures such as ``m2 >= 0.8``, parsed and judged against metrics;
- ``progress``: joins actions to the metrics of the plan period and the latest period;
- ``report_html``: the annual report's "Action plan progress" section and per-metric notes;
- ``update_page``: the quarterly progress update page (``make update``).
"""
