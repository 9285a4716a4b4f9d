"""`icope-server billing export` and `evaluation export` on bad output paths: nothing is
claimed, the administrator reads what to fix, and an exported batch stays findable
(docs/SERVER.md §5; DESIGN.md "Billing": each act exported once, never lost)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from icope_server.billing import batches
from icope_server.cli import main as cli_main
from icope_server.models import BillingExport, BillingLine

from .bundles import visit_bundle
from .conftest import TEST_KEY


@pytest.fixture
def key_in_env(monkeypatch):
    monkeypatch.setenv("ICOPE_PSEUDONYM_KEY", TEST_KEY.hex())


def pending_acts(server) -> int:
    with server.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(BillingLine).where(
            BillingLine.status == "pending")) or 0)


def batch_count(server) -> int:
    with server.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(BillingExport)) or 0)


def export(server, out: Path, *extra: str) -> int:
    return cli_main(["billing", "export", "--database-url", server.settings.database_url,
                     "--out", str(out), *extra])


def test_a_mistyped_folder_claims_nothing_and_says_what_to_fix(server, tmp_path, capsys,
                                                             key_in_env):
    nurse = server.new_practitioner()
    bundle, urns = visit_bundle()
    assert nurse.post_bundle(bundle).status_code == 200
    pending, batches = pending_acts(server), batch_count(server)
    assert pending >= 1
    missing = tmp_path / "exprots-mars" / "billing.csv"
    assert export(server, missing) != 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "exprots-mars" in err and "n'existe pas" in err
    assert "Aucun acte n'a été marqué exporté" in err
    assert (pending_acts(server), batch_count(server)) == (pending, batches)
    assert not missing.parent.exists()
    # an existing folder given as --out: refused the same way, in English on request
    assert cli_main(["--lang", "en", "billing", "export", "--database-url",
                     server.settings.database_url, "--out", str(tmp_path)]) != 0
    err = capsys.readouterr().err
    assert "is a folder" in err and "No act was marked exported" in err
    assert pending_acts(server) == pending
    # corrected path: the acts are exported now, with no temporary file left behind
    good = tmp_path / "billing.csv"
    assert export(server, good) == 0
    rows = list(csv.DictReader(good.open(encoding="utf-8"), delimiter=";"))
    assert urns["charge"] in {row["act_id"] for row in rows}
    assert pending_acts(server) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["billing.csv"]


def test_a_read_only_folder_claims_nothing(server, tmp_path, capsys, key_in_env, monkeypatch):
    """The permission error as the OS raises it (the test runs as root on CI, where a
    chmod 500 folder would still be writable, so the write itself is made to refuse)."""
    import icope_server.cli as cli

    nurse = server.new_practitioner()
    assert nurse.post_bundle(visit_bundle()[0]).status_code == 200
    pending = pending_acts(server)

    def refused(path: Path, _text: str) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(cli, "_write_whole", refused)
    assert export(server, tmp_path / "billing.csv") != 0
    assert "droits insuffisants" in capsys.readouterr().err
    assert pending_acts(server) == pending


def test_a_file_that_fails_mid_write_rolls_the_claim_back(server, tmp_path, capsys,
                                                         key_in_env, monkeypatch):
    import icope_server.cli as cli

    nurse = server.new_practitioner()
    assert nurse.post_bundle(visit_bundle()[0]).status_code == 200
    pending, batches = pending_acts(server), batch_count(server)

    def disk_full(_path: Path, _text: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli, "_write_whole", disk_full)
    assert export(server, tmp_path / "billing.csv") != 0
    assert "disque plein" in capsys.readouterr().err
    assert (pending_acts(server), batch_count(server)) == (pending, batches)
    assert list(tmp_path.iterdir()) == []


def test_nothing_to_export_points_to_the_earlier_batches(server, tmp_path, capsys,
                                                        key_in_env):
    nurse = server.new_practitioner()
    bundle, _urns = visit_bundle()
    assert nurse.post_bundle(bundle).status_code == 200
    first = tmp_path / "first.csv"
    assert export(server, first) == 0
    capsys.readouterr()
    assert export(server, tmp_path / "again.csv") == 0
    out = capsys.readouterr().out
    assert "Aucun acte à exporter" in out
    last = batches(server.db)[-1].batch_id  # ids, not a count (PostgreSQL skips rolled-back)
    assert "billing batches" in out and f"--batch {last}" in out
    assert not (tmp_path / "again.csv").exists()
    # the hint works: the batch's file is written again, identical
    again = tmp_path / "again.csv"
    assert export(server, again, "--batch", str(last)) == 0
    assert again.read_bytes() == first.read_bytes()
    assert export(server, tmp_path / "x.csv", "--batch", "999999") != 0
    assert "billing batches" in capsys.readouterr().err


def test_evaluation_export_to_a_missing_folder_is_a_clear_refusal(server, tmp_path, capsys,
                                                                 key_in_env):
    assert cli_main(["evaluation", "export", "--database-url", server.settings.database_url,
                     "--out", str(tmp_path / "nope" / "eval.csv")]) != 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and "n'existe pas" in err


def test_alerts_import_of_a_missing_file_is_a_clear_refusal(server, tmp_path, capsys):
    assert cli_main(["alerts", "import", "--database-url", server.settings.database_url,
                     str(tmp_path / "alertes.csv")]) != 0
    err = capsys.readouterr().err
    assert "alertes.csv" in err and "n'existe pas" in err
