"""Composition root: builds the session, the window and the error handling, then runs.

Nothing below this module knows about Qt; nothing above it builds services. Start-up is
budgeted (issue 4: at most twice a bare Qt window to the unlock screen), so the store,
the screening core and reportlab are not imported here: the unlock screen is painted
first, and a background task imports the store while the practitioner types.

`--demo` (README: `scripts/app --demo`) uses a throw-away data directory, removed when
the app closes, with a store whose passphrase is `DEMO_PASSPHRASE` (shown on the unlock
screen's "Mode démonstration" banner), demo patients, and the server settings of
`icope-server --demo` (docs/SYNC_PROTOCOL.md).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from icope_desktop import __version__
from icope_desktop.i18n import current_language, set_language
from icope_desktop.services.session import AppSession, Setup, default_data_dir, system_clock

log = logging.getLogger(__name__)

DEMO_PASSPHRASE = "Demo-ICOPE-2025!"
"""Public on purpose: demo data is fictitious and the directory is thrown away."""
DEMO_SERVER_URL = "http://127.0.0.1:8765/"
DEMO_TOKEN = "demo-icope-token-not-for-production"
"""The constant token `icope-server --demo` accepts (docs/SYNC_PROTOCOL.md)."""


def demo_setup() -> Setup:
    """The demo store's set-up: the demo file's practitioner (with the RPPS, phone and
    address the letters need), the demo passphrase and `icope-server --demo`."""
    from icope_desktop.services.demo import demo_practitioner
    from icope_desktop.services.settings import ProfileForm, ServerForm

    me = demo_practitioner()
    return Setup(
        profile=ProfileForm(
            last_name=me.last_name,
            first_name=me.first_name,
            profession=me.profession,
            rpps=me.rpps or "",
            phone=me.phone or "",
            email=me.email or "",
            address=me.address or "",
            postal_code=me.postal_code or "",
            city=me.city or "",
        ),
        passphrase=DEMO_PASSPHRASE,
        server=ServerForm(url=DEMO_SERVER_URL, token=DEMO_TOKEN, auto_sync=False),
        language=current_language(),
    )


def seed_demo_patients(services: Any, **options: Any) -> Any:
    """The visit part's demo data (`services.demo.seed_demo`), imported on the worker."""
    from icope_desktop.services.demo import seed_demo

    return seed_demo(services, **options)


def import_slow_parts() -> None:
    """Worker thread: the store, the services and the sync part (about a second), and
    the clinical thresholds the first visit scores with."""
    AppSession.warm_up()
    import icope_desktop.ui.sync.wiring  # noqa: F401
    from icope_desktop.services.visits import VisitService

    VisitService.warm_up()


def install_sync_part(window: Any) -> Any:
    """Sync button, automatic sync, alerts and billing pages (the sync part's one call)."""
    from icope_desktop.ui.sync.wiring import install_sync

    return install_sync(window)


def build_window(
    data_dir: Path,
    *,
    kdf: Any = None,
    clock: Callable[[], Any] = system_clock,
    demo: bool = False,
    language: str | None = None,
    minute_ms: int | None = None,
) -> Any:
    """The window over `data_dir`, as `run` builds it (tests use this too)."""
    from icope_desktop.ui.main_window import MINUTE_MS, MainWindow

    session = AppSession(data_dir, kdf=kdf, clock=clock, demo=demo)
    set_language(language or session.language())
    return MainWindow(
        session,
        demo_passphrase=DEMO_PASSPHRASE if demo else None,
        minute_ms=minute_ms or MINUTE_MS,
    )


def run(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from icope_desktop.ui.shell.errors import configure_logging, install_excepthook
    from icope_desktop.ui.style import apply_style
    from icope_desktop.ui.tasks import Task

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("ICOPE Desktop")
    app.setOrganizationName("ICOPE")
    apply_style(app)  # type: ignore[arg-type]

    demo_dir: tempfile.TemporaryDirectory[str] | None = None
    if args.demo:
        demo_dir = tempfile.TemporaryDirectory(prefix="icope-demo-")
        data_dir = Path(demo_dir.name) / "data"
    else:
        data_dir = args.data_dir or default_data_dir()
    log_path = configure_logging(data_dir)
    kdf = None
    if args.demo:
        from icope_desktop.store.vault import FLOOR_KDF

        kdf = FLOOR_KDF  # throw-away data: the floor keeps the demo quick to start
    window = build_window(data_dir, kdf=kdf, demo=args.demo, language=args.lang)
    def show(title: str, text: str) -> None:
        from icope_desktop.ui.shell.dialogs import ErrorDialog

        ErrorDialog.show_message(window, title, text)

    install_excepthook(show, log_path)
    if args.demo:
        window.start_demo(demo_setup(), seed_demo_patients)
    window.show()
    log.info("ICOPE Desktop %s started (demo: %s)", __version__, bool(args.demo))
    # After the first paint: import the store and the sync part on a worker thread, then
    # put the sync controls in (the sync wiring also handles an unlock that came first).
    warm_up = Task(lambda progress, cancel: import_slow_parts(), "warm-up")
    warm_up.succeeded.connect(lambda _result: install_sync_part(window))
    warm_up.failed.connect(lambda error: log.error("warm-up failed: %s", type(error).__name__))
    window.first_painted.connect(lambda: window.tasks.start(warm_up))
    if args.quit_after:
        QTimer.singleShot(int(args.quit_after * 1000), window.close)
    try:
        return app.exec()
    finally:
        window.session.lock()
        if demo_dir is not None:
            logging.shutdown()
            demo_dir.cleanup()
