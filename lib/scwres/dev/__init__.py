"""For developers: the seeded illustrative and synthetic data, and the benchmarks.
"""
