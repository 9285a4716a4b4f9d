"""`icope-server`: demo mode, production serving with several processes, admin commands
(issue 6 "Service", "Security", "Alerts", "Billing"; docs/SERVER.md)."""

from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import date
from pathlib import Path

import httpx
import pytest

from icope_server.cli import main as cli_main
from icope_server.codes import DEMO_TOKEN

from .bundles import visit_bundle

KEY_HEX = bytes(range(32)).hex()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "icope_server", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )


def read_until(process: subprocess.Popen, prefix: str, timeout: float = 30) -> list[str]:
    lines: list[str] = []
    found = threading.Event()

    def reader() -> None:
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith(prefix):
                found.set()

    threading.Thread(target=reader, daemon=True).start()
    if not found.wait(timeout):
        process.kill()
        shown = "\n".join(lines)
        raise AssertionError(f"no line starting with {prefix!r} in:\n{shown}")
    return lines


def wait_healthy(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("server did not become healthy")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_demo_mode_prints_its_token_and_serves_demo_alerts():
    port = free_port()
    process = start(["--demo", "--port", str(port)])
    try:
        lines = read_until(process, "token:")
        assert f"token: {DEMO_TOKEN}" in lines
        database_line = next(line for line in lines if "sqlite:///" in line)
        folder = Path(database_line.split("sqlite:///", 1)[1].split(" ", 1)[0]).parent
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url)
        feed = httpx.get(f"{url}/Task", headers={"Authorization": f"Bearer {DEMO_TOKEN}"}).json()
        assert feed["total"] >= 3
        for entry in feed["entry"]:
            task = entry["resource"]
            person = task["contained"][0]
            inputs = {i["type"]["coding"][0]["code"]: i for i in task["input"]}
            step1 = date.fromisoformat(inputs["step1-date"]["valueDate"])
            born = date.fromisoformat(person["birthDate"])
            assert (step1 - born).days / 365.25 >= 60
            assert person["address"][0]["postalCode"][:2] in ("44", "85")
            assert inputs["altered-count"]["valueInteger"] >= 3
            assert inputs["source"]["valueCode"] in ("self-assessment", "upstream-actor")
    finally:
        stop(process)
    assert process.returncode == 0
    assert not folder.exists()  # a trial leaves nothing behind


def test_production_needs_a_database_and_refuses_demo_with_one(tmp_path, capsys):
    assert cli_main([]) == 2
    assert "--database-url" in capsys.readouterr().err
    url = f"sqlite:///{tmp_path}/x.db"
    assert cli_main(["--demo", "--database-url", url]) == 2
    assert cli_main(["--no-migrate", "--database-url", url]) == 2
    assert "db upgrade" in capsys.readouterr().err


@pytest.fixture(scope="module")
def upgraded(database_url) -> str:
    assert cli_main(["db", "upgrade", "--database-url", database_url]) == 0
    assert cli_main(["db", "upgrade", "--database-url", database_url]) == 0  # idempotent
    return database_url


def token_of(output: str) -> str:
    (line,) = [line for line in output.splitlines() if line.startswith("token: ")]
    return line.removeprefix("token: ")


def test_token_commands(upgraded, capsys):
    rpps = "10001234567"
    assert cli_main(["token", "create", "--database-url", upgraded, "--rpps", rpps,
                     "--name", "Claire Moreau", "--expires-days", "365", "--territory", "44"]) == 0
    token = token_of(capsys.readouterr().out)
    assert token.startswith("icp_")
    assert cli_main(["token", "list", "--database-url", upgraded]) == 0
    listing = capsys.readouterr().out
    assert rpps in listing and token not in listing
    assert cli_main(["practitioner", "list", "--database-url", upgraded]) == 0
    assert "\t44\t" in capsys.readouterr().out
    assert cli_main(["token", "revoke", "--database-url", upgraded, "--rpps", rpps]) == 0
    assert cli_main(["token", "revoke", "--database-url", upgraded, "--rpps", rpps]) == 1
    assert cli_main(["--lang", "en", "token", "create", "--database-url", upgraded,
                     "--rpps", "123"]) == 2
    assert "11 digits" in capsys.readouterr().err


ALERTS_HEADER = ("alert_id;source;source_detail;step1_date;family_name;given_names;birth_date;"
                 "sex;ins_type;ins;address;postcode;city;phone;altered_domains;note")


