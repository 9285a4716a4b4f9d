"""A real server on 127.0.0.1 (uvicorn in a thread) per test module, spoken to over HTTP.

Every module runs twice: on a fresh SQLite file, and on a fresh PostgreSQL database when
`ICOPE_TEST_PG_URL` is set (scripts/test-services starts one, so `scripts/test` and CI
always have it). Without it the PostgreSQL half fails, unless `ICOPE_TEST_ALLOW_NO_PG=1`
says to skip it.
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from icope_server.accounts import create_token, set_territories
from icope_server.app import create_app
from icope_server.db import Database
from icope_server.models import StoredResource
from icope_server.settings import Settings

PG_SKIP_REASON = (
    "PostgreSQL tests did not run: ICOPE_TEST_PG_URL is not set "
    "(scripts/test starts a throw-away PostgreSQL through scripts/test-services)"
)
TEST_KEY = bytes(range(32))


def no_postgres() -> None:
    """A missing PostgreSQL fails the run rather than skipping half the server tests
    unnoticed; `ICOPE_TEST_ALLOW_NO_PG=1` is the explicit way to run without it."""
    if os.environ.get("ICOPE_TEST_ALLOW_NO_PG") != "1":
        pytest.fail(PG_SKIP_REASON + "; set ICOPE_TEST_ALLOW_NO_PG=1 to skip them", False)
    pytest.skip(PG_SKIP_REASON)


def _pg_admin_url() -> str | None:
    return os.environ.get("ICOPE_TEST_PG_URL") or None


@contextmanager
def fresh_database(kind: str, tmp_dir: Any, label: str) -> Iterator[str]:
    """A new empty database for one module: a SQLite file, or a PostgreSQL database."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_dir}/server.db"
        return
    base = _pg_admin_url()
    if base is None:
        no_postgres()
    name = f"icope_{label}_{uuid.uuid4().hex[:8]}".lower()
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Practitioner:
    rpps: str
    name: str
    token: str
    practitioner_id: str
    client: httpx.Client

    def post_bundle(
        self, bundle: dict[str, Any], key: str | None = None, **headers: str
    ) -> httpx.Response:
        return self.client.post(
            "/",
            json=bundle,
            headers={"Idempotency-Key": key or str(uuid.uuid4()), **headers},
        )


@dataclass
class LiveServer:
    url: str
    db: Database
    settings: Settings
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, token: str | None = None, **kwargs: Any) -> httpx.Client:
        headers = {"Content-Type": "application/fhir+json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        client = httpx.Client(base_url=self.url, headers=headers, timeout=30, **kwargs)
        self.clients.append(client)
        return client

    def new_practitioner(
        self,
        territories: tuple[str, ...] = (),
        *,
        name: str = "Praticien de test",
        **token_args: Any,
    ) -> Practitioner:
        rpps = "".join(random.choice("0123456789") for _ in range(11))
        issued = create_token(self.db, rpps=rpps, name=name, **token_args)
        if territories:
            set_territories(self.db, rpps, list(territories))
        return Practitioner(
            rpps, name, issued.token, issued.practitioner_id, self.client(issued.token)
        )

    def count(self, resource_type: str, account_rpps: str | None = None) -> int:
        from icope_server.models import Account

        with self.db.read() as session:
            query = select(func.count()).select_from(StoredResource).where(
                StoredResource.resource_type == resource_type
            )
            if account_rpps is not None:
                query = query.join(Account, Account.id == StoredResource.account_id).where(
                    Account.rpps == account_rpps
                )
            return int(session.scalar(query) or 0)

    def close(self) -> None:
        for client in self.clients:
            client.close()


@contextmanager
def running_server(settings: Settings) -> Iterator[LiveServer]:
    db = Database(settings.database_url)
    db.upgrade()
    app = create_app(settings, db)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    live = LiveServer(f"http://127.0.0.1:{port}", db, settings)
    try:
        yield live
    finally:
        live.close()
        server.should_exit = True
        thread.join(timeout=15)
        db.dispose()


def server_settings(database_url: str, **changes: Any) -> Settings:
    base = Settings(
        database_url=database_url,
        pseudonym_key=TEST_KEY,
        letter_retry_base_seconds=0.2,
        letter_retry_max_seconds=1.0,
        dispatch_interval_seconds=0.1,
    )
    return base.with_changes(**changes)


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(request, tmp_path_factory) -> Iterator[str]:
    label = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")[:20]
    with fresh_database(request.param, tmp_path_factory.mktemp("db"), label) as url:
        yield url


@pytest.fixture(scope="module")
def server(database_url) -> Iterator[LiveServer]:
    with running_server(server_settings(database_url)) as live:
        yield live
