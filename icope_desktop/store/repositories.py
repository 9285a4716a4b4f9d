"""All repositories over one engine: what the services and the sync worker call.

Built by `Store` after unlock, or directly over any engine at head (tests, benchmark):
`Repositories(engine)`. Every method opens and closes its own short session (see
`database.py` for the threading rule), so one `Repositories` object is shared by all
threads.
"""

from __future__ import annotations

from sqlalchemy import Engine

from icope_desktop.store.alerts import AlertTaskRepository
from icope_desktop.store.audit import AuditRepository
from icope_desktop.store.billing import BillingRepository, TariffTable
from icope_desktop.store.database import Database
from icope_desktop.store.letters import LetterRepository
from icope_desktop.store.outbox import OutboxRepository
from icope_desktop.store.patients import PatientRepository
from icope_desktop.store.practitioners import (
    GeneralPractitionerRepository,
    PractitionerRepository,
)
from icope_desktop.store.records import Clock, system_clock
from icope_desktop.store.settings import SettingsRepository
from icope_desktop.store.sync_state import SyncStateRepository
from icope_desktop.store.visits import VisitRepository


class Repositories:
    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock = system_clock,
        tariffs: TariffTable | None = None,
    ) -> None:
        self.db = Database(engine, clock)
        tariff_table = tariffs or TariffTable.load()
        self.practitioner = PractitionerRepository(self.db)
        self.gps = GeneralPractitionerRepository(self.db, self.practitioner)
        self.patients = PatientRepository(self.db, self.practitioner)
        self.settings = SettingsRepository(self.db)
        self.visits = VisitRepository(self.db, self.practitioner, tariff_table, self.settings)
        self.letters = LetterRepository(self.db, self.practitioner)
        self.billing = BillingRepository(self.db)
        self.alerts = AlertTaskRepository(self.db, tariff_table)
        self.outbox = OutboxRepository(self.db)
        self.sync_state = SyncStateRepository(self.db)
        self.audit = AuditRepository(self.db)

    def close(self) -> None:
        self.db.close()
