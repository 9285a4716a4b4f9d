"""The sync button → progress → summary; per-record status; automatic sync (pytest-qt)."""

from __future__ import annotations

import socket
from datetime import date

from PySide6.QtCore import Qt
from sync.conftest import desk, live, store_template, tariff_table  # noqa: F401
from sync.workload import add_patient, finalized_visit

from icope_desktop.store.records import EntityKind
from icope_desktop.store.settings import SettingKey
from icope_desktop.sync.scheduler import FIRST_PROBE_S, Action
from icope_desktop.ui.sync.auto_sync import AutoSync
from icope_desktop.ui.sync.record_status import RecordSyncBadge
from icope_desktop.ui.sync.sync_panel import SyncPanel
from icope_desktop.ui.tasks import TaskRunner


def test_sync_button_progress_and_summary(qtbot, desk, live):  # noqa: F811
    visits = [finalized_visit(desk.practice, add_patient(desk.practice, i), date(2025, 3, 3))
              for i in range(3)]
    runner = TaskRunner()
    panel = SyncPanel(desk.sync, runner)
    qtbot.addWidget(panel)
    badge = RecordSyncBadge(desk.sync)
    qtbot.addWidget(badge)
    badge.show_record(EntityKind.VISIT, visits[0])
    assert badge.text() == "En attente d'envoi"
    seen: list[tuple[int, int]] = []
    panel.progress_bar.valueChanged.connect(
        lambda v: seen.append((v, panel.progress_bar.maximum()))
    )

    with qtbot.waitSignal(panel.sync_started, timeout=2_000):
        qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    assert not panel.sync_button.isEnabled() and panel.progress_bar.isVisibleTo(panel)
    assert panel.start_sync() is False  # never two at once
    with qtbot.waitSignal(panel.sync_finished, timeout=30_000) as finished:
        pass

    report = finished.args[0]
    assert report.error is None and report.sent == 2 + 3 * 2 + 3 * 2
    assert (0, report.sent) in seen and (report.sent, report.sent) in seen
    assert panel.summary_label.full_text == "Synchronisé : 14 envoyé(s)"  # zeros left out
    assert panel.summary_label.toolTip().startswith(
        "14 dossier(s) envoyé(s) · 0 refusé(s) · 0 alerte(s)"
    )
    assert panel.sync_button.isEnabled() and not panel.progress_bar.isVisibleTo(panel)
    assert live.count("Encounter", desk.account.rpps) == 3
    badge.refresh()
    assert badge.text() == "Envoyé au serveur"


def test_a_refused_token_asks_for_a_new_one(qtbot, desk):  # noqa: F811
    desk.store.settings.set(SettingKey.API_TOKEN, "icp_revoked")
    panel = SyncPanel(desk.sync, TaskRunner())
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.token_needed, timeout=10_000):
        panel.start_sync()
    assert "jeton" in panel.summary_label.full_text
    assert panel.summary_label.full_text in panel.summary_label.toolTip()


def test_a_long_summary_gives_way_to_the_button(qtbot, desk):  # noqa: F811
    """At 1366x768 the status bar also holds the waiting count and the last sync time:
    the summary is cut with "…", never the "Synchroniser maintenant" button."""
    panel = SyncPanel(desk.sync, TaskRunner())
    qtbot.addWidget(panel)
    long = "Synchronisé : 1234 envoyé(s) · 12 refusé(s) · 5 alerte(s) reçue(s)"
    panel.summary_label.setText(long)
    panel.resize(panel.sync_button.sizeHint().width() + 120, 50)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.sync_button.width() >= panel.sync_button.sizeHint().width()
    shown = panel.summary_label.text()
    assert shown.endswith("…") and len(shown) < len(long)
    assert panel.summary_label.full_text == long


def test_automatic_sync_interval_offline_probe_and_return(qtbot, desk, live):  # noqa: F811
    now = [1000.0]
    allowed = [False]
    panel = SyncPanel(desk.sync, TaskRunner())
    qtbot.addWidget(panel)
    auto = AutoSync(panel, desk.sync, TaskRunner(), can_sync=lambda: allowed[0],
                    interval_s=900, clock=lambda: now[0])
    assert auto.tick() is Action.NONE  # locked: never

    allowed[0] = True
    desk.store.settings.set(SettingKey.AUTO_SYNC, False)
    assert auto.tick() is Action.NONE  # switched off: never
    desk.store.settings.set(SettingKey.AUTO_SYNC, True)

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]
    desk.store.settings.set(SettingKey.SERVER_URL, f"http://127.0.0.1:{dead}/")
    with qtbot.waitSignal(panel.sync_finished, timeout=20_000):
        assert auto.tick() is Action.SYNC
    assert not auto.schedule.online
    now[0] += FIRST_PROBE_S
    desk.store.settings.set(SettingKey.SERVER_URL, live.url)  # the network is back
    with qtbot.waitSignal(panel.sync_finished, timeout=20_000) as finished:
        assert auto.tick() is Action.PROBE  # cheap GET /metadata, then the sync itself
    assert finished.args[0].error is None
    assert auto.schedule.online
    now[0] += 10
    assert auto.tick() is Action.NONE  # not before the interval
    now[0] += 900
    with qtbot.waitSignal(panel.sync_finished, timeout=20_000):
        assert auto.tick() is Action.SYNC
