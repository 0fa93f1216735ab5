"""Alembic environment: the engine comes from referral_intake.store.engine (never from alembic.ini)."""

from __future__ import annotations

from alembic import context

from referral_intake.store.tables import all_tables

target_metadata = all_tables()
engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
