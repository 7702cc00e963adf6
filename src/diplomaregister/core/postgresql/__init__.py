"""PostgreSQL backend that waits briefly for the database when it cannot connect (core/postgresql/base.py)."""
