"""The version of the clinical rules, stored in every result.

Clinical spec, preamble and §6: "Every rule is versioned. Store `ruleset_version` with
every result so that a later change of threshold never silently re-labels old results."
`resources/clinical_thresholds.yaml` declares the same version and the loader refuses a
file that does not (`config.load_thresholds`); `tests/screening/test_config.py` pins a
hash of that file, so editing a threshold without bumping this constant fails the suite.
"""

from __future__ import annotations

RULESET_VERSION = "1.0.0"
"""Version of the scoring and decision rules (instrument definitions + thresholds file)."""

SPEC_VERSION = "0.1"
"""Version of ICOPE_CLINICAL_SPEC.md these rules implement."""
