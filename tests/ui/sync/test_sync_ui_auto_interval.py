"""Audit item 5: the automatic sync follows the interval setting and waits while the
practitioner types; "Synchroniser maintenant" always runs."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit
from sync.conftest import desk, live, store_template, tariff_table  # noqa: F401

from icope_desktop.store.errors import InvalidData
from icope_desktop.sync.scheduler import Action
from icope_desktop.ui.sync.auto_sync import TYPING_HOLD_S, AutoSync, TypingWatcher
from icope_desktop.ui.sync.sync_panel import SyncPanel
from icope_desktop.ui.tasks import TaskRunner


def make_auto(qtbot, desk, now):  # noqa: F811
    panel = SyncPanel(desk.sync, TaskRunner())
    qtbot.addWidget(panel)
    clock = lambda: now[0]  # noqa: E731
    typing = TypingWatcher(clock)
    auto = AutoSync(panel, desk.sync, TaskRunner(), clock=clock, typing=typing,
                    tick_ms=60_000)
    auto.start()
    return panel, auto


def test_the_interval_comes_from_the_setting(qtbot, desk):  # noqa: F811
    assert desk.sync.sync_interval_minutes() == 15
    with pytest.raises(InvalidData):
        desk.sync.set_sync_interval(7)
    desk.sync.set_sync_interval(5)
    now = [1000.0]
    panel, auto = make_auto(qtbot, desk, now)
    with qtbot.waitSignal(panel.sync_finished, timeout=20_000):
        assert auto.tick() is Action.SYNC
    now[0] += 4 * 60
    assert auto.tick() is Action.NONE
    now[0] += 61
    with qtbot.waitSignal(panel.sync_finished, timeout=20_000):
        assert auto.tick() is Action.SYNC  # 5 min, not the old fixed 15

    desk.sync.set_sync_interval(60)
    now[0] += 20 * 60
    assert auto.tick() is Action.NONE
    now[0] += 40 * 60
    with qtbot.waitSignal(panel.sync_finished, timeout=20_000):
        assert auto.tick() is Action.SYNC
    auto.stop()


def test_typing_holds_back_an_automatic_sync_not_a_manual_one(qtbot, desk):  # noqa: F811
    now = [1000.0]
    panel, auto = make_auto(qtbot, desk, now)
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    qtbot.keyClicks(edit, "Appeler le Dr")  # the nurse types a note

    assert auto.tick() is Action.NONE  # due (never synced), but she is typing
    assert not panel.running
    now[0] += TYPING_HOLD_S - 1
    assert auto.tick() is Action.NONE
    now[0] += 2
    with qtbot.waitSignal(panel.sync_finished, timeout=20_000):
        assert auto.tick() is Action.SYNC  # the first tick after the pause

    qtbot.keyClicks(edit, " demain")
    with qtbot.waitSignal(panel.sync_finished, timeout=20_000):
        assert panel.start_sync() is True  # "Synchroniser maintenant" always runs
    auto.stop()