def test_alerts_import_is_all_or_nothing_and_reports_cells_not_values(upgraded, tmp_path,
                                                                        capsys):
    key = uuid.uuid4().hex[:8]
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([
        ALERTS_HEADER,
        f"A-{key}-1;self-assessment;;2025-02-24;Zébulonne;Anne;1946-03-12;F;;;;44300;Nantes;;"
        "cognition|locomotion|humeur;",
        f"A-{key}-2;self-assessment;;2025-02-24;Bertin;Paul;1975-01-01;M;;;;44300;Nantes;;"
        "cognition|locomotion|vision;",
        f"A-{key}-3;pharmacie;;2025-02-24;Roux;Léa;1940-01-01;F;NIR;123;;4430;Nantes;;"
        "cognition|vision;",
    ]), encoding="utf-8")
    assert cli_main(["alerts", "import", str(bad), "--database-url", upgraded]) == 1
    out = capsys.readouterr().out
    assert "ligne 3, colonne birth_date" in out  # under 60
    for cell in ("ligne 4, colonne source", "ligne 4, colonne ins", "ligne 4, colonne postcode",
                 "ligne 4, colonne altered_domains"):
        assert cell in out
    assert "Zébulonne" not in out and "Bertin" not in out and "123" not in out.split("ligne")[0]
    good = tmp_path / "good.csv"
    good.write_text(ALERTS_HEADER + "\n" + "\n".join(
        f"A-{key}-{n};upstream-actor;Pharmacie;24/02/2025;Roux;Léa;1940-01-01;F;TEST-NIR;"
        f"240014410901234;1 rue Haute;85000;La Roche-sur-Yon;;cognition vision hearing;"
        for n in range(3)), encoding="utf-8-sig")
    assert cli_main(["alerts", "import", str(good), "--database-url", upgraded]) == 0
    assert "3 alerte(s) créée(s)" in capsys.readouterr().out
    assert cli_main(["alerts", "import", str(good), "--database-url", upgraded]) == 0
    assert "0 alerte(s) créée(s), 3 déjà importée(s)" in capsys.readouterr().out
    assert cli_main(["alerts", "status", "--database-url", upgraded]) == 0
    assert "open\t" in capsys.readouterr().out


def test_served_by_two_processes_on_one_database(upgraded, tmp_path, capsys):
    """Issue 6: stateless processes; two uvicorn workers share the database only."""
    assert cli_main(["token", "create", "--database-url", upgraded, "--rpps", "10009999999",
                     "--name", "Paul Physio"]) == 0
    token = token_of(capsys.readouterr().out)
    port = free_port()
    process = start(["--database-url", upgraded, "--port", str(port), "--workers", "2",
                     "--log-level", "warning"],
                    env={"ICOPE_PSEUDONYM_KEY": KEY_HEX})
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url)
        bundle, _ = visit_bundle()
        headers = {"Authorization": f"Bearer {token}"}
        results: list = [None] * 8

        def post(i: int) -> None:  # new connections: spread over both workers
            results[i] = httpx.post(f"{url}/", json=bundle, timeout=30,
                                    headers={**headers, "Idempotency-Key": f"w-{i}"})

        threads = [threading.Thread(target=post, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [r.status_code for r in results] == [200] * 8
        assert len({r.text.replace("201 Created", "200 OK") for r in results}) == 1
        assert httpx.get(f"{url}/Task", headers={"Authorization": f"Bearer {DEMO_TOKEN}"}
                         ).status_code == 401
    finally:
        stop(process)
    out = tmp_path / "billing.csv"
    env_key = {"ICOPE_PSEUDONYM_KEY": KEY_HEX}
    os.environ.update(env_key)
    try:
        assert cli_main(["billing", "export", "--database-url", upgraded, "--out", str(out)]) == 0
        rows = list(csv.DictReader(out.open(encoding="utf-8"), delimiter=";"))
        assert [r["practitioner_rpps"] for r in rows].count("10009999999") == 1
        assert cli_main(["billing", "export", "--database-url", upgraded, "--out",
                         str(tmp_path / "again.csv")]) == 0
        assert "Aucun acte à exporter" in capsys.readouterr().out
        evaluation = tmp_path / "evaluation.csv"
        assert cli_main(["evaluation", "export", "--database-url", upgraded, "--out",
                         str(evaluation)]) == 0
        assert "Martin" not in evaluation.read_text(encoding="utf-8")
    finally:
        del os.environ["ICOPE_PSEUDONYM_KEY"]
    assert cli_main(["evaluation", "export", "--database-url", upgraded, "--out",
                     str(tmp_path / "nokey.csv")]) == 2
    assert "ICOPE_PSEUDONYM_KEY" in capsys.readouterr().err


def test_migrations_build_exactly_the_models(upgraded):
    """A model change must travel with its Alembic revision (STYLE.md §6)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from icope_server.models import Base

    engine = create_engine(upgraded)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
