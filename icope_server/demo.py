"""`icope-server --demo`: a ready-to-try server on an embedded SQLite database.

Issue 6: no set-up for a trial; a documented demo token so `icope-desktop --demo` can be
preset for it; a few realistic alert Tasks for the demo practitioner (people aged 60+ in
Loire-Atlantique and Vendée with 3 or more altered capacities from self-assessment or
upstream actors, CONTEXT.md), so the desktop's alerts inbox has something to show. The
names are invented; the INS are test INS (`urn:oid:…4.10`).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from icope_server.accounts import create_token, list_accounts, set_territories
from icope_server.alerts_import import alerts_from_csv, import_alerts
from icope_server.codes import DEMO_TOKEN
from icope_server.db import Database

DEMO_RPPS = "99900000011"  # the desktop demo's practitioner (resources/demo/demo.yaml)
DEMO_NAME = "Claire Durand (IDE, démo)"
DEMO_EMAIL = "claire.durand@example.org"
DEMO_TERRITORIES = ("44", "85")
DATABASE_FILE = "icope-demo.db"
KEY_FILE = "pseudonym.key"


@dataclass(frozen=True, slots=True)
class DemoSetup:
    data_dir: Path
    database_url: str
    key_file: Path
    pseudonym_key: bytes


def prepare_demo_dir(data_dir: Path | None) -> DemoSetup:
    """The demo's folder (a new temporary one unless given), its database URL and its
    pseudonymisation key (created once, readable by the owner only)."""
    folder = data_dir or Path(tempfile.mkdtemp(prefix="icope-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    key_file = folder / KEY_FILE
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    key = bytes.fromhex(key_file.read_text(encoding="utf-8").strip())
    url = f"sqlite:///{(folder / DATABASE_FILE).resolve()}"
    return DemoSetup(folder, url, key_file, key)


def seed_demo(db: Database, *, threshold: int = 3, today: date | None = None) -> int:
    """Create the demo practitioner, his token and territories, and import the demo
    alerts; safe to run on every start (nothing is duplicated). Returns new alerts."""
    if not any(account.rpps == DEMO_RPPS for account in list_accounts(db)):
        create_token(
            db,
            rpps=DEMO_RPPS,
            name=DEMO_NAME,
            email=DEMO_EMAIL,
            label="demo",
            token=DEMO_TOKEN,
        )
    set_territories(db, DEMO_RPPS, list(DEMO_TERRITORIES))
    text = resources.files("icope_server").joinpath("demo_alerts.csv").read_text("utf-8")
    alerts = alerts_from_csv(text, threshold=threshold, today=today or date.today())
    return import_alerts(db, alerts).created
