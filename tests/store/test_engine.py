"""The engine fails closed, keys every connection and sets the durability pragmas."""

from __future__ import annotations

import secrets
import sqlite3

import pytest
from sqlalchemy import text

from icope_desktop.store.engine import KeyHolder, open_encrypted_engine
from icope_desktop.store.errors import DatabaseDamaged, NotEncrypted, StoreLocked


def test_stdlib_sqlite3_module_is_refused(tmp_path):
    """stdlib sqlite3 ignores PRAGMA key and would write plaintext: refuse it."""
    engine = open_encrypted_engine(tmp_path / "plain.db", secrets.token_bytes(32), dbapi=sqlite3)
    with pytest.raises(NotEncrypted) as caught, engine.connect():
        pass
    assert "SQLCipher" in caught.value.message.fr
    assert not (tmp_path / "plain.db").exists() or (tmp_path / "plain.db").stat().st_size == 0


def test_every_connection_gets_the_pragmas(engine):
    with engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "temp_store")
        }
        assert connection.exec_driver_sql("PRAGMA cipher_version").scalar()
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "temp_store": 2}


def test_key_never_in_the_url_and_parameters_hidden(engine, template_db):
    _path, key = template_db
    assert key.hex() not in str(engine.url).lower()
    assert not engine.url.query and engine.url.password is None
    assert engine.hide_parameters is True


def test_stdlib_sqlite3_cannot_read_the_database(engine):
    with engine.begin() as connection:
        connection.execute(text("SELECT count(*) FROM patient"))
    engine.dispose()
    plain = sqlite3.connect(engine.url.database)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        plain.execute("SELECT count(*) FROM sqlite_master").fetchall()
    plain.close()


def test_a_different_key_reports_a_damaged_file_not_a_wrong_passphrase(engine, template_db):
    """The vault proves the key, so a file that refuses it is damaged (issue 3)."""
    other = open_encrypted_engine(engine.url.database, secrets.token_bytes(32))
    with pytest.raises(DatabaseDamaged) as caught, other.connect():
        pass
    assert engine.url.database in caught.value.message.en


def test_a_cleared_key_stops_new_connections(tmp_path):
    holder = KeyHolder(secrets.token_bytes(32))
    engine = open_encrypted_engine(tmp_path / "x.db", holder)
    with engine.connect():
        pass
    engine.dispose()
    holder.clear()
    assert holder.is_cleared
    with pytest.raises(StoreLocked), engine.connect():
        pass


def test_database_errors_never_carry_bound_values(engine):
    """hide_parameters: an error about a patient row does not repeat the patient's name."""
    from sqlalchemy.exc import IntegrityError

    with engine.connect() as connection, pytest.raises(IntegrityError) as caught:
        connection.execute(
            text(
                "INSERT INTO patient (id, birth_name, first_names, birth_date, sex, ins_status, "
                "created_at, updated_at) VALUES (:id, :name, '', '1950-01-01', 'F', "
                "'provisional', '2025-01-01', '2025-01-01')"
            ),
            {"id": "0" * 32, "name": "Quasimodoza"},
        )
    assert "Quasimodoza" not in str(caught.value)
    assert "hidden" in str(caught.value)
