"""Visits: autosave and reopen, one-transaction finalize, immutability, amendments."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from icope_desktop.i18n import Text
from icope_desktop.store import visits as visits_module
from icope_desktop.store.billing import ACT_STEP1, ACT_STEP2, Tariff, TariffTable
from icope_desktop.store.errors import (
    AlreadyAmended,
    InvalidData,
    RecordNotFound,
    VisitFinalized,
    VisitNotFinal,
)
from icope_desktop.store.records import (
    CarePlanEntry,
    EntityKind,
    PractitionerData,
    Profession,
    RecordStatus,
    SyncStatus,
    VisitKind,
)
from icope_desktop.store.repositories import Repositories
from store.factories import patient_data

CARE_PLAN = [
    CarePlanEntry("locomotion", "multicomponent_exercise", Text("Exercice", "Exercise")),
    CarePlanEntry("vision", "eye_care", Text("Ophtalmologie", "Eye care"), note="RDV pris"),
]


@pytest.fixture
def patient_id(repos):
    return repos.patients.create_patient(patient_data())


@pytest.fixture
def draft(repos, patient_id):
    visit_id = repos.visits.start_visit(patient_id, VisitKind.STEP1, instruments=["step1"])
    assessment_id = repos.visits.open_assessment(visit_id, "step1")
    repos.visits.save_draft_answer(assessment_id, "step1_c4", 2)
    return visit_id, assessment_id


def _finalize(repos, visit_id, by, **overrides):
    arguments = {
        "results": {"step1": {"altered": True, "total": None}},
        "evaluation": {"domains": {"cognition": "altered"}},
        "care_plan": CARE_PLAN,
        "finalized_by": by,
    }
    arguments.update(overrides)
    return repos.visits.finalize_visit(visit_id, **arguments)


def test_every_answer_is_saved_at_once_and_reopening_restores_everything(
    engine, clock, patient_id
):
    repos = Repositories(engine, clock=clock)
    visit_id = repos.visits.start_visit(patient_id, VisitKind.STEP1, instruments=["step1"])
    step1 = repos.visits.open_assessment(visit_id, "step1")
    phq9 = repos.visits.open_assessment(visit_id, "phq9")
    assert repos.visits.open_assessment(visit_id, "phq9") == phq9  # one per instrument
    repos.visits.save_draft_answer(step1, "step1_c2", "correct")
    repos.visits.save_draft_answer(step1, "step1_l1", {"not_assessable": {"reason": "refused"}})
    repos.visits.save_draft_answer(phq9, "phq9_q1", 2)
    repos.visits.save_draft_answer(phq9, "phq9_q1", 3)  # changed its mind
    repos.visits.save_draft_answer(phq9, "phq9_q2", 1)
    repos.visits.save_draft_answer(phq9, "phq9_q2", None)  # cleared again
    repos.visits.save_visit_position(visit_id, {"instrument": "phq9", "item": "phq9_q2"})
    repos.close()  # the window closes: no Save click

    reopened = Repositories(engine, clock=clock)
    visit = reopened.visits.get_visit(visit_id)
    assert visit.status is RecordStatus.DRAFT
    assert visit.position == {"instrument": "phq9", "item": "phq9_q2"}
    assert visit.assessment("step1").answers == {
        "step1_c2": "correct",
        "step1_l1": {"not_assessable": {"reason": "refused"}},
    }
    assert visit.assessment("phq9").answers == {"phq9_q1": 3}
    assert [d.visit_id for d in reopened.visits.list_drafts()] == [visit_id]
    reopened.close()


def test_unserialisable_values_are_refused(repos, draft):
    _visit_id, assessment_id = draft
    for bad in (float("nan"), {1, 2}, object()):
        with pytest.raises(InvalidData):
            repos.visits.save_draft_answer(assessment_id, "x", bad)
    with pytest.raises(InvalidData):
        repos.visits.save_draft_answer(assessment_id, "", 1)


def test_finalize_writes_everything_in_one_go(repos, practitioner_id, draft, patient_id):
    visit_id, _assessment = draft
    report = _finalize(repos, visit_id, practitioner_id)
    visit = repos.visits.get_visit(visit_id)
    assert visit.status is RecordStatus.FINAL and visit.finalized_by == practitioner_id
    assert visit.assessment("step1").result == {"altered": True, "total": None}
    assert visit.assessment("step1").status is RecordStatus.FINAL
    assert visit.evaluation == {"domains": {"cognition": "altered"}}
    assert [c.code for c in visit.care_plan] == ["multicomponent_exercise", "eye_care"]
    assert visit.care_plan[1].note == "RDV pris"
    [line] = report.billing_lines
    assert (line.act_code, line.source_id, line.patient_id) == (ACT_STEP1, visit_id, patient_id)
    assert line.practitioner_rpps == "10003456789"
    entities = {(i.entity, i.entity_id) for i in repos.outbox.pending()}
    assert (EntityKind.VISIT, visit_id) in entities
    assert (EntityKind.BILLING_LINE, line.id) in entities
    assert repos.audit.list_events(entity_id=visit_id)[0].action == "visit.finalize"
    assert [d.visit_id for d in repos.visits.list_drafts()] == []


@pytest.mark.parametrize("failing", ["bill_act", "enqueue", "record_event"])
def test_a_failure_mid_finalize_leaves_nothing_partial(
    repos, practitioner_id, draft, monkeypatch, failing
):
    visit_id, _assessment = draft
    outbox_before = repos.outbox.counts()
    audit_before = len(repos.audit.list_events())

    def explode(*args, **kwargs):
        raise RuntimeError("disk pulled out mid-finalize")

    monkeypatch.setattr(visits_module, failing, explode)
    with pytest.raises(RuntimeError):
        _finalize(repos, visit_id, practitioner_id)
    monkeypatch.undo()

    visit = repos.visits.get_visit(visit_id)
    assert visit.status is RecordStatus.DRAFT and visit.care_plan == ()
    assert visit.assessment("step1").status is RecordStatus.DRAFT
    assert visit.assessment("step1").result is None
    assert repos.billing.list_lines() == []
    assert repos.outbox.counts() == outbox_before
    assert len(repos.audit.list_events()) == audit_before
    _finalize(repos, visit_id, practitioner_id)  # and it can still be finalized
    assert len(repos.billing.list_lines()) == 1


def test_finalized_visit_refuses_every_change_through_the_api(repos, practitioner_id, draft):
    visit_id, assessment_id = draft
    _finalize(repos, visit_id, practitioner_id)
    with pytest.raises(VisitFinalized):
        repos.visits.save_draft_answer(assessment_id, "step1_c4", 3)
    with pytest.raises(VisitFinalized):
        repos.visits.save_visit_position(visit_id, {})
    with pytest.raises(VisitFinalized):
        repos.visits.open_assessment(visit_id, "phq9")
    with pytest.raises(VisitFinalized):
        _finalize(repos, visit_id, practitioner_id)
    with pytest.raises(VisitFinalized):
        repos.visits.discard_draft(visit_id)
    assert repos.visits.get_visit(visit_id).assessment("step1").answers == {"step1_c4": 2}


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE visit SET performed_on = '2020-01-01'",
        "DELETE FROM visit",
        "UPDATE assessment SET answers = '{}'",
        "DELETE FROM assessment",
        "UPDATE care_plan_item SET note = 'changed'",
        "DELETE FROM care_plan_item",
        "UPDATE billing_line SET amount_cents = 1",
        "DELETE FROM billing_line",
        "UPDATE audit_event SET action = 'forged'",
        "DELETE FROM audit_event",
    ],
)
def test_triggers_refuse_raw_sql_changes_to_final_records(
    repos, engine, practitioner_id, draft, statement
):
    visit_id, _assessment = draft
    _finalize(repos, visit_id, practitioner_id)
    with engine.connect() as connection, pytest.raises(IntegrityError, match="icope:immutable"):
        connection.execute(text(statement))
    assert repos.visits.get_visit(visit_id).status is RecordStatus.FINAL


def test_trigger_refuses_adding_an_assessment_to_a_final_visit(
    repos, engine, practitioner_id, draft
):
    visit_id, _assessment = draft
    _finalize(repos, visit_id, practitioner_id)
    with engine.connect() as connection, pytest.raises(IntegrityError, match="icope:immutable"):
        connection.execute(
            text(
                "INSERT INTO assessment (id, visit_id, instrument_id, answers, status, "
                "created_at, updated_at) VALUES ('00000000000000000000000000000001', "
                ":visit, 'phq9', '{}', 'draft', '2025-01-01', '2025-01-01')"
            ),
            {"visit": visit_id.hex},
        )


def test_amend_creates_a_linked_draft_and_bills_nothing_twice(
    repos, practitioner_id, draft, clock
):
    visit_id, _assessment = draft
    _finalize(repos, visit_id, practitioner_id)
    clock.advance(days=2)
    amended_id = repos.visits.amend_visit(visit_id, practitioner_id)
    with pytest.raises(AlreadyAmended):
        repos.visits.amend_visit(visit_id, practitioner_id)

    amended = repos.visits.get_visit(amended_id)
    original = repos.visits.get_visit(visit_id)
    assert (amended.status, amended.version, amended.amends_id) == (RecordStatus.DRAFT, 2, visit_id)
    assert amended.root_id == visit_id and amended.performed_on == original.performed_on
    assert amended.assessment("step1").answers == {"step1_c4": 2}
    assert original.status is RecordStatus.FINAL  # untouched

    step1 = amended.assessment("step1").id
    repos.visits.save_draft_answer(step1, "step1_c4", 3)
    phq9 = repos.visits.open_assessment(amended_id, "phq9")
    repos.visits.save_draft_answer(phq9, "phq9_q1", 1)
    report = _finalize(
        repos, amended_id, practitioner_id, results={"step1": {"v": 2}, "phq9": {"total": 1}}
    )
    assert [line.act_code for line in report.billing_lines] == [ACT_STEP2]  # Step 1 billed once
    assert sorted(line.act_code for line in repos.billing.list_lines()) == [ACT_STEP1, ACT_STEP2]
    assert repos.visits.get_visit(visit_id).assessment("step1").answers == {"step1_c4": 2}
    history = repos.visits.list_visits(amended.patient_id)
    assert [(v.version, v.amended_by) for v in history] == [(2, None), (1, amended_id)]
    assert repos.audit.list_events(entity_id=amended_id)[-1].details == {
        "amends": str(visit_id),
        "version": 2,
    }


def test_a_draft_cannot_be_amended(repos, draft):
    visit_id, _assessment = draft
    with pytest.raises(VisitNotFinal):
        repos.visits.amend_visit(visit_id)


def test_step2_only_visit_bills_the_step2_act_once(repos, practitioner_id, patient_id):
    visit_id = repos.visits.start_visit(patient_id, VisitKind.STEP2, instruments=["mmse", "sppb"])
    repos.visits.save_draft_answer(repos.visits.open_assessment(visit_id, "mmse"), "mmse_o1", 5)
    report = _finalize(repos, visit_id, practitioner_id, results={"mmse": {"total": 5}})
    assert [line.act_code for line in report.billing_lines] == [ACT_STEP2]
    assert repos.visits.get_visit(visit_id).assessment("sppb").result is None


def test_amount_comes_from_the_dated_tariff(engine, clock, patient_id):
    tariffs = TariffTable(
        (
            Tariff(ACT_STEP1, Text("É1", "S1"), 2500, date(2023, 1, 1), date(2024, 12, 31)),
            Tariff(ACT_STEP1, Text("É1", "S1"), 3000, date(2025, 1, 1), None),
        )
    )
    repos = Repositories(engine, clock=clock, tariffs=tariffs)
    by = repos.practitioner.save_profile(PractitionerData("Adam", "Léa", Profession.NURSE))
    amounts = []
    for day in (date(2024, 6, 1), date(2025, 2, 1), date(2022, 1, 1)):
        visit_id = repos.visits.start_visit(patient_id, VisitKind.STEP1, performed_on=day)
        repos.visits.save_draft_answer(repos.visits.open_assessment(visit_id, "step1"), "c", 1)
        [line] = _finalize(repos, visit_id, by).billing_lines
        amounts.append((line.act_date, line.amount_cents))
    assert amounts == [
        (date(2024, 6, 1), 2500),
        (date(2025, 2, 1), 3000),
        (date(2022, 1, 1), None),  # no tariff in force: the act is still recorded
    ]
    repos.close()


def test_finalize_checks_its_input(repos, practitioner_id, draft):
    visit_id, _assessment = draft
    with pytest.raises(InvalidData):
        _finalize(repos, visit_id, practitioner_id, results={"mmse": {"total": 1}})
    with pytest.raises(InvalidData):
        _finalize(repos, visit_id, practitioner_id, care_plan=[CARE_PLAN[0], CARE_PLAN[0]])
    with pytest.raises(RecordNotFound):
        _finalize(repos, visit_id, __import__("uuid").uuid4())
    assert repos.visits.get_visit(visit_id).status is RecordStatus.DRAFT


def test_sync_status_of_a_finalized_visit(repos, practitioner_id, draft):
    visit_id, _assessment = draft
    assert repos.outbox.record_status(EntityKind.VISIT, visit_id) is None  # drafts stay local
    _finalize(repos, visit_id, practitioner_id)
    assert repos.outbox.record_status(EntityKind.VISIT, visit_id).status is SyncStatus.WAITING


def test_discarding_a_draft(repos, draft):
    visit_id, _assessment = draft
    repos.visits.discard_draft(visit_id)
    with pytest.raises(RecordNotFound):
        repos.visits.get_visit(visit_id)
    assert repos.audit.list_events(entity_id=visit_id)[0].action == "visit.discard"


def test_drafts_listed_most_recent_first_with_patient_name(repos, clock):
    first = repos.patients.create_patient(patient_data(birth_name="Aubert", used_name="Roche"))
    second = repos.patients.create_patient(patient_data(birth_name="Blin"))
    a = repos.visits.start_visit(first, VisitKind.STEP1, instruments=["step1"])
    clock.advance(minutes=1)
    b = repos.visits.start_visit(second, VisitKind.STEP2, instruments=["phq9", "mmse"])
    clock.advance(minutes=1)
    repos.visits.save_visit_position(a, {"item": "x"})
    drafts = repos.visits.list_drafts()
    assert [d.visit_id for d in drafts] == [a, b]
    assert drafts[0].patient_name == "ROCHE Jeanne (AUBERT)"
    assert drafts[1].instruments == ("phq9", "mmse")


def test_due_followups_six_months_after_the_last_step1(repos, practitioner_id):
    def screened(name: str, on: date, exited: date | None = None):
        patient = repos.patients.create_patient(patient_data(birth_name=name))
        visit = repos.visits.start_visit(patient, VisitKind.STEP1, performed_on=on)
        repos.visits.save_draft_answer(repos.visits.open_assessment(visit, "step1"), "c", 1)
        _finalize(repos, visit, practitioner_id, care_plan=[])
        if exited:
            data = repos.patients.get_patient(patient).data
            repos.patients.update_patient(patient, dataclasses.replace(data, exited_on=exited))
        return patient

    overdue = screened("Ancien", date(2024, 6, 1))
    due_today = screened("Pile", date(2024, 9, 10))
    end_of_month = screened("Fin", date(2024, 8, 31))  # + 6 months = 28 Feb 2025
    screened("Recent", date(2025, 1, 15))
    screened("Sorti", date(2024, 1, 1), exited=date(2024, 6, 1))
    drafted = repos.patients.create_patient(patient_data(birth_name="Brouillon"))
    repos.visits.start_visit(drafted, VisitKind.STEP1, instruments=["step1"])

    due = repos.visits.list_due_followups(date(2025, 3, 10))
    assert [(d.patient_id, d.due_on) for d in due] == [
        (overdue, date(2024, 12, 1)),
        (end_of_month, date(2025, 2, 28)),
        (due_today, date(2025, 3, 10)),
    ]
    assert [d.patient_id for d in repos.visits.list_due_followups(date(2025, 3, 9))] == [
        overdue,
        end_of_month,
    ]
    four_months = repos.visits.list_due_followups(date(2025, 5, 15), months=4)
    assert {d.patient_id for d in four_months} >= {overdue, due_today, end_of_month}
    assert len(four_months) == 4  # Recent (15 Jan) is due on 15 May with 4 months


def test_add_months_clamps_to_the_end_of_the_month():
    assert visits_module.add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert visits_module.add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert visits_module.add_months(date(2024, 11, 15), 2) == date(2025, 1, 15)
    assert visits_module.add_months(date(2024, 1, 15), -2) == date(2023, 11, 15)


def test_due_followups_honour_the_date_the_practitioner_planned(repos, practitioner_id):
    """Spec §1 Step 4: the practitioner may move the next Step 1; the list follows it."""

    def screened(name: str, on: date, planned: date | None):
        patient = repos.patients.create_patient(patient_data(birth_name=name))
        visit = repos.visits.start_visit(patient, VisitKind.STEP1, performed_on=on)
        repos.visits.save_draft_answer(repos.visits.open_assessment(visit, "step1"), "c", 1)
        _finalize(repos, visit, practitioner_id, care_plan=[], planned_follow_up=planned)
        return patient, visit

    earlier, earlier_visit = screened("Avance", date(2025, 1, 10), date(2025, 3, 1))
    later, _ = screened("Repousse", date(2024, 8, 1), date(2025, 6, 1))  # + 6 months: Feb
    default, _ = screened("Defaut", date(2024, 9, 1), None)

    due = repos.visits.list_due_followups(date(2025, 3, 10))
    assert [(d.patient_id, d.due_on, d.planned) for d in due] == [
        (earlier, date(2025, 3, 1), True),  # same day: by name, AVANCE first
        (default, date(2025, 3, 1), False),
    ]
    assert repos.visits.get_visit(earlier_visit).planned_follow_up_on == date(2025, 3, 1)
    assert [d.patient_id for d in repos.visits.list_due_followups(date(2025, 6, 1))] == [
        earlier, default, later,
    ]  # fmt: skip

    # A newer Step 1 without a planned date brings back "last Step 1 + 6 months".
    visit = repos.visits.start_visit(earlier, VisitKind.FOLLOW_UP, performed_on=date(2025, 3, 5))
    repos.visits.save_draft_answer(repos.visits.open_assessment(visit, "step1"), "c", 1)
    _finalize(repos, visit, practitioner_id, care_plan=[])
    assert earlier not in [d.patient_id for d in repos.visits.list_due_followups(date(2025, 9, 4))]
    assert earlier in [d.patient_id for d in repos.visits.list_due_followups(date(2025, 9, 5))]

    # An older visit finalized late (typed in afterwards) does not move the plan back.
    old = repos.visits.start_visit(later, VisitKind.STEP1, performed_on=date(2024, 2, 1))
    repos.visits.save_draft_answer(repos.visits.open_assessment(old, "step1"), "c", 1)
    _finalize(repos, old, practitioner_id, care_plan=[], planned_follow_up=date(2024, 5, 1))
    assert later not in [d.patient_id for d in repos.visits.list_due_followups(date(2025, 5, 31))]
