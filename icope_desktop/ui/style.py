"""The application's look: readable at 1366×768, large targets, clear errors.

Issue 4 asks for buttons at least 40 px high (touch on a tablet-PC), no truncated French
text and visible keyboard focus (the whole app must work with the keyboard alone). One
style sheet keyed on dynamic properties (`primary`, `role`, `invalid`) keeps widgets
free of colours; widgets only say what they are.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication, QWidget

from icope_desktop.paths import resource

TOUCH_HEIGHT = 40
"""Minimum height of anything clickable (px)."""
FIELD_HEIGHT = 36
BASE_POINT_SIZE = 11

ACCENT = "#00695c"
ACCENT_DARK = "#004d40"
FOCUS = "#1565c0"
ERROR = "#b3261e"
WARNING_BG = "#fff4e5"
WARNING_BORDER = "#e0a040"
INFO_BG = "#e3f2fd"
INFO_BORDER = "#64a0d8"
SURFACE = "#ffffff"
WINDOW = "#eef2f5"
BORDER = "#8a9ba8"
MUTED = "#4a5560"

STYLE_SHEET = f"""
QMainWindow, QWidget#page {{ background: {WINDOW}; }}
QWidget {{ color: #1c2328; }}
QPushButton {{
    min-height: {TOUCH_HEIGHT}px; padding: 4px 16px; border-radius: 6px;
    border: 1px solid {BORDER}; background: #f7f9fa;
}}
QPushButton:hover {{ background: #e6edf1; }}
QPushButton:pressed {{ background: #d5e0e6; }}
QPushButton:focus {{ border: 2px solid {FOCUS}; }}
QPushButton:disabled {{ color: #8c969e; background: #eceff1; border-color: #c5ccd2; }}
QPushButton[primary="true"] {{
    background: {ACCENT}; color: white; border: 1px solid {ACCENT_DARK}; font-weight: 600;
}}
QPushButton[primary="true"]:hover {{ background: {ACCENT_DARK}; }}
QPushButton[primary="true"]:focus {{ border: 3px solid {FOCUS}; }}
QPushButton[primary="true"]:disabled {{ background: #9fbcb7; color: #f2f6f5; }}
QPushButton[flat="true"] {{ border: none; background: transparent; color: {FOCUS};
    text-decoration: underline; padding: 4px 8px; }}
QPushButton[flat="true"]:focus {{ border: 2px solid {FOCUS}; }}
QPushButton:checked, QPushButton[chosen="true"] {{
    background: {ACCENT}; color: white; border: 2px solid {ACCENT_DARK}; font-weight: 700;
}}
QPushButton:checked:hover, QPushButton[chosen="true"]:hover {{ background: {ACCENT_DARK}; }}
QPushButton:checked:focus, QPushButton[chosen="true"]:focus {{ border: 3px solid {FOCUS}; }}
QLineEdit, QComboBox, QPlainTextEdit, QSpinBox {{
    min-height: {FIELD_HEIGHT}px; padding: 1px 8px; border: 1px solid {BORDER};
    border-radius: 4px; background: {SURFACE};
}}
QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus {{ border: 2px solid {FOCUS}; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"] {{ border: 2px solid {ERROR}; }}
QComboBox::drop-down {{
    subcontrol-origin: padding; subcontrol-position: center right; width: 30px;
    border: none; border-left: 1px solid #c5ccd2;
}}
QComboBox::down-arrow {{ image: url("{{arrow}}"); width: 14px; height: 14px; }}
QComboBox QAbstractItemView {{ background: {SURFACE}; }}
QCheckBox {{ min-height: {TOUCH_HEIGHT}px; spacing: 10px; }}
QCheckBox::indicator {{ width: 22px; height: 22px; }}
QListWidget {{ background: {SURFACE}; border: 1px solid #c5ccd2; border-radius: 6px; }}
QListWidget::item {{ padding: 8px 6px; border-bottom: 1px solid #e3e8ec; }}
QListWidget::item:selected {{ background: #cfe5e1; color: #10201d; }}
QListWidget:focus {{ border: 2px solid {FOCUS}; }}
QLabel[role="title"] {{ font-size: 19pt; font-weight: 600; }}
QLabel[role="section"] {{ font-size: 13pt; font-weight: 600; }}
QLabel[role="hint"] {{ color: {MUTED}; }}
QLabel[role="error"] {{ color: {ERROR}; font-weight: 600; }}
QLabel[role="key"] {{
    font-family: "DejaVu Sans Mono", "Consolas", monospace; font-size: 17pt;
    font-weight: 600; background: {SURFACE}; border: 2px dashed {ACCENT};
    border-radius: 8px; padding: 14px;
}}
QFrame[role="card"] {{ background: {SURFACE}; border: 1px solid #d0d7de; border-radius: 8px; }}
QFrame[role="warning"] {{
    background: {WARNING_BG}; border: 1px solid {WARNING_BORDER}; border-radius: 6px;
}}
QFrame[role="info"] {{
    background: {INFO_BG}; border: 1px solid {INFO_BORDER}; border-radius: 6px;
}}
QFrame[role="topbar"] {{ background: {SURFACE}; border-bottom: 1px solid #d0d7de; }}
QProgressBar {{ min-height: 18px; border: 1px solid {BORDER}; border-radius: 4px;
    text-align: center; background: {SURFACE}; }}
QProgressBar::chunk {{ background: {ACCENT}; }}
QScrollArea {{ border: none; background: transparent; }}
QStatusBar {{ background: {SURFACE}; border-top: 1px solid #d0d7de; }}
QStatusBar QLabel {{ padding: 2px 10px; }}
"""


def style_sheet() -> str:
    """The sheet with the icons' absolute paths (Qt style sheets take no package paths)."""
    arrow = resource("icons", "chevron-down.svg").as_posix()
    return STYLE_SHEET.replace("{arrow}", arrow)


def apply_style(app: QApplication) -> None:
    font = QFont(app.font())
    if font.pointSizeF() < BASE_POINT_SIZE:
        font.setPointSizeF(BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(style_sheet())
    app.setWindowIcon(QIcon(str(resource("icons", "icope.svg"))))


def set_role(widget: QWidget, role: str) -> None:
    """Tag a widget for the style sheet (`role="title"`, `"card"`, `"warning"`...)."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def set_flag(widget: QWidget, name: str, on: bool) -> None:
    """A boolean style property (`invalid`, `primary`), re-polished so it shows at once."""
    widget.setProperty(name, "true" if on else "false")
    widget.style().unpolish(widget)
    widget.style().polish(widget)
