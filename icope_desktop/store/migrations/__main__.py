"""Developer tool: `python -m icope_desktop.store.migrations "add x"` writes a revision.

Autogenerates against a throw-away encrypted database brought to the current head, so a
model change travels with its Alembic revision (STYLE.md §6) without any alembic.ini.
Review the file it writes: Alembic does not see triggers, and SQLite changes beyond ADD
COLUMN need batch mode (see script.py.mako).
"""

from __future__ import annotations

import secrets
import sys
import tempfile
from pathlib import Path

from alembic import command

from icope_desktop.store.engine import open_encrypted_engine
from icope_desktop.store.migrations import alembic_config, head_revision, upgrade_to_head


def main(argv: list[str] | None = None) -> int:
    message = " ".join(sys.argv[1:] if argv is None else argv).strip()
    if not message:
        print('usage: python -m icope_desktop.store.migrations "what the revision does"')
        return 2
    next_id = f"{int(head_revision()) + 1:04d}"
    with tempfile.TemporaryDirectory() as scratch:
        engine = open_encrypted_engine(Path(scratch) / "dev.db", secrets.token_bytes(32))
        try:
            upgrade_to_head(engine)
            config = alembic_config()
            with engine.connect() as connection:
                config.attributes["connection"] = connection
                command.revision(config, message=message, autogenerate=True, rev_id=next_id)
        finally:
            engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
