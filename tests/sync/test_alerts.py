"""Issue 7 "Pull and alerts": pulled once, decided three ways, pushed back, billed."""

from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from icope_desktop.store.records import (
    AlertDecision,
    EntityKind,
    Identity,
    InsStatus,
    PatientData,
    Sex,
    SyncStatus,
    VisitKind,
)
from icope_desktop.store.settings import SettingKey
from icope_desktop.sync.pull import Puller
from icope_desktop.sync.transport import HttpTransport
from icope_server.accounts import find_account
from icope_server.models import Account, BillingLine
from icope_server.tasks import reassign
from sync.alert_feed import person, put_alerts, unique_postcode
from sync.conftest import make_desk
from sync.workload import ins_for

INS = ins_for("2400544109999")


@pytest.fixture
def territory_desk(tmp_path, store_template, tariff_table, live):
    postcode = unique_postcode()
    desk = make_desk(tmp_path, store_template, tariff_table, live, territories=(postcode,))
    desk.postcode = postcode
    yield desk
    desk.store.close()


def local_patient(desk, family, given, birth, *, ins=None, phone=None):
    return desk.store.patients.create_patient(
        PatientData(
            identity=Identity(family, given, birth, Sex.FEMALE, ins=ins,
                              ins_status=InsStatus.QUALIFIED if ins else InsStatus.PROVISIONAL),
            postal_code=desk.postcode,
            phone=phone,
        )
    )


def server_task(desk, task):
    return desk.account.client.get(f"/Task/{task.server_id}").json()


def alert_billing_lines(live, rpps):
    with live.db.read() as session:
        return session.scalars(
            select(BillingLine.act_code)
            .join(Account, Account.id == BillingLine.account_id)
            .where(Account.rpps == rpps, BillingLine.act_code == "alert-decision")
        ).all()


def test_alerts_pulled_decided_three_ways_pushed_and_billed(territory_desk, live):
    desk = territory_desk
    code = desk.postcode
    by_ins = local_patient(desk, "Martin", "Jeanne", date(1940, 5, 3), ins=INS)
    similar = local_patient(desk, "Dubois", "Odette", date(1938, 7, 14))
    key = uuid.uuid4().hex[:8]
    put_alerts(live, [
        (f"A-{key}-1", person("Martin", "Jeanne", date(1940, 5, 3), code, ins=INS)),
        (f"A-{key}-2", person("Duboys", "Odette", date(1938, 7, 14), code)),
        (f"A-{key}-3", person("Lemoine", "Yvette", date(1945, 1, 9), code)),
    ])

    first = desk.sync.sync_now()

    assert first.error is None
    assert first.alerts_received == 3
    assert first.patients_linked == 1
    inbox = {a.person_name: a for a in desk.alerts.inbox()}
    assert set(inbox) == {"MARTIN Jeanne", "DUBOYS Odette", "LEMOINE Yvette"}
    martin, duboys, lemoine = (inbox[n] for n in ("MARTIN Jeanne", "DUBOYS Odette",
                                                   "LEMOINE Yvette"))
    assert martin.task.patient_id == by_ins and not martin.needs_link
    assert duboys.needs_link and [c.patient_id for c in duboys.candidates] == [similar]
    assert lemoine.needs_link and lemoine.candidates == ()
    assert martin.proposed_step2 == ("mmse", "sppb", "phq9")

    visit_id = desk.alerts.confirm(martin.id, note="Étape 2 prévue jeudi")
    desk.alerts.link_patient(duboys.id, similar)  # "Lier à ce dossier"
    desk.alerts.invalidate(duboys.id, "refused", "ne souhaite pas de suivi")
    desk.alerts.keep_open(lemoine.id, "Rappeler la fille lundi", reminder_on=date(2025, 3, 10))

    visit = desk.store.visits.get_visit(visit_id)
    assert (visit.kind, visit.alert_task_id) == (VisitKind.STEP2, martin.id)
    assert [a.instrument_id for a in visit.assessments] == ["mmse", "sppb", "phq9"]
    assert desk.store.patients.get_patient(similar).data.exited_on is not None
    assert [a.id for a in desk.alerts.inbox()] == [lemoine.id]

    second = desk.sync.sync_now()

    assert (second.error, second.rejected, second.alerts_received) == (None, 0, 0)
    assert desk.store.outbox.counts()[SyncStatus.WAITING] == 0
    confirmed = server_task(desk, martin.task)
    assert (confirmed["status"], confirmed["businessStatus"]["coding"][0]["code"]) == (
        "completed", "confirmed")
    invalidated = server_task(desk, duboys.task)
    assert invalidated["businessStatus"]["coding"][0]["code"] == "invalidated"
    assert invalidated["statusReason"]["coding"][0]["code"] == "refused"
    kept = server_task(desk, lemoine.task)
    assert (kept["status"], kept["note"][0]["text"]) == ("in-progress", "Rappeler la fille lundi")
    assert alert_billing_lines(live, desk.account.rpps) == ["alert-decision", "alert-decision"]

    third = desk.sync.sync_now()  # the decisions came back in the feed: nothing re-created
    assert (third.alerts_received, third.sent) == (0, 0)
    assert [a.id for a in desk.alerts.inbox()] == [lemoine.id]
    assert desk.store.alerts.get_task(lemoine.id).decision is AlertDecision.OPEN

    new_file = desk.alerts.create_patient_from_alert(lemoine.id)  # "Créer un nouveau dossier"
    assert desk.alerts.get(lemoine.id).patient_name == "LEMOINE Yvette"
    assert desk.store.patients.get_patient(new_file).data.postal_code == code


