"""Storage: SQLAlchemy tables, repositories implementing the domain's ports, and migrations."""
