"""Alembic migrations: every release opens every earlier database, data intact."""

from __future__ import annotations

import dataclasses
import secrets
import sqlite3
import uuid
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from icope_desktop.store.engine import open_encrypted_engine, raw_connect
from icope_desktop.store.errors import SchemaTooNew
from icope_desktop.store.migrations import current_revision, downgrade, head_revision, upgrade
from icope_desktop.store.models import Base
from icope_desktop.store.records import RecordStatus
from icope_desktop.store.repositories import Repositories

NOW = "2024-05-02 10:00:00.000000"


@pytest.fixture
def old_database(tmp_path):
    """A database created by the first release (revision 0001) and used for a while."""
    key = secrets.token_bytes(32)
    path = tmp_path / "icope.db"
    engine = open_encrypted_engine(path, key)
    upgrade(engine, "0001")
    ids = {name: uuid.uuid4().hex for name in ("p1", "p2", "gp", "v1", "a1", "pr")}
    with engine.begin() as connection:
        run = connection.execute
        run(
            text(
                "INSERT INTO practitioner (id, last_name, first_name, profession, created_at, "
                "updated_at) VALUES (:pr, 'Durand', 'Claire', 'nurse', :now, :now)"
            ),
            {**ids, "now": NOW},
        )
        run(
            text(
                "INSERT INTO general_practitioner (id, last_name, first_name, created_at, "
                "updated_at) VALUES (:gp, 'Morel', 'Paul', :now, :now)"
            ),
            {**ids, "now": NOW},
        )
        patient_sql = text(
            "INSERT INTO patient (id, birth_name, used_name, first_names, birth_date, sex, "
            "ins_status, gp_id, created_at, updated_at) VALUES (:id, :birth, :used, :first, "
            ":born, 'F', 'provisional', :gp, :now, :now)"
        )
        run(patient_sql, {"id": ids["p1"], "birth": "Lefèvre", "used": "Dupont",
                          "first": "Marie-Thérèse", "born": "1950-03-12", "gp": ids["gp"],
                          "now": NOW})
        run(patient_sql, {"id": ids["p2"], "birth": "N'Diaye", "used": None,
                          "first": "Aïssatou", "born": "1958-03-12", "gp": None, "now": NOW})
        run(
            text(
                "INSERT INTO visit (id, patient_id, kind, status, performed_on, version, "
                "root_id, started_at, created_at, updated_at) VALUES (:v1, :p1, 'step1', "
                "'draft', '2024-05-02', 1, :v1, :now, :now, :now)"
            ),
            {**ids, "now": NOW},
        )
        run(
            text(
                "INSERT INTO assessment (id, visit_id, instrument_id, answers, result, status, "
                "created_at, updated_at) VALUES (:a1, :v1, 'step1', '{\"step1_c4\": 2}', "
                "'{\"altered\": true}', 'final', :now, :now)"
            ),
            {**ids, "now": NOW},
        )
        run(
            text(
                "UPDATE visit SET status = 'final', finalized_at = :now, finalized_by = :pr, "
                "evaluation = '{\"altered\": 1}' WHERE id = :v1"
            ),
            {**ids, "now": NOW},
        )
    engine.dispose()
    return path, key, ids


def test_upgrade_from_the_first_revision_keeps_and_indexes_the_data(old_database, tmp_path):
    path, key, ids = old_database
    engine = open_encrypted_engine(path, key)
    assert current_revision(engine) == "0001"
    assert upgrade(engine, snapshot_dir=tmp_path / "snapshots") is True
    assert current_revision(engine) == head_revision()
    assert upgrade(engine) is False  # nothing left to do

    repos = Repositories(engine)
    first = repos.patients.get_patient(uuid.UUID(ids["p1"]))
    assert (first.identity.birth_name, first.identity.used_name) == ("Lefèvre", "Dupont")
    assert [p.birth_name for p in repos.patients.search_patients("therese")] == ["Lefèvre"]
    assert [p.birth_name for p in repos.patients.search_patients("dupont mar")] == ["Lefèvre"]
    assert [p.birth_name for p in repos.patients.search_patients("ndiaye")] == ["N'Diaye"]
    assert [p.birth_name for p in repos.patients.search_patients("12/03")] == [
        "Lefèvre",
        "N'Diaye",
    ]
    due = repos.visits.list_due_followups(date(2024, 11, 2))  # last Step 1 backfilled
    assert [(d.patient_id.hex, d.due_on) for d in due] == [(ids["p1"], date(2024, 11, 2))]
    visit = repos.visits.get_visit(uuid.UUID(ids["v1"]))
    assert visit.status is RecordStatus.FINAL
    assert visit.assessment("step1").answers == {"step1_c4": 2}
    with engine.connect() as connection:  # the triggers survived the batch migration
        triggers = connection.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
        ).scalar()
    assert triggers == 12
    repos.close()

    [snapshot] = (tmp_path / "snapshots").iterdir()
    assert snapshot.name.startswith("pre-migration-0001-")
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(snapshot).execute("SELECT * FROM patient").fetchall()
    copy = raw_connect(snapshot, key.hex())
    assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert copy.execute("SELECT count(*) FROM patient").fetchone() == (2,)
    copy.close()


