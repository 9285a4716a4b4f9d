"""scripts/test-services starts a throw-away PostgreSQL and leaves nothing behind
(issue 6 "PostgreSQL in tests")."""

from __future__ import annotations

import glob
import os
import subprocess
from pathlib import Path

import pytest

from .conftest import no_postgres

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
set -euo pipefail
source scripts/test-services
start_test_services >/dev/null
echo "url=$ICOPE_TEST_PG_URL"
echo "dir=$ICOPE_TEST_PG_DIR"
"$ICOPE_TEST_PG_BINDIR/psql" -h "$ICOPE_TEST_PG_DIR" -U postgres -d icope_test -tA \
    -c "select 'answer=' || (6 * 7)"
stop_test_services
echo "after=${ICOPE_TEST_PG_URL:-unset}"
"""


def _has_postgres() -> bool:
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or any(
        (Path(p) / "initdb").exists() for p in os.environ.get("PATH", "").split(os.pathsep)
    )


@pytest.mark.postgres
def test_start_and_stop_leave_nothing_running():
    if not _has_postgres():
        no_postgres()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICOPE_TEST_PG")}
    result = subprocess.run(["bash", "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60, check=True)
    values = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert values["url"].startswith("postgresql+psycopg://postgres@/icope_test?host=")
    assert values["answer"] == "42"
    assert values["after"] == "unset"
    assert not Path(values["dir"]).exists()
    running = subprocess.run(["pgrep", "-f", values["dir"]], capture_output=True, text=True)
    assert running.stdout.strip() == ""
