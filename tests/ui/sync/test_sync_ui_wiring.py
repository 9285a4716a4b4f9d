"""The sync part inside the real main window: status bar button, alerts and billing pages,
"Tester la connexion" in the settings, automatic sync stopped by the lock."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from sync.alert_feed import person, put_alerts, unique_postcode
from sync.conftest import live  # noqa: F401

from icope_desktop.app import build_window
from icope_desktop.services.session import AppSession, Setup
from icope_desktop.services.settings import ProfileForm, ServerForm
from icope_desktop.store.records import Profession
from icope_desktop.store.vault import FLOOR_KDF
from icope_desktop.ui.style import apply_style
from icope_desktop.ui.sync.wiring import install_sync

PASSPHRASE = "Tilleul-Loire-2024!"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def window(qtbot, tmp_path, live):  # noqa: F811
    account = live.new_practitioner((unique_postcode(),))
    session = AppSession(tmp_path / "data", kdf=FLOOR_KDF)
    session.create(Setup(ProfileForm("Durand", "Claire", Profession.NURSE), PASSPHRASE,
                         server=ServerForm(url=live.url, token=account.token, auto_sync=True)))
    session.lock()
    apply_style(QApplication.instance())
    made = build_window(tmp_path / "data", kdf=FLOOR_KDF)
    qtbot.addWidget(made)
    made.resize(1366, 768)
    made.show()
    from PySide6.QtWidgets import QLineEdit

    made.current_page().findChild(QLineEdit, "passphrase_edit").setText(PASSPHRASE)
    qtbot.mouseClick(made.current_page().findChild(QPushButton, "unlock_button"), LEFT)
    qtbot.waitUntil(lambda: made.services is not None and made.page_kind == "home",
                    timeout=20_000)
    made.account = account
    yield made
    made.close()
    shutil.rmtree(tmp_path / "data", ignore_errors=True)


def test_sync_controls_live_in_the_window(qtbot, window, live):  # noqa: F811
    wiring = install_sync(window, tick_ms=60_000)
    panel = window.status.findChild(QPushButton, "sync_button")
    assert panel is not None and panel.isVisible()

    with qtbot.waitSignal(wiring.panel.sync_finished, timeout=20_000) as done:
        qtbot.mouseClick(panel, LEFT)
    assert done.args[0].error is None
    assert live.count("Practitioner", window.account.rpps) >= 2

    qtbot.mouseClick(wiring.alerts_button, LEFT)
    assert window.page_kind == "alerts"
    qtbot.mouseClick(wiring.billing_button, LEFT)
    assert window.page_kind == "billing"

    window.open_settings()
    test_button = window.current_page().findChild(QPushButton, "test_connection_button")
    assert test_button is not None
    qtbot.mouseClick(test_button, LEFT)
    qtbot.waitUntil(lambda: wiring.test_task is None, timeout=10_000)
    assert "icope-server" in window.current_page().server_status.text()

    window.lock()
    assert wiring.auto is None and wiring.panel is None
    assert not wiring.alerts_button.isVisible()


def test_home_alert_opens_the_inbox_and_a_file_shows_its_status(qtbot, window, live):  # noqa: F811
    from datetime import date

    wiring = install_sync(window, tick_ms=60_000)
    code = live_territory(live, window.account.rpps)
    put_alerts(live, [(f"H-{date.today():%H%M%S%f}", person("Colin", "Marthe",
                                                              date(1941, 1, 2), code))])
    with qtbot.waitSignal(wiring.panel.sync_finished, timeout=20_000):
        wiring.panel.start_sync()
    window.show_home()
    home = window.current_page()
    assert home.alerts_list.count() == 1
    item = home.alerts_list.item(0)
    home.alerts_list.itemClicked.emit(item)
    assert window.page_kind == "alerts"
    inbox = window.current_page()
    assert inbox.current is not None and inbox.current.person_name == "COLIN Marthe"

    qtbot.mouseClick(inbox.create_file_button, LEFT)
    patient_id = inbox.current.task.patient_id
    window.open_patient(patient_id)
    badge = window.current_page().sync_badge
    assert badge.text() == "En attente d'envoi"
    with qtbot.waitSignal(wiring.panel.sync_finished, timeout=20_000):
        wiring.panel.start_sync()
    window.open_patient(patient_id)
    assert window.current_page().sync_badge.text() == "Envoyé au serveur"


def live_territory(server, rpps: str) -> str:
    from sqlalchemy import select

    from icope_server.models import Account, Territory

    with server.db.read() as session:
        return session.scalars(
            select(Territory.prefix).join(Account, Account.id == Territory.account_id)
            .where(Account.rpps == rpps)
        ).one()


def test_the_sync_interval_is_chosen_beside_the_auto_sync_box(qtbot, window):
    """Audit item 5: "Intervalle de synchronisation automatique" under the checkbox,
    saved in the store as soon as it is chosen, greyed while automatic sync is off."""
    from PySide6.QtWidgets import QComboBox

    wiring = install_sync(window, tick_ms=60_000)
    window.open_settings()
    page = window.current_page()
    combo = page.findChild(QComboBox, "sync_interval_combo")
    assert combo is not None
    qtbot.waitUntil(combo.isVisible, timeout=2_000)
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "toutes les 5 min", "toutes les 15 min", "toutes les 30 min", "toutes les 60 min"]
    assert combo.currentData() == 15
    checkbox = page.auto_sync_checkbox
    row = combo.parentWidget()
    assert abs(row.geometry().top() - checkbox.geometry().bottom()) < 30  # right under it

    combo.setCurrentIndex(combo.findData(30))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: wiring.interval_task is None, timeout=10_000)
    assert window.services.sync.sync_interval_minutes() == 30
    assert page.server_status.text() == "Synchronisation automatique toutes les 30 min."
    qtbot.mouseClick(checkbox, LEFT)
    assert not checkbox.isChecked() and not combo.isEnabled()

    window.show_home()
    window.open_settings()
    again = window.current_page().findChild(QComboBox, "sync_interval_combo")
    assert again.currentData() == 30
