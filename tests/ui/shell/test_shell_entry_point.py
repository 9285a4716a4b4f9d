"""The README's commands start the real app (offscreen) and close cleanly."""

from __future__ import annotations

import os
import subprocess
import sys

from icope_desktop.ui.shell.errors import LOG_DIR, LOG_FILE


def run_app(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "icope_desktop", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_first_start_on_a_new_data_directory(tmp_path):
    data_dir = tmp_path / "data"
    run = run_app("--data-dir", str(data_dir), "--quit-after", "2")
    assert run.returncode == 0, run.stderr[-800:]
    log = (data_dir / LOG_DIR / LOG_FILE).read_text("utf-8")
    assert "ICOPE Desktop" in log and "started (demo: False)" in log
    assert "ERROR" not in log and "Traceback" not in run.stderr


def test_demo_mode_starts_and_leaves_nothing_behind(tmp_path):
    env_tmp = tmp_path / "tmp"
    env_tmp.mkdir()
    run = subprocess.run(
        [sys.executable, "-m", "icope_desktop", "--demo", "--lang", "en", "--quit-after", "4"],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(env_tmp)},
    )
    assert run.returncode == 0, run.stderr[-800:]
    assert "Traceback" not in run.stderr
    assert list(env_tmp.iterdir()) == [], "the throw-away demo directory is removed"
