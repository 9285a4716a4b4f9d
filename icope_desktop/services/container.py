"""`Services`: everything the UI may call once the store is unlocked.

Built in one place (`build_services`, called by `session.AppSession` after unlock), so
a widget receives what it needs in its constructor and nothing reaches for a global
(STYLE.md §1). `sync` may be None (a build without the sync part, some tests): the UI
then shows no sync controls. `demo=True` lets the sync service send the documented demo
token of `icope-server --demo` (it refuses it otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from icope_desktop.services.alerts import AlertsService
from icope_desktop.services.backups import BackupService
from icope_desktop.services.billing import BillingService
from icope_desktop.services.letters import LetterService
from icope_desktop.services.patients import PatientService
from icope_desktop.services.session import system_clock
from icope_desktop.services.settings import SettingsService
from icope_desktop.services.sync import SyncService
from icope_desktop.services.visits import VisitService
from icope_desktop.store import Store

Clock = Callable[[], datetime]


@dataclass
class Services:
    store: Store
    clock: Clock
    patients: PatientService
    settings: SettingsService
    backups: BackupService
    visits: VisitService
    letters: LetterService
    alerts: AlertsService
    billing: BillingService
    sync: SyncService | None = None

    def close(self) -> None:
        """Stop what runs in the background, then lock the store (wipes the key)."""
        stop = getattr(self.sync, "close", None)
        if callable(stop):
            stop()
        self.store.close()


def build_services(store: Store, clock: Clock = system_clock, *, demo: bool = False) -> Services:
    return Services(
        store=store,
        clock=clock,
        patients=PatientService(store, clock),
        settings=SettingsService(store, clock),
        backups=BackupService(store, clock),
        visits=VisitService(store, clock),
        letters=LetterService(store, clock),
        alerts=AlertsService(store.repos, clock),
        billing=BillingService(store.repos),
        sync=SyncService(store.repos, demo=demo, clock=clock),
    )
