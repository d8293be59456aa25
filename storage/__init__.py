"""Persistence: SQLAlchemy models, sessions and Alembic migrations.

Repository functions take a session and never commit: the webhook request or
the scheduler job owns the transaction.
"""
