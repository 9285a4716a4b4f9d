"""Alembic migrations: every release opens every earlier database, data intact."""

from __future__ import annotations

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
    assert current_revision(engine) == head_revision() == "0002"
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
    assert current_revision(engine) == "0002"
    engine.dispose()


def test_a_database_from_a_newer_release_is_refused_untouched(engine):
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(SchemaTooNew) as caught:
        upgrade(engine)
    assert "0099" in caught.value.message.fr
    assert current_revision(engine) == "0099"
