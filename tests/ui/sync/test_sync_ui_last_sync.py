"""Audit item 7: the last sync's time and outcome survive a restart of the app: the
status bar panel built at the next unlock says it again until the next sync."""

from __future__ import annotations

import socket

from sync.conftest import desk, live, store_template, tariff_table  # noqa: F401
from sync.workload import PASSPHRASE, add_patient

from icope_desktop.services.sync import SyncService
from icope_desktop.store.local_store import Store
from icope_desktop.store.settings import SettingKey
from icope_desktop.ui.sync.sync_panel import SyncPanel
from icope_desktop.ui.tasks import TaskRunner


def restarted_panel(qtbot, desk, tmp_path):  # noqa: F811
    """Close the store (the app quits) and open it again with a fresh service/panel."""
    desk.store.close()
    desk.store = Store.unlock(tmp_path / "desk", PASSPHRASE, tariffs=desk.tariffs)
    panel = SyncPanel(SyncService(desk.store.repos, tariffs=desk.tariffs), TaskRunner())
    qtbot.addWidget(panel)
    return panel


def when(report) -> str:
    local = report.finished_at.astimezone()
    return f"(le {local:%d/%m/%Y} à {local:%H:%M})"


def test_the_last_outcome_is_shown_again_after_a_restart(qtbot, desk, tmp_path):  # noqa: F811
    fresh = SyncPanel(desk.sync, TaskRunner())
    qtbot.addWidget(fresh)
    assert fresh.summary_label.full_text == ""  # never synced: nothing to say

    add_patient(desk.practice, 2)
    report = desk.sync.sync_now()
    assert report.error is None and report.sent == 3
    panel = restarted_panel(qtbot, desk, tmp_path)
    assert panel.summary_label.full_text == f"Synchronisé : 3 envoyé(s) {when(report)}"


def test_a_failed_last_sync_is_shown_again_after_a_restart(qtbot, desk, tmp_path):  # noqa: F811
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]
    desk.store.settings.set(SettingKey.SERVER_URL, f"http://127.0.0.1:{dead}/")
    report = desk.sync.sync_now()
    assert report.error is not None
    panel = restarted_panel(qtbot, desk, tmp_path)
    assert panel.summary_label.full_text == f"{report.error.message.fr} {when(report)}"
