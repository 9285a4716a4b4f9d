"""The thresholds file (spec §6): versioned, fully checked on load, ❌ cells stay null."""

from __future__ import annotations

import copy
import hashlib
from fractions import Fraction

import pytest
import yaml

from icope_desktop.paths import resource
from icope_desktop.screening import RULESET_VERSION
from icope_desktop.screening.config import default_thresholds, load_thresholds, parse_thresholds
from icope_desktop.screening.errors import ConfigError

THRESHOLDS = resource("clinical_thresholds.yaml")

# One line per ruleset version. Changing the file without bumping RULESET_VERSION would
# re-label stored results silently (spec preamble): bump it, then record the new hash.
PINNED_SHA256 = {
    "1.0.0": "5ec52e30ebe4c212f4cc378de90b41cb499ce180bdeb315305c255f8a639546e",
}


def raw() -> dict:
    return yaml.safe_load(THRESHOLDS.read_text(encoding="utf-8"))


def test_thresholds_file_hash_is_pinned_to_the_ruleset_version():
    digest = hashlib.sha256(THRESHOLDS.read_bytes()).hexdigest()
    assert PINNED_SHA256.get(RULESET_VERSION) == digest, (
        "clinical_thresholds.yaml changed: bump RULESET_VERSION (version.py and the file) "
        f"and pin the new hash {digest}"
    )


def test_shipped_file_loads_with_the_engine_version():
    thresholds = load_thresholds()
    assert thresholds.ruleset_version == RULESET_VERSION
    assert default_thresholds() == thresholds


def test_unverified_cells_are_null_spec_6():
    """❌ cells of the spec stay null: GRECO (all but NSC1/50–79), Step 1 audiometry,
    Parinaud near acuity."""
    t = default_thresholds()
    assert t.mmse.greco["NSC1"] == {"50-79": 22, "80-89": None}
    for nsc in ("NSC2", "NSC3", "NSC4"):
        assert set(t.mmse.greco[nsc].values()) == {None}
    assert t.step1.audiometry_pass_max_db is None
    assert t.snellen.near["parinaud"] is None
    assert t.mmse.fallback_enabled is False


def test_numbers_are_exact_fractions():
    t = default_thresholds()
    assert t.sppb.gait_4m.four_below == Fraction(482, 100)
    assert t.snellen.categories.floor("mild") == Fraction(1, 3)


def test_version_mismatch_is_refused():
    data = raw()
    data["ruleset_version"] = "0.9.9"
    with pytest.raises(ConfigError) as info:
        parse_thresholds(data)
    assert "0.9.9" in info.value.message.fr and RULESET_VERSION in info.value.message.en


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        (("sppb", "altered_at_or_below"), None, "sppb.altered_at_or_below"),
        (("phq9", "altered_at_or_above"), True, "phq9.altered_at_or_above"),
        (("mmse", "comparator"), "≤", "mmse.comparator"),
        (("phq9", "bands"), {"mild": 5, "minimal": 0}, "phq9.bands"),
        (("mna", "bands"), {"malnourished": 0, "at_risk": 24, "normal": 17}, "mna.bands"),
        (("visit", "followup_months"), 13, "visit.followup_months"),
        (("snellen", "categories"), "1/2", "snellen.categories"),
    ],
)
def test_bad_values_are_refused_with_the_key_named(path, value, where):
    data = copy.deepcopy(raw())
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ConfigError) as info:
        parse_thresholds(data)
    assert where in info.value.message.fr and where in info.value.message.en


def test_missing_key_is_named():
    data = copy.deepcopy(raw())
    del data["hearing"]["hearwho"]["altered_below"]
    with pytest.raises(ConfigError, match=r"hearing\.hearwho\.altered_below"):
        parse_thresholds(data)


def test_unreadable_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError):
        load_thresholds(tmp_path / "absent.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("step1: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_thresholds(bad)
