"""Preview, print and save a letter (GP letter or patient summary) from its PDF bytes.

The letters core returns bytes (`render_gp_letter(ctx, lang)`); this window shows the
pages rendered to images (QtPdf, the PDF engine Qt ships), with Print (system print
dialog) and Save as PDF. Generating the PDF takes ~0.1 s and more on a slow laptop, so it
never runs on the UI thread: `LetterJob` renders in the thread pool (`ui.tasks.Task`) and
opens the preview back on the UI thread::

    job = LetterJob(self.tasks, lambda: render_gp_letter(ctx, "fr"),
                    title=_("Courrier au médecin traitant"), file_name="courrier-icope.pdf",
                    parent=self)
    job.opened.connect(lambda preview: preview.open())
    job.failed.connect(self._show_messages)      # list[str]: LetterIncomplete's fix-its
    job.start()

`check_letter_context(ctx)` can be called first, on the UI thread (it is instant), to
grey out the button and list what is missing before anything is rendered.

Printing renders each page at 300 dpi (~0.1 s a page) in a `Task`, on the worker's own
`QPdfDocument` (QtPdf serialises its PDF engine calls); the UI thread only paints the
ready bitmaps on the printer, one page per event-loop turn, with the `ProgressPanel`
showing how far it is. Pages are handed over as RGB32 (no alpha channel): Qt's print
engine then skips the soft mask, which cut painting a page from ~0.34 to ~0.21 s.

Dialogs open through classmethod seams (`ask_save_path`, `ask_printer`) that tests
monkeypatch (STYLE.md §5). Saved files are suggested without the patient's name, so a
file name never carries identity unless the user types it.
"""

from __future__ import annotations

import errno
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QObject, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPageSize, QPainter, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _, current_language
from icope_desktop.letters import LetterIncomplete
from icope_desktop.ui.shell.dialogs import forget_file_dialog_history, run_modal
from icope_desktop.ui.tasks import ProgressFn, Task, TaskRunner
from icope_desktop.ui.widgets.progress import ProgressPanel

log = logging.getLogger(__name__)

PREVIEW_WIDTH_PX = 760
"""Width of a page image on screen: an A4 page readable without zooming."""
PRINT_DPI = 300
PREFERRED_HEIGHT_PX = 900
FRAME_ALLOWANCE_PX = 48
"""Title bar and borders the window manager adds outside `resize()` (Windows: ~31 px,
GNOME: ~37 px): kept free so the bottom row stays on a 1366×768 laptop's screen."""


def failure_messages(error: BaseException) -> list[str]:
    """What to tell the user when a letter could not be produced (never a traceback)."""
    if isinstance(error, LetterIncomplete):
        return error.messages(current_language())
    return [_("Le courrier n'a pas pu être produit. Réessayez ; si le problème persiste, "
              "signalez-le au support.")]  # fmt: skip


