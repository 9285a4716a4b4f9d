"""Where the application's shipped resources live.

Resources (translations, fonts, tariff table, clinical thresholds, demo data) sit in the
repository's top-level `resources/` directory, as the project layout requires; the app is
installed in editable mode by `scripts/bootstrap`, so the directory is found next to the
package. `ICOPE_RESOURCES` overrides it for packaged builds.
"""

from __future__ import annotations

import os
from pathlib import Path


def resources_dir() -> Path:
    override = os.environ.get("ICOPE_RESOURCES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
