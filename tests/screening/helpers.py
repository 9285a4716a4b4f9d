"""Answer sets shared by the screening tests (test data, not product code)."""

from __future__ import annotations

import dataclasses

from icope_desktop.screening.config import Thresholds, default_thresholds

STEP1_NORMAL = {
    "C1": True,
    "C2": "correct",
    "C3": "correct",
    "C4": 3,
    "L1_completed": True,
    "L1_used_arms": False,
    "L1_time_s": 10.5,
    "N1": "non",
    "N2": False,
    "V1": False,
    "H1_method": "whisper",
    "H1_whisper_R": "pass",
    "H1_whisper_L": "pass",
    "P1": False,
    "P2": False,
}


def step1(**changes) -> dict:
    """Normal Step 1 answers with `changes`; a value of `...` removes the item."""
    answers = dict(STEP1_NORMAL)
    for key, value in changes.items():
        if value is ...:
            answers.pop(key, None)
        else:
            answers[key] = value
    return answers


def thresholds_with(section: str, **values) -> Thresholds:
    """The shipped thresholds with some values of one section replaced."""
    base = default_thresholds()
    changed = dataclasses.replace(getattr(base, section), **values)
    return dataclasses.replace(base, **{section: changed})
