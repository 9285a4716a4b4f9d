"""The preview on a 1366×768 laptop (audit item 4): 840×900 put Print and Save below the
screen's edge; the window now fits the screen's free area and its buttons are in it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication
from test_preview_print import two_page_pdf

from icope_desktop.ui.letter_preview import FRAME_ALLOWANCE_PX, LetterPreview


def assert_buttons_on_screen(preview: LetterPreview, area: QRect) -> None:
    assert preview.height() + FRAME_ALLOWANCE_PX <= area.height()
    assert preview.width() <= area.width()
    for button in (preview.print_button, preview.save_button, preview.close_button):
        assert button.isVisible()
        top_left = button.mapTo(preview, QPoint(0, 0))
        assert top_left.y() + button.height() <= preview.height(), button.objectName()
        assert top_left.x() + button.width() <= preview.width(), button.objectName()
        assert button.width() >= button.minimumSizeHint().width(), button.objectName()


def test_preview_fits_a_1366x768_laptop(qtbot, monkeypatch):
    laptop = QRect(0, 0, 1366, 728)  # 768 less a 40 px taskbar
    monkeypatch.setattr(LetterPreview, "screen_area", classmethod(lambda cls, w: laptop))
    preview = LetterPreview(two_page_pdf(), title="Courrier", file_name="courrier.pdf")
    qtbot.addWidget(preview)
    preview.show()
    QApplication.processEvents()
    assert preview.width() == 840, "wide enough for a page at 760 px"
    assert_buttons_on_screen(preview, laptop)
    assert preview.pages_area.verticalScrollBar().maximum() > 0, "the pages scroll instead"


def test_preview_fits_the_real_screen(qtbot):
    preview = LetterPreview(two_page_pdf(), title="Courrier", file_name="courrier.pdf")
    qtbot.addWidget(preview)
    preview.show()
    QApplication.processEvents()
    assert_buttons_on_screen(preview, preview.screen().availableGeometry())