def test_models_and_migrations_describe_the_same_schema(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_then_upgrade_again(old_database):
    path, key, _ids = old_database
    engine = open_encrypted_engine(path, key)
    upgrade(engine)
    downgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_a_database_from_a_newer_release_is_refused_untouched(engine):
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(SchemaTooNew) as caught:
        upgrade(engine)
    assert "0099" in caught.value.message.fr
    assert current_revision(engine) == "0099"


def _count_triggers(engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
        ).scalar()


@pytest.fixture
def database_0002(tmp_path):
    """A database of revision 0002 whose visits kept the planned date in their JSON."""
    key = secrets.token_bytes(32)
    path = tmp_path / "icope.db"
    engine = open_encrypted_engine(path, key)
    upgrade(engine, "0002")
    ids = {name: uuid.uuid4().hex for name in ("pr", "p1", "p2", "v1", "v2", "v3", "a1", "a2",
                                                "a3")}
    with engine.begin() as connection:
        run = connection.execute
        run(text("INSERT INTO practitioner (id, last_name, first_name, profession, created_at, "
                 "updated_at) VALUES (:pr, 'Durand', 'Claire', 'nurse', :now, :now)"),
            {**ids, "now": NOW})
        for patient, name, last in (("p1", "Planned", "2024-05-02"), ("p2", "Default",
                                                                       "2024-05-02")):
            run(text("INSERT INTO patient (id, birth_name, first_names, birth_date, sex, "
                     "ins_status, sort_key, birth_date_key, last_step1_on, created_at, "
                     "updated_at) VALUES (:id, :name, 'Jeanne', '1940-01-01', 'F', "
                     "'provisional', :name, '01011940', :last, :now, :now)"),
                {"id": ids[patient], "name": name, "last": last, "now": NOW})
        visits = (
            # p1: version 1 planned 1 Sep, amended as version 2 planned 1 Aug
            ("v1", "a1", "p1", 1, "v1", None, '{"next_step1_due": "2024-11-02", '
             '"planned_follow_up": "2024-09-01"}'),
            ("v2", "a2", "p1", 2, "v1", "v1", '{"next_step1_due": "2024-11-02", '
             '"planned_follow_up": "2024-08-01"}'),
            ("v3", "a3", "p2", 1, "v3", None, '{"next_step1_due": "2024-11-02"}'),
        )
        for visit, assessment, patient, version, root, amends, evaluation in visits:
            run(text("INSERT INTO visit (id, patient_id, kind, status, performed_on, version, "
                     "root_id, amends_id, started_at, created_at, updated_at) VALUES (:v, :p, "
                     "'step1', 'draft', '2024-05-02', :version, :root, :amends, :now, :now, "
                     ":now)"),
                {"v": ids[visit], "p": ids[patient], "version": version, "root": ids[root],
                 "amends": ids[amends] if amends else None, "now": NOW})
            run(text("INSERT INTO assessment (id, visit_id, instrument_id, answers, result, "
                     "status, created_at, updated_at) VALUES (:a, :v, 'step1', '{\"C4\": 2}', "
                     "'{}', 'final', :now, :now)"),
                {"a": ids[assessment], "v": ids[visit], "now": NOW})
            run(text("UPDATE visit SET status = 'final', finalized_at = :now, finalized_by = "
                     ":pr, evaluation = :evaluation WHERE id = :v"),
                {"v": ids[visit], "pr": ids["pr"], "evaluation": evaluation, "now": NOW})
    engine.dispose()
    return path, key, ids


def test_upgrade_from_0002_moves_the_planned_date_out_of_the_json(database_0002):
    path, key, ids = database_0002
    engine = open_encrypted_engine(path, key)
    assert upgrade(engine, "0003") is True
    repos = Repositories(engine)
    view = repos.visits.get_visit(uuid.UUID(ids["v1"]))
    assert view.planned_follow_up_on == date(2024, 9, 1)
    assert repos.visits.get_visit(uuid.UUID(ids["v2"])).planned_follow_up_on == date(2024, 8, 1)
    assert repos.visits.get_visit(uuid.UUID(ids["v3"])).planned_follow_up_on is None
    assert view.assessment("step1").answers == {"C4": 2}  # the rest untouched
    # The amendment (version 2) is the patient's plan; the other patient keeps + 6 months.
    due = repos.visits.list_due_followups(date(2024, 11, 2))
    assert [(d.patient_id.hex, d.due_on, d.planned) for d in due] == [
        (ids["p1"], date(2024, 8, 1), True),
        (ids["p2"], date(2024, 11, 2), False),
    ]
    assert [d.patient_id.hex for d in repos.visits.list_due_followups(date(2024, 8, 1))] == [
        ids["p1"]
    ]
    assert _count_triggers(engine) == 12
    with pytest.raises(Exception, match="icope:immutable:visit"), engine.begin() as connection:
        connection.execute(text("UPDATE visit SET planned_follow_up_on = NULL WHERE id = :v"),
                           {"v": ids["v1"]})
    repos.close()


def test_downgrade_from_0003_puts_the_planned_date_back_in_the_json(database_0002):
    path, key, ids = database_0002
    engine = open_encrypted_engine(path, key)
    upgrade(engine, "0003")
    with engine.begin() as connection:  # as the JSON of a 0003 visit (key no longer written)
        connection.execute(text("DROP TRIGGER trg_visit_final_no_update"))
        connection.execute(text("UPDATE visit SET evaluation = json_remove(evaluation, "
                                "'$.planned_follow_up')"))
    downgrade(engine, "0002")
    assert _count_triggers(engine) == 12  # the dropped one is back too
    with engine.connect() as connection:
        evaluation = connection.execute(
            text("SELECT evaluation FROM visit WHERE id = :v"), {"v": ids["v2"]}
        ).scalar()
    assert '"planned_follow_up":"2024-08-01"' in evaluation.replace(" ", "")
    engine.dispose()


def test_upgrade_from_0003_gives_the_profile_an_empty_address(database_0002):
    path, key, ids = database_0002
    engine = open_encrypted_engine(path, key)
    upgrade(engine, "0003")
    assert upgrade(engine, "0004") is True
    repos = Repositories(engine)
    profile = repos.practitioner.get_profile()
    assert (profile.id.hex, profile.data.last_name, profile.data.address) == (
        ids["pr"], "Durand", None,
    )  # fmt: skip
    repos.practitioner.save_profile(
        dataclasses.replace(profile.data, address="4 rue de la Paix", postal_code="44000",
                            city="Nantes")
    )
    saved = repos.practitioner.get_profile().data
    assert (saved.address, saved.postal_code, saved.city) == ("4 rue de la Paix", "44000",
                                                              "Nantes")
    assert repos.visits.get_visit(uuid.UUID(ids["v1"])).finalized_by.hex == ids["pr"]
    assert _count_triggers(engine) == 12
    repos.close()
    downgrade(engine, "0003")
    assert current_revision(engine) == "0003"
    engine.dispose()


def test_upgrade_from_0004_backfills_when_each_patient_was_last_seen(database_0002):
    path, key, _ids = database_0002
    engine = open_encrypted_engine(path, key)
    upgrade(engine, "0004")
    with engine.begin() as connection:  # a third patient, never visited
        connection.execute(
            text("INSERT INTO patient (id, birth_name, first_names, birth_date, sex, "
                 "ins_status, sort_key, birth_date_key, created_at, updated_at) VALUES "
                 "(:id, 'Neuf', 'Paul', '1945-02-02', 'M', 'provisional', 'neuf paul', "
                 "'02021945', :now, :now)"),
            {"id": uuid.uuid4().hex, "now": NOW},
        )
    assert upgrade(engine, "0005") is True
    repos = Repositories(engine)
    listed = repos.patients.list_recently_seen(limit=10)
    seen = [(item.summary.birth_name, item.last_visit_on) for item in listed]
    assert set(seen[:2]) == {("Default", date(2024, 5, 2)), ("Planned", date(2024, 5, 2))}
    assert seen[2] == ("Neuf", None)  # never visited: after those seen
    by_name = {item.summary.birth_name: item for item in listed}
    assert by_name["Planned"].planned_step1_on == date(2024, 8, 1)
    assert _count_triggers(engine) == 12
    repos.close()
    downgrade(engine, "0004")
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_unlock_migrates_an_older_database_after_a_snapshot(tmp_path):
    """Issue 3: migrations apply by themselves on unlock, after an encrypted snapshot of
    the database as it was, and the data survives."""
    from icope_desktop.store.local_store import Store
    from icope_desktop.store.records import Identity, PatientData, Sex
    from icope_desktop.store.vault import FLOOR_KDF
    from store.factories import PASSPHRASE

    data_dir = tmp_path / "data"
    store, _key = Store.create(data_dir, PASSPHRASE, kdf=FLOOR_KDF)
    patient = store.patients.create_patient(
        PatientData(Identity("Guérin", "Marcelle", date(1941, 5, 2), Sex.FEMALE))
    )
    downgrade(store._engine, "0001")  # the database of the first release
    store.close()

    reopened = Store.unlock(data_dir, PASSPHRASE)
    try:
        assert current_revision(reopened._engine) == head_revision()
        assert reopened.patients.get_patient(patient).identity.birth_name == "Guérin"
    finally:
        reopened.close()
    [snapshot] = (data_dir / "snapshots").iterdir()
    assert snapshot.name.startswith("pre-migration-0001-")
    with pytest.raises(sqlite3.DatabaseError):  # encrypted like the database
        sqlite3.connect(snapshot).execute("SELECT * FROM patient").fetchall()
