"""Patients: identity checks, INS uniqueness, updates, search as you type."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from icope_desktop.store.errors import DuplicateRecord, InvalidData, RecordNotFound
from icope_desktop.store.records import EntityKind, GpData, InsStatus, Sex, SyncStatus
from store.factories import patient_data, valid_ins


def test_create_and_read_back_every_field(repos):
    gp = repos.gps.create_gp(GpData("Morel", "Paul", rpps="10101010101"))
    data = patient_data(
        birth_name="  Lefèvre ",
        used_name="Dupont",
        first_names="Marie-Thérèse  Jeanne",
        ins=valid_ins("2480375123456"),
        ins_status=InsStatus.QUALIFIED,
        address="12 rue des Lilas",
        postal_code="44000",
        city="Nantes",
        phone="02 40 00 00 00",
        gp_id=gp,
        consent_given=True,
        consent_on=date(2025, 3, 1),
        lives_at_home=True,
        autonomous=True,
        eligibility_checked_on=date(2025, 3, 1),
    )
    patient_id = repos.patients.create_patient(data)
    patient = repos.patients.get_patient(patient_id)
    assert patient.identity.birth_name == "Lefèvre"  # trimmed
    assert patient.identity.first_names == "Marie-Thérèse Jeanne"  # spaces collapsed
    assert patient.data.gp_id == gp and patient.data.city == "Nantes"
    assert patient.data.consent_given and patient.data.consent_on == date(2025, 3, 1)
    assert repos.patients.find_by_ins(data.identity.ins).id == patient_id
    assert repos.outbox.record_status(EntityKind.PATIENT, patient_id).status is SyncStatus.WAITING


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"birth_name": "  "}, "birth_name"),
        ({"first_names": ""}, "first_names"),
        ({"birth_date": date(2090, 1, 1)}, "birth_date"),
        ({"ins": "248037512345600"}, "ins"),  # wrong key
        ({"ins": "24803751234"}, "ins"),  # too short
        ({"ins_status": InsStatus.QUALIFIED}, "ins_status"),  # qualified without INS
    ],
)
def test_bad_identity_is_refused_field_by_field(repos, changes, field):
    with pytest.raises(InvalidData) as caught:
        repos.patients.create_patient(patient_data(**changes))
    assert field in caught.value.problems
    assert caught.value.messages("en")[field]
    assert repos.patients.count_patients() == 0


def test_corsican_ins_key_is_computed_with_2a(repos):
    ins = valid_ins("152052A012345")
    repos.patients.create_patient(patient_data(ins=ins, sex=Sex.MALE))
    assert repos.patients.find_by_ins(ins) is not None


def test_one_ins_one_patient(repos):
    ins = valid_ins("2480375123456")
    repos.patients.create_patient(patient_data(ins=ins))
    with pytest.raises(DuplicateRecord) as caught:
        repos.patients.create_patient(patient_data(birth_name="Autre", ins=ins))
    assert "INS" in caught.value.message.fr


def test_unknown_gp_is_refused(repos):
    with pytest.raises(InvalidData):
        repos.patients.create_patient(patient_data(gp_id=__import__("uuid").uuid4()))


def test_update_changes_identity_search_and_audit(repos, clock):
    patient_id = repos.patients.create_patient(patient_data(birth_name="Bernard"))
    clock.advance(minutes=5)
    before = repos.patients.get_patient(patient_id)
    changed = dataclasses.replace(
        before.data, identity=dataclasses.replace(before.identity, used_name="Perrin")
    )
    repos.patients.update_patient(patient_id, changed)
    after = repos.patients.get_patient(patient_id)
    assert after.identity.used_name == "Perrin" and after.updated_at > before.updated_at
    assert [p.id for p in repos.patients.search_patients("perr")] == [patient_id]
    event = repos.audit.list_events(entity_id=patient_id)[0]
    assert event.action == "patient.update"
    assert event.details == {"fields": ["identity.used_name"]}  # field names, no values
    with pytest.raises(RecordNotFound):
        repos.patients.update_patient(__import__("uuid").uuid4(), changed)


def test_editing_offline_queues_the_patient_once(repos):
    patient_id = repos.patients.create_patient(patient_data())
    data = repos.patients.get_patient(patient_id).data
    for phone in ("0600000001", "0600000002", "0600000003"):
        repos.patients.update_patient(patient_id, dataclasses.replace(data, phone=phone))
    pending = [i for i in repos.outbox.pending() if i.entity is EntityKind.PATIENT]
    assert len(pending) == 1 and pending[0].revision == 4


@pytest.fixture
def people(repos):
    rows = [
        ("Lefèvre", "Dupont", "Marie-Thérèse", date(1950, 3, 12)),
        ("Dupond", None, "Jean", date(1948, 11, 2)),
        ("Martin", None, "Éloïse", date(1952, 3, 1)),
        ("Martinez", "Garcia", "Lucía", date(1947, 12, 30)),
        ("Dupuis", None, "Thérèse", date(1960, 1, 12)),
        ("N'Diaye", None, "Aïssatou", date(1958, 3, 12)),
    ]
    ids = repos.patients.create_patients(
        [
            patient_data(birth_name=b, used_name=u, first_names=f, birth_date=d)
            for b, u, f, d in rows
        ]
    )
    return dict(zip([r[0] for r in rows], ids, strict=True))


def _names(results):
    return [r.birth_name for r in results]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("lef", ["Lefèvre"]),
        ("LEFEV", ["Lefèvre"]),
        ("lefèv", ["Lefèvre"]),
        ("dup", ["Dupond", "Dupuis", "Lefèvre"]),  # birth names, then used name, sorted
        ("dupont", ["Lefèvre"]),  # used name
        ("therese", ["Dupuis", "Lefèvre"]),  # first names (accent folded)
        ("mar", ["Martin", "Martinez", "Lefèvre"]),  # Marie-Thérèse is a first name
        ("martin e", ["Martin"]),  # every word must match
        ("dup the", ["Dupuis", "Lefèvre"]),
        ("ndiaye", ["N'Diaye"]),  # joined words
        ("n diaye", ["N'Diaye"]),
        ("aissa", ["N'Diaye"]),
        ("garcia luc", ["Martinez"]),
        ("zzz", []),
        ("", []),
    ],
)
def test_search_on_names_as_you_type(repos, people, typed, expected):
    assert _names(repos.patients.search_patients(typed)) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12/03/1950", ["Lefèvre"]),
        ("12/03", ["Lefèvre", "N'Diaye"]),
        ("12/03/19", ["Lefèvre", "N'Diaye"]),
        ("12/0", ["Dupuis", "Lefèvre", "N'Diaye"]),
        ("12/01", ["Dupuis"]),
        ("1/3/1952", ["Martin"]),
        ("01/03/1952", ["Martin"]),
        ("12", ["Dupuis", "Lefèvre", "N'Diaye"]),
        ("31/02", []),
        ("12/03 lef", ["Lefèvre"]),
        ("12/3/50/1", []),
    ],
)
def test_search_on_birth_date_typed_french_style(repos, people, typed, expected):
    assert _names(repos.patients.search_patients(typed)) == expected


def test_search_respects_the_limit(repos):
    repos.patients.create_patients(
        [patient_data(birth_name=f"Moreau{n:02d}", birth_date=date(1950, 1, 1)) for n in range(30)]
    )
    found = repos.patients.search_patients("moreau", limit=7)
    assert _names(found) == [f"Moreau{n:02d}" for n in range(7)]


def test_patients_listed_most_recently_seen_first(repos, clock):
    """The home's list before anything is typed: latest visit first, drafts included;
    files never visited after them, newest first (issue 4: she sees her files)."""
    from icope_desktop.store.records import VisitKind

    def created(name: str):
        clock.advance(minutes=1)
        return repos.patients.create_patient(patient_data(birth_name=name))

    old_visit, _older_file, recent_visit, new_file, draft_only = (
        created(n) for n in ("Ancien", "Vieux", "Recent", "Nouveau", "Brouillon")
    )
    for patient, day in ((old_visit, date(2024, 6, 1)), (recent_visit, date(2025, 3, 1)),
                         (draft_only, date(2025, 1, 5)), (old_visit, date(2023, 1, 1))):
        repos.visits.start_visit(patient, VisitKind.STEP1, performed_on=day)
    listed = repos.patients.list_recently_seen(limit=10)
    assert [item.summary.birth_name for item in listed] == [
        "Recent", "Brouillon", "Ancien", "Nouveau", "Vieux",
    ]  # fmt: skip
    assert listed[2].last_visit_on == date(2024, 6, 1)  # the latest of its two visits
    assert listed[3].last_visit_on is None
    assert [i.summary.birth_name for i in repos.patients.list_recently_seen(limit=2)] == [
        "Recent", "Brouillon",
    ]  # fmt: skip

    # Discarding the only draft puts the file back among those never visited.
    [draft] = [d for d in repos.visits.list_drafts() if d.patient_id == draft_only]
    repos.visits.discard_draft(draft.visit_id)
    assert [i.summary.birth_name for i in repos.patients.list_recently_seen(limit=10)] == [
        "Recent", "Ancien", "Brouillon", "Nouveau", "Vieux",
    ]  # fmt: skip
    assert [i.summary.id for i in repos.patients.listings([new_file, recent_visit])] == [
        new_file, recent_visit,
    ]  # fmt: skip


def test_listing_the_first_patients_uses_the_index(repos, engine):
    with engine.connect() as connection:
        plan = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM patient "
            "ORDER BY last_visit_on DESC, created_at DESC LIMIT 30"
        ).all()
    detail = " ".join(str(row[-1]) for row in plan)
    assert "ix_patient_last_visit_on_created_at" in detail and "TEMP B-TREE" not in detail