def render_print_pages(
    pdf: bytes, dpi: int, progress: ProgressFn, cancel: threading.Event
) -> list[QImage] | None:
    """Every page as an RGB32 bitmap at `dpi` (worker thread: no widget, its own
    document); None when cancelled."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QBuffer.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    count = document.pageCount()
    pages: list[QImage] = []
    try:
        for index in range(count):
            if cancel.is_set():
                return None
            size = document.pagePointSize(index)
            width = round(size.width() / 72 * dpi)
            height = round(width * size.height() / size.width())
            image = document.render(index, QSize(width, height))
            pages.append(image.convertToFormat(QImage.Format.Format_RGB32))
            progress(index + 1, count, _("Préparation de la page {number} sur {count}…")
                     .format(number=index + 1, count=count))  # fmt: skip
    finally:
        document.close()
        buffer.close()
    return pages


class LetterPreview(QDialog):
    """The letter's pages as images, with Print, Save as PDF and the page count."""

    saved = Signal(str)  # the path written
    printed = Signal(int)  # pages sent to the printer
    print_failed = Signal()

    def __init__(
        self, pdf: bytes, *, title: str, file_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.pdf = pdf
        self.file_name = file_name
        self.setWindowTitle(title)
        self.fit_to_screen()

        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QBuffer.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)

        self.page_count_label = QLabel(self._page_count_text())
        self.status_label = QLabel("")
        self.print_button = QPushButton(_("Imprimer…"))
        self.save_button = QPushButton(_("Enregistrer en PDF…"))
        self.close_button = QPushButton(_("Fermer"))
        self.pages_area = QScrollArea()
        self.page_images: list[QImage] = []
        self.page_labels: list[QLabel] = []
        for name in ("page_count_label", "status_label", "print_button", "save_button",
                     "close_button", "pages_area"):
            getattr(self, name).setObjectName(name)  # fmt: skip

        pages = QWidget()
        pages_layout = QVBoxLayout(pages)
        pages_layout.setSpacing(12)
        for index in range(self.page_count):
            image = self._render_page(index, PREVIEW_WIDTH_PX)
            label = QLabel()
            label.setObjectName(f"page_{index + 1}")
            label.setPixmap(QPixmap.fromImage(image))
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            label.setAccessibleName(_("Page {number}").format(number=index + 1))
            self.page_images.append(image)
            self.page_labels.append(label)
            pages_layout.addWidget(label)
        self.tasks = TaskRunner(parent=self)
        self.print_task: Task | None = None
        self.progress = ProgressPanel(self, name="print_progress")
        self._printing: tuple[QPrinter, QPainter, list[QImage]] | None = None
        self._printed_pages = 0
        self.pages_area.setWidget(pages)
        self.pages_area.setWidgetResizable(True)
        self.pages_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)

        buttons = QHBoxLayout()
        buttons.addWidget(self.page_count_label)
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages_area, 1)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)

        self.print_button.clicked.connect(self._on_print_clicked)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.close_button.clicked.connect(self.accept)
        self.save_button.setDefault(True)

    def fit_to_screen(self) -> None:
        """840×900 is comfortable, but a 1366×768 laptop has ~728 px under its taskbar:
        never taller or wider than the screen's free area, so Print and Save stay in
        view (the pages scroll); QDialog's own placement then keeps it inside the area."""
        area = self.screen_area(self)
        width = min(PREVIEW_WIDTH_PX + 80, area.width() - FRAME_ALLOWANCE_PX // 4)
        height = min(PREFERRED_HEIGHT_PX, area.height() - FRAME_ALLOWANCE_PX)
        self.resize(max(width, 320), max(height, 240))  # QDialog keeps it on-screen

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def _page_count_text(self) -> str:
        count = self.document.pageCount()
        if count == 1:
            return _("1 page")
        return _("{count} pages").format(count=count)

    def _render_page(self, index: int, width_px: int) -> QImage:
        size = self.document.pagePointSize(index)
        height_px = round(width_px * size.height() / size.width())
        return self.document.render(index, QSize(width_px, height_px))

    # --- seams (tests replace them) ---------------------------------------------------

    @classmethod
    def screen_area(cls, widget: QWidget) -> QRect:
        """The free area (without taskbar or dock) of the screen the window opens on."""
        parent = widget.parentWidget()
        screen = (parent.screen() if parent is not None else None) or widget.screen()
        if screen is None:
            screen = QGuiApplication.primaryScreen()
        return screen.availableGeometry()

    @classmethod
    def ask_save_path(cls, parent: QWidget, suggested: str) -> str | None:
        try:
            path, _filter = QFileDialog.getSaveFileName(
                parent, _("Enregistrer le courrier"), suggested, _("Documents PDF (*.pdf)")
            )
        finally:
            forget_file_dialog_history()
        return path or None

    @classmethod
    def ask_printer(cls, parent: QWidget) -> QPrinter | None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        dialog = QPrintDialog(printer, parent)
        if run_modal(dialog) != QDialog.DialogCode.Accepted.value:
            return None  # cancelled, or interrupted by the lock
        return printer

    # --- actions ----------------------------------------------------------------------

    def _on_save_clicked(self) -> None:
        path = self.ask_save_path(self, self.file_name)
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            write_atomically(target, self.pdf)
        except OSError as exc:
            log.warning("letter not saved: %s (errno %s)", type(exc).__name__, exc.errno)
            self.status_label.setText(save_failure_message(exc))
            return
        self.status_label.setText(_("Courrier enregistré."))
        self.saved.emit(str(target))

    def _on_print_clicked(self) -> None:
        if self.print_task is not None or self._printing is not None:
            return
        printer = self.ask_printer(self)
        if printer is None:
            return
        self.start_print(printer)

    def start_print(self, printer: QPrinter) -> Task:
        """Render the pages in the thread pool; `printed` or `print_failed` follows."""
        pdf = self.pdf
        self._printer = printer
        task = Task(
            lambda progress, cancel: render_print_pages(pdf, PRINT_DPI, progress, cancel),
            name="print-letter",
        )
        task.progressed.connect(self.progress.update_progress)
        task.succeeded.connect(self._on_print_rendered)
        task.failed.connect(self._on_print_render_failed)
        self.print_task = task
        self.print_button.setEnabled(False)
        self.status_label.setText("")
        self.progress.start(_("Préparation de l'impression…"))
        return self.tasks.start(task)

    def _on_print_rendered(self, pages: list[QImage] | None) -> None:
        self.print_task = None
        if pages is None:  # cancelled: the window was closed
            self._end_print(0)
            return
        printer = self._printer
        printer.setFullPage(True)  # the PDF has its own margins
        painter = QPainter()
        if not painter.begin(printer):
            self._end_print(0)
            return
        self._printing = (printer, painter, pages)
        self._printed_pages = 0
        self._paint_next_page()

    def _paint_next_page(self) -> None:
        """One page per event-loop turn: the window stays live between pages."""
        if self._printing is None:
            return
        printer, painter, pages = self._printing
        index = self._printed_pages
        if index:
            printer.newPage()
        painter.drawImage(QRectF(printer.paperRect(QPrinter.Unit.DevicePixel)), pages[index])
        self._printed_pages = index + 1
        self.progress.update_progress(
            index + 1, len(pages), _("Envoi de la page {number} sur {count}…")
            .format(number=index + 1, count=len(pages))
        )  # fmt: skip
        if self._printed_pages < len(pages):
            QTimer.singleShot(0, self, self._paint_next_page)
            return
        painter.end()
        self._printing = None
        self._end_print(len(pages))

    def _finish_printing_now(self) -> None:
        """The window is closing (or the app locks) mid-print: send the remaining pages
        at once rather than leave half a letter in the printer queue."""
        while self._printing is not None:
            self._paint_next_page()

    def _on_print_render_failed(self, _error: object) -> None:
        self.print_task = None
        self._end_print(0)

    def _end_print(self, pages: int) -> None:
        self.progress.stop()
        self.print_button.setEnabled(True)
        if pages:
            self.status_label.setText(_("Courrier envoyé à l'impression."))
            self.printed.emit(pages)
        else:
            self.status_label.setText(_("L'impression n'a pas pu démarrer."))
            self.print_failed.emit()

    def done(self, result: int) -> None:
        if self.print_task is not None:
            self.print_task.cancel()
        self._finish_printing_now()
        super().done(result)


def save_failure_message(error: OSError) -> str:
    """What went wrong and what to do, in the user's language: the system's own text
    (`strerror`) is English on most machines and never shown."""
    if isinstance(error, FileNotFoundError):
        reason = _("ce dossier n'existe pas (ou plus). Choisissez un autre dossier.")
    elif isinstance(error, PermissionError) or error.errno == errno.EROFS:
        reason = _("vous n'avez pas le droit d'écrire dans ce dossier, ou le support est "
                   "protégé en écriture. Choisissez un autre dossier, par exemple "
                   "Documents.")  # fmt: skip
    elif error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        reason = _("le disque est plein. Libérez de la place ou choisissez un autre "
                   "disque ou une clé USB.")  # fmt: skip
    elif isinstance(error, IsADirectoryError) or error.errno in (
        errno.ENAMETOOLONG, errno.EINVAL
    ):
        reason = _("ce nom de fichier n'est pas accepté. Choisissez un nom plus court, "
                   "sans caractères spéciaux.")  # fmt: skip
    else:
        reason = _("le système a refusé l'écriture. Réessayez ou choisissez un autre "
                   "dossier.")  # fmt: skip
    return _("Le fichier n'a pas pu être enregistré : {reason}").format(reason=reason)


def write_atomically(path: Path, data: bytes) -> None:
    """Write next to the target, flush to disk, then rename: a crash never leaves half a
    PDF under the chosen name."""
    handle, temporary = tempfile.mkstemp(prefix=".letter-", suffix=".pdf", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class LetterJob(QObject):
    """Renders a letter in the thread pool, then builds its preview on the UI thread.

    Made on the UI thread, so `opened` and `failed` are delivered there (Qt queues
    signals emitted from the worker); the worker runs only `render`, which touches no
    widget.
    """

    opened = Signal(object)  # the LetterPreview, not yet shown
    failed = Signal(list)  # user messages (FR or EN), never a traceback

    def __init__(
        self,
        runner: TaskRunner,
        render: Callable[[], bytes],
        *,
        title: str,
        file_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._render = render
        self._title = title
        self._file_name = file_name
        self._parent_widget = parent
        self.task: Task | None = None

    def start(self) -> Task:
        task = Task(lambda progress, cancel: self._render(), name="letter")
        task.succeeded.connect(self._on_task_succeeded)
        task.failed.connect(self._on_task_failed)
        self.task = task
        return self._runner.start(task)

    def _on_task_succeeded(self, pdf: bytes) -> None:
        preview = LetterPreview(
            pdf, title=self._title, file_name=self._file_name, parent=self._parent_widget
        )
        self.opened.emit(preview)

    def _on_task_failed(self, error: BaseException) -> None:
        self.failed.emit(failure_messages(error))
