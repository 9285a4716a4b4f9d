"""Colours, sizes and the style sheet of the visit screens.

Targets are at least 40 px high (issue 4 ergonomics: a tablet-PC at a patient's home);
colours carry meaning only together with words (altered is also written "altérée"), so
a colour-blind user loses nothing.
"""

from __future__ import annotations

from icope_desktop.screening import DomainStatus, Severity

TARGET = 40
"""Minimum height of anything clicked or typed into (px)."""

STATUS_COLOURS = {
    DomainStatus.NORMAL: "#1b7f3b",
    DomainStatus.ALTERED: "#b3261e",
    DomainStatus.NOT_EVALUATED: "#6b6b6b",
}
SEVERITY_COLOURS = {
    Severity.URGENT: "#b3261e",
    Severity.HIGH: "#c2510a",
    Severity.NORMAL: "#1f5fa8",
    Severity.LOW: "#6b6b6b",
}
ERROR = "#b3261e"
WARNING = "#8a5a00"
ACCENT = "#1f5fa8"

STYLE_SHEET = f"""
QWidget#visit_page {{ font-size: 11pt; }}
QLabel#patient_label {{ font-size: 14pt; font-weight: bold; }}
QListWidget#nav_list::item {{ min-height: 40px; padding-left: 6px; }}
QFrame#row_separator {{ color: #e3e6eb; }}
QPushButton, QToolButton, QLineEdit, QComboBox, QDateEdit {{ min-height: {TARGET}px; }}
QPushButton[choice="true"] {{
    border: 1px solid #8a8f98; border-radius: 6px; padding: 4px 9px; background: #ffffff;
    color: #1d1d1d;
}}
QPushButton[choice="true"]:checked {{
    background: {ACCENT}; color: white; border-color: {ACCENT};
}}
QPushButton#na_button {{
    color: #555555; background: transparent; border: 1px dashed #9aa3ad; border-radius: 6px;
    padding: 4px 8px;
}}
QPushButton#na_button:checked {{ color: #5c3d00; background: #fbe7b5; border: 1px solid #c2951f; }}
QPushButton[choice="true"]:disabled {{ color: #777777; }}
QPushButton[choice="true"]:checked:disabled {{ background: #7d9cc4; color: white; }}
QWidget[choiceGroup="true"] {{ border: 2px solid transparent; border-radius: 8px; }}
QWidget[choiceGroup="true"]:focus {{ border: 2px solid {ACCENT}; background: #eef4fb; }}
QFrame[card="true"] {{
    background: #ffffff; border: 1px solid #d5d9e0; border-radius: 8px;
}}
QLabel[role="section"] {{
    font-size: 13pt; font-weight: bold; color: {ACCENT}; padding: 2px 0;
}}
QLabel[role="item"] {{ font-weight: 600; }}
QLabel[role="help"] {{ color: #555555; font-size: 9.5pt; }}
QLabel[role="error"] {{ color: {ERROR}; font-weight: 600; }}
QLabel[role="warning"] {{ color: {WARNING}; font-weight: 600; }}
QLabel[role="converted"] {{ color: #333333; }}
QFrame#urgent_banner {{ background: #b3261e; border-radius: 6px; }}
QFrame#urgent_banner QLabel {{ color: white; font-weight: bold; }}
QFrame#live_score {{ background: #f3f6fa; border: 1px solid #d5d9e0; border-radius: 6px; }}
QPushButton#finalize_button, QPushButton[primary="true"] {{
    background: {ACCENT}; color: white; font-weight: bold; border-radius: 6px; padding: 6px 18px;
}}
QPushButton#finalize_button:disabled, QPushButton[primary="true"]:disabled {{
    background: #9bb3d1;
}}
"""
