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


def test_what_loads_before_the_unlock_window_is_light():
    """Start-up budget (issue 4): the modules the unlock window needs load neither the
    store nor the PO parser (French needs no catalog) nor logging.handlers."""
    code = (
        "import sys\n"
        "import icope_desktop.app, icope_desktop.ui.main_window, icope_desktop.ui.shell.unlock\n"
        "from icope_desktop.i18n import _, set_language\n"
        "_('Accueil')\n"
        "heavy = ('polib', 'logging.handlers', 'sqlalchemy', 'sqlcipher3', 'yaml',\n"
        "         'icope_desktop.store', 'icope_desktop.screening')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
        "set_language('en')\n"
        "print(_('Accueil'), 'polib' in sys.modules)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    assert out.stdout.splitlines() == ["[]", "Home True"]


def test_first_painted_comes_once_after_the_window_is_shown(qtbot, data_dir):
    from icope_desktop.app import build_window
    from icope_desktop.store.vault import FLOOR_KDF

    window = build_window(data_dir, kdf=FLOOR_KDF)
    qtbot.addWidget(window)
    painted: list[bool] = []
    window.first_painted.connect(lambda: painted.append(window.painted))
    assert not window.painted
    with qtbot.waitSignal(window.first_painted, timeout=5000):
        window.show()
    qtbot.wait(50)
    window.update()
    qtbot.wait(50)
    assert painted == [True]
    window.close()
