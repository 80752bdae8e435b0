"""Alembic migrations of the state store (shipped as package data, run by nextadvance itself)."""
