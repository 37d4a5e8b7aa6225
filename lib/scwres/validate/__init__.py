"""Checking a return: every rule of docs/data-return.md (run by great-expectations), the
warnings, and ``problems.json``.
"""
