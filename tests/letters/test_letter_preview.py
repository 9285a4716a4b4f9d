"""The preview window driven as a practitioner would: look, save, print."""

from __future__ import annotations

import io
import threading

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from icope_desktop.letters import render_gp_letter
from icope_desktop.ui.letter_preview import LetterJob, LetterPreview
from icope_desktop.ui.tasks import TaskRunner

from .conftest import rendered, sample


@pytest.fixture
def preview(qtbot):
    window = LetterPreview(rendered("long_care_plan", "gp", "fr"), title="Courrier",
                           file_name="courrier-icope.pdf")  # fmt: skip
    qtbot.addWidget(window)
    window.show()
    return window


def test_pages_are_shown_as_images_with_the_page_count(preview):
    assert preview.page_count == 2
    assert preview.page_count_label.text() == "2 pages"
    assert len(preview.page_labels) == 2
    for label, image in zip(preview.page_labels, preview.page_images, strict=True):
        assert not image.isNull()
        assert image.width() == 760 and 1070 < image.height() < 1080  # A4 ratio
        assert label.pixmap().size() == image.size()
    first = preview.page_images[0]
    colours = {first.pixelColor(x, y).name() for x in range(0, 760, 19) for y in range(0, 1075, 23)}
    assert len(colours) > 5, "a blank page would be one colour"
    assert preview.findChild(type(preview.print_button), "print_button") is preview.print_button


def test_save_writes_the_letter_where_the_user_chose(preview, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "lettre au Dr Le Gall"
    asked = []

    def choose(parent, suggested):
        asked.append(suggested)
        return str(target)

    monkeypatch.setattr(LetterPreview, "ask_save_path", classmethod(lambda cls, p, s: choose(p, s)))
    with qtbot.waitSignal(preview.saved) as blocker:
        qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "lettre au Dr Le Gall.pdf"
    assert blocker.args == [str(saved)]
    assert asked == ["courrier-icope.pdf"]
    assert saved.read_bytes() == rendered("long_care_plan", "gp", "fr")
    assert len(pypdf.PdfReader(saved).pages) == 2
    assert preview.status_label.text() == "Courrier enregistré."
    assert [p.name for p in tmp_path.iterdir()] == [saved.name], "no temporary file left"


def test_cancelled_save_writes_nothing(preview, qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(LetterPreview, "ask_save_path", classmethod(lambda cls, p, s: None))
    with qtbot.assertNotEmitted(preview.saved):
        qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    assert list(tmp_path.iterdir()) == []


def test_save_into_a_missing_folder_says_so(preview, qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(LetterPreview, "ask_save_path",
                        classmethod(lambda cls, p, s: str(tmp_path / "absent" / "x.pdf")))
    with qtbot.assertNotEmitted(preview.saved):
        qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)  # fmt: skip
    assert preview.status_label.text().startswith("Le fichier n'a pas pu être enregistré")


def test_print_paints_every_page_on_the_chosen_printer(preview, qtbot, tmp_path, monkeypatch):
    output = tmp_path / "printed.pdf"

    def printer_to_file(cls, parent):
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setOutputFileName(str(output))
        return printer

    monkeypatch.setattr(LetterPreview, "ask_printer", classmethod(printer_to_file))
    with qtbot.waitSignal(preview.printed) as blocker:
        qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [2]
    printed = pypdf.PdfReader(io.BytesIO(output.read_bytes()))
    assert len(printed.pages) == 2
    assert abs(float(printed.pages[0].mediabox.width) - 595.3) < 1
    assert preview.status_label.text() == "Courrier envoyé à l'impression."


def test_cancelled_print_prints_nothing(preview, qtbot, monkeypatch):
    monkeypatch.setattr(LetterPreview, "ask_printer", classmethod(lambda cls, parent: None))
    with qtbot.assertNotEmitted(preview.printed):
        qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)


def test_letter_is_rendered_off_the_ui_thread_then_previewed(qtbot):
    ui_thread = threading.current_thread()
    threads = []
    ctx = sample("urgent_phq9")

    def render():
        threads.append(threading.current_thread())
        return render_gp_letter(ctx, "en")

    runner = TaskRunner()
    job = LetterJob(runner, render, title="Letter", file_name="letter.pdf")
    with qtbot.waitSignal(job.opened, timeout=10_000) as blocker:
        job.start()
    preview = blocker.args[0]
    qtbot.addWidget(preview)
    assert threads and threads[0] is not ui_thread
    assert preview.page_count == 1 and preview.page_count_label.text() == "1 page"
    assert preview.thread() == QApplication.instance().thread()
    runner.wait_for_done()


def test_incomplete_letter_reports_the_fix_it_messages(qtbot):
    import dataclasses

    ctx = dataclasses.replace(sample("urgent_phq9"), addressee=None)
    runner = TaskRunner()
    job = LetterJob(runner, lambda: render_gp_letter(ctx), title="x", file_name="x.pdf")
    with qtbot.waitSignal(job.failed, timeout=10_000) as blocker, \
            qtbot.assertNotEmitted(job.opened):
        job.start()
    assert blocker.args == [["Aucun médecin traitant renseigné : ajoutez-le dans la fiche du "
                             "patient."]]  # fmt: skip
    runner.wait_for_done()
