"""Never a raw exception for the user; never patient data in the log."""

from __future__ import annotations

import logging
import sys

import pytest

from icope_desktop.i18n import Text, set_language
from icope_desktop.services.identifiers import nir_key
from icope_desktop.services.patients import PatientForm
from icope_desktop.store.errors import InvalidData, WrongPassphrase
from icope_desktop.store.records import Sex
from icope_desktop.ui.shell.errors import (
    LOG_DIR,
    LOG_FILE,
    ExceptionHook,
    configure_logging,
    install_excepthook,
    user_message,
)

from .conftest import unlock

INS_BODY = "1450744109123"
INS = f"{INS_BODY}{nir_key(INS_BODY):02d}"


@pytest.fixture
def log_path(tmp_path):
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    path = configure_logging(tmp_path / "logdata")
    yield path
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
            root.removeHandler(handler)
    root.setLevel(level)


def raise_and_catch(exc: BaseException):
    try:
        raise exc
    except BaseException:
        return sys.exc_info()


def test_unexpected_exception_shows_a_helpful_message_and_logs_only_its_type(log_path):
    shown = []
    hook = ExceptionHook(lambda title, text: shown.append((title, text)), log_path)
    hook(*raise_and_catch(ValueError(f"Zébulon ZORGLUB 01/02/1945 {INS}")))
    (title, text), = shown
    assert title == "Erreur inattendue"
    assert "n'a pas été modifié" in text and "Réessayez" in text and str(log_path) in text
    assert "Zébulon" not in text and "Traceback" not in text
    logged = log_path.read_text("utf-8")
    assert "builtins.ValueError" in logged and "raise_and_catch" in logged
    for secret in ("Zébulon", "ZORGLUB", "01/02/1945", INS):
        assert secret not in logged


def test_message_is_in_the_users_language():
    set_language("en")
    title, text = user_message(RuntimeError("x"))
    assert title == "Unexpected error" and "Try again" in text


def test_typed_errors_keep_their_own_sentence():
    assert user_message(WrongPassphrase())[1].startswith("Phrase de passe incorrecte")
    problems = InvalidData({"phone": Text(fr="Téléphone faux.", en="Bad phone.")})
    assert user_message(problems)[1] == "Téléphone faux."


def test_a_failing_error_display_does_not_loop(log_path):
    calls = []

    def broken(title, text):
        calls.append(title)
        raise RuntimeError("display failed")

    hook = ExceptionHook(broken, log_path)
    hook(*raise_and_catch(KeyError("k")))
    assert calls == ["Erreur inattendue"]
    assert "error display failed: RuntimeError" in log_path.read_text("utf-8")


def test_install_sets_the_process_hooks(monkeypatch, log_path):
    import threading

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    hook = install_excepthook(lambda title, text: None, log_path)
    assert sys.excepthook is hook
    worker = threading.Thread(target=lambda: 1 / 0, name="worker-x")
    worker.start()
    worker.join()
    assert "in thread worker-x: builtins.ZeroDivisionError" in log_path.read_text("utf-8")


def test_a_whole_session_leaves_no_patient_data_in_the_log(qtbot, make_window, data_dir):
    path = configure_logging(data_dir)
    assert path == data_dir / LOG_DIR / LOG_FILE
    try:
        window = make_window(data_dir)
        unlock(qtbot, window)
        patients = window.services.patients
        form = PatientForm("Zorglub", "", "Zébulon", "01/02/1945", Sex.MALE, ins=INS)
        patient_id = patients.create(patients.parse(form))
        shown = []
        hook = ExceptionHook(lambda title, text: shown.append(text), path)
        try:
            patients.create(patients.parse(form))  # same INS: refused
        except Exception as err:
            hook(type(err), err, err.__traceback__)
        assert shown and "INS" in shown[0]
        window.open_patient(patient_id)
        window.lock()
        for handler in logging.getLogger().handlers:
            handler.flush()
        logged = path.read_text("utf-8")
        assert "DuplicateRecord" in logged
        for secret in ("Zorglub", "ZORGLUB", "Zébulon", "01/02/1945", "1945-02-01", INS):
            assert secret not in logged
    finally:
        root = logging.getLogger()
        for handler in list(root.handlers):
            if str(data_dir) in getattr(handler, "baseFilename", ""):
                handler.close()
                root.removeHandler(handler)


def test_a_large_log_is_rotated_at_start_and_three_kept(tmp_path):
    from icope_desktop.ui.shell.errors import rotate_log

    path = tmp_path / "icope-desktop.log"
    for generation in range(5):
        path.write_text(f"run {generation}\n" + "x" * 100, encoding="utf-8")
        rotate_log(path, max_bytes=50, backups=3)
    assert not path.exists()
    kept = {p.name: p.read_text(encoding="utf-8").split("\n")[0] for p in tmp_path.iterdir()}
    assert kept == {
        "icope-desktop.log.1": "run 4", "icope-desktop.log.2": "run 3",
        "icope-desktop.log.3": "run 2",
    }  # fmt: skip
    path.write_text("small", encoding="utf-8")
    rotate_log(path, max_bytes=50)
    assert path.read_text(encoding="utf-8") == "small"


def test_the_log_folder_is_owner_only_and_request_urls_stay_out(log_path, tmp_path):
    """The log exists before the store (0700 like it), and httpx's INFO lines (every
    request URL with its query string) never reach the file."""
    assert (tmp_path / "logdata").stat().st_mode & 0o777 == 0o700
    assert log_path.parent.stat().st_mode & 0o777 == 0o700
    logging.getLogger("httpx").info("HTTP Request: GET http://h/Patient?family=Zyxwvutsa")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "Zyxwvutsa" not in log_path.read_text(encoding="utf-8")


def test_file_dialogs_forget_the_folders_they_visited(qtbot, monkeypatch, tmp_path):
    """Qt keeps visited folders in a plaintext QtProject.conf; a folder named after a
    patient must not outlive the dialog."""
    from PySide6.QtCore import QSettings

    import icope_desktop.ui.shell.dialogs as dialogs

    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    settings.setValue("FileDialog/lastVisited", f"file://{tmp_path}/Zyxwvutsa-dossier")
    settings.sync()
    monkeypatch.setattr(dialogs, "run_modal", lambda dialog: 0)  # the user cancels
    assert dialogs.FileDialogs.save_backup_path(None, tmp_path / "sauvegarde.icopebak") is None
    settings.sync()
    assert settings.value("FileDialog/lastVisited") is None
