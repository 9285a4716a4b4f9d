"""The alerts inbox driven by clicks: link, create, confirm, invalidate, keep open."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from sync.alert_feed import person, put_alerts, unique_postcode
from sync.conftest import live, make_desk, store_template, tariff_table  # noqa: F401

from icope_desktop.store.records import AlertDecision, Identity, PatientData, Sex, VisitKind
from icope_desktop.ui.sync.alerts_inbox import AlertsInbox, DecisionDialog

LEFT = Qt.MouseButton.LeftButton


def test_inbox_three_decisions_by_clicks(qtbot, tmp_path, store_template, tariff_table, live,  # noqa: F811
                                         monkeypatch):
    asked: list[tuple[str, str]] = []
    answers = [False, True, True]  # the first final decision is cancelled in its dialog

    def ask(parent, title, text, ok, cancel=None):
        asked.append((title, text))
        return answers.pop(0)

    monkeypatch.setattr(DecisionDialog, "ask", classmethod(lambda cls, *a, **k: ask(*a, **k)))
    code = unique_postcode()
    desk = make_desk(tmp_path, store_template, tariff_table, live, territories=(code,))
    try:
        local = desk.store.patients.create_patient(
            PatientData(Identity("Chevalier", "Rose", date(1937, 6, 1), Sex.FEMALE),
                        postal_code=code))
        key = uuid.uuid4().hex[:8]
        put_alerts(live, [
            (f"I-{key}-1", person("Chevallier", "Rose", date(1937, 6, 1), code)),
            (f"I-{key}-2", person("Baron", "Louise", date(1946, 3, 8), code)),
            (f"I-{key}-3", person("Morel", "Henri", date(1943, 11, 20), code, gender="male")),
        ])
        assert desk.sync.sync_now().alerts_received == 3
        inbox = AlertsInbox(desk.alerts)
        qtbot.addWidget(inbox)
        inbox.show()
        assert inbox.alert_list.count() == 3

        def pick(name: str) -> None:
            row = next(i for i, a in enumerate(inbox.items) if (a.person_name or "") == name)
            inbox.select(row)

        # 1. uncertain match: shown, linked by a click, then invalidated with a reason
        pick("CHEVALLIER Rose")
        assert inbox.details_label.text().startswith("Étape 1 du ")
        assert "(auto-évaluation)" in inbox.details_label.text().splitlines()[0]
        assert not inbox.confirm_button.isEnabled()  # a final decision waits for the link
        link = inbox.findChild(type(inbox.confirm_button), "link_button_0")
        assert "CHEVALIER Rose" in link.text()
        qtbot.mouseClick(link, LEFT)
        assert inbox.current.task.patient_id == local
        inbox.reason_combo.setCurrentIndex(inbox.reason_combo.findData("moved"))
        qtbot.keyClicks(inbox.reason_edit, "parti en Bretagne")
        with qtbot.assertNotEmitted(inbox.alerts_changed):
            qtbot.mouseClick(inbox.invalidate_button, LEFT)  # cancelled: nothing happens
        assert desk.store.patients.get_patient(local).data.exited_on is None
        with qtbot.waitSignal(inbox.alerts_changed):
            qtbot.mouseClick(inbox.invalidate_button, LEFT)
        assert desk.store.patients.get_patient(local).data.exited_on is not None
        assert asked[1][0] == "Invalider l'alerte"
        assert "Motif : A déménagé (parti en Bretagne)" in asked[1][1]

        # 2. no local file: a new one from the alert, then confirmed -> Step 2 visit
        pick("BARON Louise")
        assert inbox.current.candidates == ()
        qtbot.mouseClick(inbox.create_file_button, LEFT)
        assert inbox.current.patient_name == "BARON Louise"
        with qtbot.waitSignal(inbox.visit_started) as started:
            qtbot.mouseClick(inbox.confirm_button, LEFT)
        visit = desk.store.visits.get_visit(started.args[0])
        assert visit.kind is VisitKind.STEP2 and len(visit.assessments) == 3
        assert asked[2][0] == "Confirmer l'alerte" and "BARON Louise" in asked[2][1]
        assert "définitive" in asked[2][1]

        # 3. neither: kept open, which needs a note, with a reminder
        pick("MOREL Henri")
        qtbot.mouseClick(inbox.keep_open_button, LEFT)
        assert "note" in inbox.message_label.text()
        inbox.note_edit.insertPlainText("Attendre le retour de l'hôpital")  # not ASCII
        inbox.reminder_check.setChecked(True)
        qtbot.mouseClick(inbox.keep_open_button, LEFT)
        assert [a.person_name for a in inbox.items] == ["MOREL Henri"]
        kept = inbox.items[0].task
        assert kept.decision is AlertDecision.OPEN and kept.reminder_on is not None
        assert "rappel le" in inbox.alert_list.item(0).text()

        assert len(asked) == 3  # keeping open asks nothing
        report = desk.sync.sync_now()
        assert (report.error, report.rejected) == (None, 0)
        statuses = {
            a.payload["id"]: desk.account.client.get(f"/Task/{a.payload['id']}").json()
            for a in [desk.store.alerts.get_task(i.id) for i in inbox.items]
        }
        assert [t["businessStatus"]["coding"][0]["code"] for t in statuses.values()] == [
            "kept-open"]
    finally:
        desk.store.close()
