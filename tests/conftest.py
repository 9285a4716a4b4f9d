"""Suite-wide settings: Qt runs offscreen, the UI language starts in French."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from icope_desktop.i18n import set_language


@pytest.fixture(autouse=True)
def _french_by_default():
    set_language("fr")
    yield
    set_language("fr")
