"""Never a raw exception in front of the user, never patient data in the log.

Issue 4: a global `sys.excepthook` shows a message in the user's language saying what
to do next, and logs the exception *type* and where it happened. Exception messages
are never logged: a message may quote what was typed (a name, a birth date, an INS).
Typed errors of the core (`StoreError`, `InvalidData`, the services' errors) already
carry their FR/EN sentence; `user_message` uses it. The log file sits in the data
directory (`logs/icope-desktop.log`), rotated, so support can read it.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from icope_desktop.i18n import Text, _

log = logging.getLogger(__name__)

LOG_DIR = "logs"
LOG_FILE = "icope-desktop.log"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3

ShowFn = Callable[[str, str], None]


class _LogFile(logging.FileHandler):
    """The app's log file (told apart from handlers someone else installed)."""


def rotate_log(path: Path, max_bytes: int = LOG_MAX_BYTES, backups: int = LOG_BACKUPS) -> None:
    """At start, a log past `max_bytes` becomes `.1` (`.1` becomes `.2`...). A session
    writes a few lines (error types only), so rotating at start is enough, and it spares
    start-up the `logging.handlers` import (socket, pickle, queue: ~10 ms before the
    unlock screen, issue 4 budget)."""
    try:
        if path.stat().st_size <= max_bytes:
            return
    except FileNotFoundError:
        return
    for index in range(backups - 1, 0, -1):
        older = path.with_name(f"{path.name}.{index}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{index + 1}"))
    os.replace(path, path.with_name(f"{path.name}.1"))


def configure_logging(data_dir: Path) -> Path:
    """Root logger to a file in the data directory (rotated at start); returns its path."""
    folder = data_dir / LOG_DIR
    # owner-only, like the store's own folder (the log runs before the store exists)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / LOG_FILE
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _LogFile):
            root.removeHandler(handler)
            handler.close()
    rotate_log(path)
    handler = _LogFile(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    # httpx/httpcore log every request URL at INFO; the sync logs its own requests
    # (method, resource type, status, request id), so theirs would only ever add query
    # strings, which must never carry patient data into a plaintext file.
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    return path


def describe_exception(
    exc_type: type[BaseException], tb: TracebackType | None
) -> str:
    """Type and frames (file, line, function): enough for support, no values, no message."""
    frames = traceback.extract_tb(tb) if tb is not None else []
    where = " <- ".join(
        f"{Path(frame.filename).name}:{frame.lineno} {frame.name}" for frame in reversed(frames)
    )
    name = f"{exc_type.__module__}.{exc_type.__qualname__}"
    return f"{name} at {where}" if where else name


def _text_of(exc: BaseException) -> str | None:
    """The sentence a typed core error carries (no store import: if the store is not
    loaded, the error cannot be one of its own)."""
    store_errors = sys.modules.get("icope_desktop.store.errors")
    if store_errors is not None and isinstance(exc, store_errors.InvalidData):
        return "\n".join(exc.messages().values())
    message = getattr(exc, "message", None)
    if isinstance(message, Text):
        return message.get()
    return None


def user_message(exc: BaseException, log_path: Path | None = None) -> tuple[str, str]:
    """(title, text) in the current language, with what to do next."""
    known = _text_of(exc)
    if known:
        return _("Action impossible"), known
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return _("Disque plein"), _(
            "Le disque est plein : la dernière action n'a pas été enregistrée. Libérez de "
            "l'espace puis réessayez."
        )
    if isinstance(exc, PermissionError):
        return _("Accès refusé"), _(
            "L'application n'a pas le droit d'écrire à cet endroit. Choisissez un autre "
            "dossier, ou demandez de l'aide à votre support informatique."
        )
    text = _(
        "Une erreur inattendue s'est produite. Ce qui était déjà enregistré n'a pas été "
        "modifié. Réessayez ; si le problème revient, fermez puis rouvrez l'application."
    )
    if log_path is not None:
        text += "\n\n" + _(
            "Pour le support, le journal technique (sans aucune donnée patient) est ici :"
        ) + "\n" + str(log_path)  # on its own line: the dialog shows it whole, to copy
    return _("Erreur inattendue"), text


class ExceptionHook:
    """`sys.excepthook` (and `threading.excepthook`) replacement: log, then explain."""

    def __init__(self, show: ShowFn, log_path: Path | None = None) -> None:
        self._show = show
        self.log_path = log_path
        self._showing = False

    def __call__(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("unhandled exception: %s", describe_exception(exc_type, tb))
        if self._showing:  # the dialog itself failed: do not loop
            return
        self._showing = True
        try:
            title, text = user_message(exc, self.log_path)
            self._show(title, text)
        except Exception as nested:  # the last resort must not raise
            log.error("error display failed: %s", type(nested).__name__)
        finally:
            self._showing = False

    def on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        """A worker thread's crash is logged (type only); the UI learns through Task."""
        log.error(
            "unhandled exception in thread %s: %s",
            args.thread.name if args.thread else "?",
            describe_exception(args.exc_type, args.exc_traceback),
        )


def install_excepthook(show: ShowFn, log_path: Path | None = None) -> ExceptionHook:
    hook = ExceptionHook(show, log_path)
    sys.excepthook = hook
    threading.excepthook = hook.on_thread_exception
    return hook
