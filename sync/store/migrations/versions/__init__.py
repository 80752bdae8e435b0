"""Alembic revisions of the state store, oldest first (see ../env.py)."""
