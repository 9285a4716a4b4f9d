"""Load on the reference server: 50 practitioners each posting 20 visit Bundles at once.

Issue 6 "Benchmark": throughput, p50/p95 latency and errors (target 0) on loopback, on
SQLite and on PostgreSQL. The server runs as in production, `icope-server` in its own
process(es); the clients are one asyncio process with one connection per practitioner.
The baseline, measured in the same run on the same database, is one practitioner posting
the same kind of Bundles one after the other; the ratios compare the load to it.

    .venv/bin/python benchmarks/server_load.py [--practitioners 50] [--bundles 20]

PostgreSQL: uses ICOPE_TEST_PG_URL when set, otherwise starts (and stops) the throw-away
cluster of scripts/test-services.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from icope_server.accounts import create_token  # noqa: E402
from icope_server.db import Database  # noqa: E402
from icope_server.models import StoredResource  # noqa: E402
from tests.server.bundles import visit_bundle  # noqa: E402


@dataclass
class Run:
    label: str
    bundles: int
    resources: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def throughput(self) -> float:
        return self.bundles / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index] * 1000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(url: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "icope_server", "--database-url", url, "--port", str(port),
         "--workers", str(workers), "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                time.sleep(1.0 if workers > 1 else 0)  # let every worker finish starting
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def stop_server(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


async def practitioner(base: str, token: str, bodies: list[bytes], latencies: list[float],
                       errors: list[str]) -> None:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as client:
        for body in bodies:
            started = time.perf_counter()
            try:
                response = await client.post("/", content=body,
                                             headers={"Idempotency-Key": str(uuid.uuid4())})
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {response.text[:200]}")
            except httpx.HTTPError as error:
                errors.append(type(error).__name__)
            latencies.append(time.perf_counter() - started)


def prepare(db: Database, count: int, bundles: int) -> list[tuple[str, list[bytes], int]]:
    work = []
    for n in range(count):
        issued = create_token(db, rpps=f"{90000000000 + n + int(time.time()) % 1000000:011d}",
                              name=f"Praticien {n}")
        bodies, resources = [], 0
        for b in range(bundles):
            bundle, _ = visit_bundle(day=f"2025-{1 + b % 12:02d}-{1 + n % 28:02d}")
            resources += len(bundle["entry"])
            bodies.append(json.dumps(bundle).encode())
        work.append((issued.token, bodies, resources))
    return work


async def load(base: str, work: list[tuple[str, list[bytes], int]]) -> tuple[float, list[float],
                                                                           list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    await asyncio.gather(*(practitioner(base, token, bodies, latencies, errors)
                           for token, bodies, _ in work))
    return time.perf_counter() - started, latencies, errors


def measure(label: str, url: str, workers: int, practitioners: int, bundles: int) -> list[Run]:
    db = Database(url)
    db.upgrade()
    baseline_work = prepare(db, 1, bundles)
    load_work = prepare(db, practitioners, bundles)
    process, base = start_server(url, workers)
    try:
        asyncio.run(load(base, prepare(db, 4, 3)))  # warm-up: every worker, its pool
        seconds, latencies, errors = asyncio.run(load(base, baseline_work))
        baseline = Run(f"{label}, 1 practitioner, serial", bundles,
                       baseline_work[0][2], seconds, latencies, len(errors))
        seconds, latencies, errors = asyncio.run(load(base, load_work))
        loaded = Run(f"{label}, {practitioners} practitioners", practitioners * bundles,
                     sum(w[2] for w in load_work), seconds, latencies, len(errors))
        for error in sorted(set(errors))[:5]:
            print(f"  error: {error}")
    finally:
        stop_server(process)
    with db.read() as session:
        encounters = session.scalar(select(func.count()).select_from(StoredResource).where(
            StoredResource.resource_type == "Encounter"))
    expected = bundles * (practitioners + 1) + 4 * 3  # load, baseline, warm-up
    print(f"  stored encounters: {encounters} (expected {expected}) "
          f"{'ok' if encounters == expected else 'MISMATCH'}")
    if encounters != expected:
        loaded.errors += abs(expected - int(encounters or 0))
    db.dispose()
    return [baseline, loaded]


def report(runs: list[Run]) -> None:
    print()
    print(f"{'run':<44} {'bundles':>7} {'res.':>6} {'s':>6} {'bundles/s':>9} {'res/s':>7} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'errors':>6}")
    for run in runs:
        print(f"{run.label:<44} {run.bundles:>7} {run.resources:>6} {run.seconds:>6.1f} "
              f"{run.throughput:>9.1f} {run.resources / run.seconds:>7.0f} "
              f"{run.percentile(50):>7.0f} {run.percentile(95):>7.0f} {run.errors:>6}")
    print()
    for baseline, loaded in zip(runs[::2], runs[1::2], strict=True):
        print(f"{loaded.label}: throughput x{loaded.throughput / baseline.throughput:.1f} of "
              f"serial, p95 latency x{loaded.percentile(95) / baseline.percentile(50):.1f} of "
              "serial p50")


def start_postgres() -> tuple[str, dict[str, str] | None]:
    if os.environ.get("ICOPE_TEST_PG_URL"):
        return os.environ["ICOPE_TEST_PG_URL"], None
    script = ("set -euo pipefail; source scripts/test-services; start_test_services >/dev/null; "
              'echo "$ICOPE_TEST_PG_URL"; echo "$ICOPE_TEST_PG_DIR"; echo "$ICOPE_TEST_PG_BINDIR"')
    out = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    if len(out) < 3:
        raise RuntimeError("scripts/test-services found no PostgreSQL")
    return out[0], {"ICOPE_TEST_PG_DIR": out[1], "ICOPE_TEST_PG_BINDIR": out[2]}


def stop_postgres(state: dict[str, str] | None) -> None:
    if state is not None:
        subprocess.run(["bash", "-c", "source scripts/test-services; stop_test_services"],
                       cwd=ROOT, env={**os.environ, **state}, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--practitioners", type=int, default=50)
    parser.add_argument("--bundles", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-workers", type=int, default=2)
    args = parser.parse_args()
    runs: list[Run] = []
    backends = args.backends.split(",")
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as folder:
            print("SQLite, 1 process")
            runs += measure("SQLite, 1 process", f"sqlite:///{folder}/bench.db", 1,
                            args.practitioners, args.bundles)
    if "postgresql" in backends:
        admin_url, state = start_postgres()
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            for workers in sorted({1, args.pg_workers}):
                label = f"PostgreSQL, {workers} process{'es' if workers > 1 else ''}"
                print(label)
                name = f"icope_bench_{uuid.uuid4().hex[:8]}"
                with admin.connect() as connection:
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
                url = make_url(admin_url).set(database=name).render_as_string(
                    hide_password=False
                )
                try:
                    runs += measure(label, url, workers, args.practitioners, args.bundles)
                finally:
                    with admin.connect() as connection:
                        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()
            stop_postgres(state)
    report(runs)
    return 0 if all(run.errors == 0 for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
