"""Server settings panel: "Tester la connexion" against the live server and a dead port;
the token is kept encrypted in the store and never shown back."""

from __future__ import annotations

import socket

from PySide6.QtCore import Qt
from sync.conftest import desk, live, store_template, tariff_table  # noqa: F401

from icope_desktop.i18n import set_language
from icope_desktop.services.sync import ConnectionStatus
from icope_desktop.store.settings import SettingKey
from icope_desktop.ui.sync.server_settings import ServerSettingsPanel
from icope_desktop.ui.tasks import TaskRunner

LEFT = Qt.MouseButton.LeftButton


def make_panel(qtbot, desk):  # noqa: F811
    panel = ServerSettingsPanel(desk.sync, TaskRunner())
    qtbot.addWidget(panel)
    return panel


def test_connection_ok_then_dead_port(qtbot, desk, live):  # noqa: F811
    panel = make_panel(qtbot, desk)
    assert panel.url_edit.text() == live.url and panel.token_edit.text() == ""
    with qtbot.waitSignal(panel.checked, timeout=10_000) as ok:
        qtbot.mouseClick(panel.test_button, LEFT)
    assert ok.args[0].status is ConnectionStatus.OK
    assert panel.result_label.text().startswith("Connexion réussie : serveur « icope-server")

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]
    panel.url_edit.setText(f"http://127.0.0.1:{dead}/")
    set_language("en")
    with qtbot.waitSignal(panel.checked, timeout=10_000) as down:
        qtbot.mouseClick(panel.test_button, LEFT)
    assert down.args[0].status is ConnectionStatus.UNREACHABLE
    assert panel.result_label.text().startswith("Server unreachable")


def test_save_keeps_the_token_in_the_store_and_refuses_bad_input(qtbot, desk, live):  # noqa: F811
    panel = make_panel(qtbot, desk)
    panel.token_edit.setText("icp_new-token")
    panel.auto_sync_check.setChecked(False)
    with qtbot.waitSignal(panel.saved):
        qtbot.mouseClick(panel.save_button, LEFT)
    assert desk.store.settings.get(SettingKey.API_TOKEN) == "icp_new-token"
    assert desk.store.settings.get(SettingKey.AUTO_SYNC) is False
    assert panel.token_edit.text() == ""  # never displayed back

    panel.url_edit.setText("http://icope.example.fr/")  # plain HTTP off this machine
    qtbot.mouseClick(panel.save_button, LEFT)
    assert "https://" in panel.result_label.text()
    panel.url_edit.setText(live.url)
    panel.token_edit.setText("demo-icope-token-not-for-production")
    qtbot.mouseClick(panel.save_button, LEFT)
    assert "démo" in panel.result_label.text()
    assert desk.store.settings.get(SettingKey.API_TOKEN) == "icp_new-token"
