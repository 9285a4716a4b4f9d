"""Printing from the letter preview (audit item 3): the 300 dpi page bitmaps are rendered
in the thread pool; the UI thread only paints them, one page per event-loop turn, with
the progress panel running."""

from __future__ import annotations

import io
import threading

import pypdf
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter

from icope_desktop.ui import letter_preview
from icope_desktop.ui.letter_preview import LetterPreview


def two_page_pdf() -> bytes:
    """A letter-like A4 PDF of two pages, text and a coloured rule on each."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    stream = io.BytesIO()
    canvas = Canvas(stream, pagesize=A4)
    for number in (1, 2):
        canvas.setFillColorRGB(0.7, 0.1, 0.1)
        canvas.rect(50, 780, 495, 4, fill=1, stroke=0)
        canvas.setFillColorRGB(0, 0, 0)
        canvas.drawString(50, 750, f"Courrier au médecin traitant, page {number}")
        canvas.showPage()
    canvas.save()
    return stream.getvalue()


def pdf_printer(path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setOutputFileName(str(path))
    return printer


def test_print_renders_off_the_ui_thread_and_paints_page_by_page(qtbot, tmp_path, monkeypatch):
    preview = LetterPreview(two_page_pdf(), title="Courrier",
                            file_name="courrier.pdf")  # fmt: skip
    qtbot.addWidget(preview)
    preview.show()
    output = tmp_path / "printed.pdf"
    monkeypatch.setattr(LetterPreview, "ask_printer",
                        classmethod(lambda cls, parent: pdf_printer(output)))  # fmt: skip
    render_threads = []
    original = letter_preview.render_print_pages

    def spy(*args):
        render_threads.append(threading.current_thread())
        return original(*args)

    monkeypatch.setattr(letter_preview, "render_print_pages", spy)
    turns = [0]
    heartbeat = QTimer()
    heartbeat.setInterval(0)
    heartbeat.timeout.connect(lambda: turns.__setitem__(0, turns[0] + 1))
    heartbeat.start()
    painted_at = []
    paint = preview._paint_next_page

    def paint_spy():
        painted_at.append(turns[0])
        paint()

    monkeypatch.setattr(preview, "_paint_next_page", paint_spy)
    with qtbot.waitSignal(preview.printed, timeout=20_000) as printed:
        qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
        assert preview.progress.running and not preview.print_button.isEnabled()
    heartbeat.stop()
    assert printed.args == [2]
    assert render_threads and render_threads[0] is not threading.main_thread()
    assert len(painted_at) == 2 and painted_at[1] > painted_at[0], "the UI ran between pages"
    assert not preview.progress.running and preview.print_button.isEnabled()
    assert preview.status_label.text() == "Courrier envoyé à l'impression."
    pages = pypdf.PdfReader(io.BytesIO(output.read_bytes())).pages
    assert len(pages) == 2 and abs(float(pages[0].mediabox.width) - 595.3) < 1
    preview.tasks.wait_for_done()


def test_closing_mid_print_still_sends_every_page(qtbot, tmp_path, monkeypatch):
    """The lock closes every dialog: a print under way is finished, never cut."""
    preview = LetterPreview(two_page_pdf(), title="Courrier", file_name="courrier.pdf")
    qtbot.addWidget(preview)
    preview.show()
    output = tmp_path / "printed.pdf"
    paint = preview._paint_next_page
    closed = []

    def paint_then_close():
        paint()
        if preview._printed_pages == 1 and not closed:
            closed.append(True)
            preview.close()  # between page 1 and page 2

    monkeypatch.setattr(preview, "_paint_next_page", paint_then_close)
    with qtbot.waitSignal(preview.printed, timeout=20_000) as printed:
        preview.start_print(pdf_printer(output))
    assert closed and not preview.isVisible()
    assert printed.args == [2]
    assert len(pypdf.PdfReader(io.BytesIO(output.read_bytes())).pages) == 2
    preview.tasks.wait_for_done()
