"""Running it: one report through the notebooks, every council in parallel, safe kernel starts,
the inputs' key that decides a rebuild, and the national command.
"""