def test_a_reassigned_alert_leaves_the_inbox(territory_desk, live):
    desk = territory_desk
    put_alerts(live, [(f"R-{uuid.uuid4().hex[:8]}",
                       person("Garnier", "Lucie", date(1944, 2, 2), desk.postcode))])
    assert desk.sync.sync_now().alerts_received == 1
    [alert] = desk.alerts.inbox()
    other = live.new_practitioner(())

    def move(session):
        return reassign(session, alert.task.payload["identifier"][1]["value"],
                        find_account(session, other.rpps))

    assert live.db.write(move)

    report = desk.sync.sync_now()

    assert report.alerts_removed == 1
    assert desk.alerts.inbox() == []


def test_pull_links_an_exact_match_and_updates_contact_details(territory_desk, live):
    desk = territory_desk
    patient_id = local_patient(desk, "Renaud", "Paulette", date(1939, 9, 9), phone="0240000000")
    desk.sync.sync_now()  # the local file is synced: no unsynced edit left
    put_alerts(live, [(f"C-{uuid.uuid4().hex[:8]}",
                       person("Renaud", "Paulette", date(1939, 9, 9), desk.postcode,
                              phone="0251998877"))])

    report = desk.sync.sync_now()

    [alert] = desk.alerts.inbox()
    assert alert.task.patient_id == patient_id
    assert report.patients_linked == 1
    assert desk.store.patients.get_patient(patient_id).data.phone == "0251998877"
    assert [n.en for n in report.notices] == [
        "RENAUD Paulette: contact details updated from the server."]


def test_pull_never_overwrites_an_unsynced_local_edit(territory_desk, live):
    desk = territory_desk
    patient_id = local_patient(desk, "Faure", "Ginette", date(1941, 4, 4), phone="0240000001")
    put_alerts(live, [(f"U-{uuid.uuid4().hex[:8]}",
                       person("Faure", "Ginette", date(1941, 4, 4), desk.postcode,
                              phone="0251000000"))])
    assert desk.store.outbox.record_status(EntityKind.PATIENT, patient_id).status is (
        SyncStatus.WAITING)
    url, token = desk.store.settings.get(SettingKey.SERVER_URL), desk.account.token

    with HttpTransport(url, token) as transport:  # a pull alone: the edit is still unsent
        report = Puller(desk.store.repos, transport).pull(lambda *a: None, threading.Event())

    [alert] = desk.alerts.inbox()
    assert alert.task.patient_id == patient_id
    assert desk.store.patients.get_patient(patient_id).data.phone == "0240000001"
    assert [n.en for n in report.notices] == [
        "FAURE Ginette: contact details differ on the server; your newer version is kept."]


def test_a_cursor_ahead_of_a_restored_server_restarts_the_feed(territory_desk, live):
    desk = territory_desk
    put_alerts(live, [(f"K-{uuid.uuid4().hex[:8]}",
                       person("Perrin", "Agathe", date(1942, 8, 8), desk.postcode))])
    desk.store.sync_state.save("tasks", "999999")  # as if the server lost its last changes

    report = desk.sync.sync_now()

    assert (report.error, report.alerts_received) == (None, 1)
    cursor = desk.store.sync_state.get("tasks").cursor
    assert cursor is not None and cursor != "999999"
    assert desk.sync.sync_now().alerts_received == 0  # the server's cursor was kept


def test_an_alert_whose_ins_key_is_wrong_still_makes_a_file(territory_desk, live):
    """An upstream INS whose key does not match is a typo, not a qualified identity: it
    is dropped, so "Créer un nouveau dossier" works (the store would refuse the INS)."""
    desk = territory_desk
    bad = INS[:13] + f"{(int(INS[13:]) + 1) % 100:02d}"
    put_alerts(live, [(f"K-{uuid.uuid4().hex[:8]}",
                       person("Ferrand", "Lucie", date(1944, 4, 4), desk.postcode, ins=bad))])
    assert desk.sync.sync_now().alerts_received == 1
    [alert] = desk.alerts.inbox()
    patient_id = desk.alerts.create_patient_from_alert(alert.id)
    identity = desk.store.patients.get_patient(patient_id).identity
    assert (identity.birth_name, identity.ins, identity.ins_status) == (
        "Ferrand", None, InsStatus.PROVISIONAL)
