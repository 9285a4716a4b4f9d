"""Alembic environment, run only through `icope_desktop.store.migrations.upgrade`.

The connection is handed over in `config.attributes["connection"]` (Alembic cookbook,
"Sharing a Connection across one or more programmatic migration commands"): the keyed
SQLCipher connection must never be re-opened from a URL, which would lack the key.
The whole upgrade runs in one transaction (SQLite has transactional DDL), so a crash
mid-migration leaves the previous schema intact, and it is rolled back if any foreign
key is left dangling (the runner switched enforcement off for batch mode).
"""

from __future__ import annotations

from alembic import context

from icope_desktop.store.errors import StoreError
from icope_desktop.store.models import Base


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations with icope_desktop.store.migrations.upgrade()")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        transactional_ddl=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:  # roll the whole upgrade back rather than commit broken links
            raise StoreError()


if hasattr(context, "config"):  # set only while Alembic runs this file, not on import
    run_migrations()
