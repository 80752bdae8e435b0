"""Reproducible performance runs; each prints its result as JSON (see each module's docstring)."""
