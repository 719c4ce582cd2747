"""Alembic migrations of Tryghed's schema."""
