"""What a score returns: `Result`, with its `Band` and `Alert`s, and their JSON form.

The store keeps results as JSON and the GP letter is regenerated from them, so
`Result.from_json(result.to_json()) == result` exactly, and every value in `derived` is
plain JSON (numbers, strings, booleans, None, lists, dicts with string keys).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from icope_desktop.i18n import Lang, Text, current_language
from icope_desktop.screening.model import Domain, DomainStatus, Severity
from icope_desktop.screening.version import RULESET_VERSION

if TYPE_CHECKING:
    from icope_desktop.screening.model import Instrument
    from icope_desktop.screening.responses import Responses


@dataclass(frozen=True, slots=True)
class Band:
    """An interpretation band; `indicative` bands are shown but never drive a decision
    (SPPB descriptive bands, spec §3.3 ⚠️)."""

    code: str
    label: Text
    indicative: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label.to_json(), "indicative": self.indicative}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Band:
        return cls(data["code"], Text.from_json(data["label"]), bool(data.get("indicative")))


@dataclass(frozen=True, slots=True)
class Alert:
    """An alert of the clinical spec §4 catalogue (codes in `alerts.AlertCode`).

    `requires_documented_action`: the UI may not dismiss it without a documented action
    (ALERT_SUICIDE_RISK, §3.6). `source` is the instrument id that raised it.
    """

    code: str
    severity: Severity
    message: Text
    action: Text | None = None
    domain: Domain | None = None
    source: str | None = None
    requires_documented_action: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message.to_json(),
            "action": self.action.to_json() if self.action else None,
            "domain": self.domain.value if self.domain else None,
            "source": self.source,
            "requires_documented_action": self.requires_documented_action,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Alert:
        return cls(
            code=data["code"],
            severity=Severity(data["severity"]),
            message=Text.from_json(data["message"]),
            action=Text.from_json(data["action"]) if data.get("action") else None,
            domain=Domain(data["domain"]) if data.get("domain") else None,
            source=data.get("source"),
            requires_documented_action=bool(data.get("requires_documented_action")),
        )


def sort_alerts(alerts: list[Alert] | tuple[Alert, ...]) -> tuple[Alert, ...]:
    """Urgent first, then high, normal, low; stable within a severity."""
    return tuple(sorted(alerts, key=lambda alert: alert.severity.rank, reverse=True))


Number = int | float


@dataclass(frozen=True)
class Result:
    """The outcome of `score()` for one instrument.

    - `total`: None when it cannot be computed (missing items); for the MMSE with
      items not assessable it is the raw total, to show as `total/max_administrable`.
    - `bounds`: `(low, high)` the total could reach once the missing items are answered.
    - `valid`: the total (or, without a total, the interpretation) is complete and
      interpretable under the ruleset.
    - `altered`: the domain is altered (True), normal (False), or undetermined (None).
      It may be decided from `bounds` when every completion gives the same answer.
    - `domain_statuses`: Step 1 all six domains; Step 2 the instrument's domain.
    - `derived`: computed values (BMI, sub-scores, per-eye decimal/logMAR, PTA4, flags);
      keys per instrument are listed in docs/ARCHITECTURE.md "Screening".
    - `interpretation`: a sentence for the letter ("interprétation non disponible",
      "hors normes (≥90 ans)"); `threshold`: the rule that applied, in words.
    - `notes`: information for the professional (ignored answers, non-validated values).
    """

    instrument_id: str
    title: Text
    ruleset_version: str
    total: Number | None
    max_total: int | None
    valid: bool
    altered: bool | None
    domain: Domain | None
    domain_statuses: dict[Domain, DomainStatus]
    max_administrable: int | None = None
    bounds: tuple[Number, Number] | None = None
    band: Band | None = None
    alerts: tuple[Alert, ...] = ()
    missing: tuple[str, ...] = ()
    not_assessable: tuple[str, ...] = ()
    derived: dict[str, Any] = field(default_factory=dict)
    interpretation: Text | None = None
    threshold: Text | None = None
    notes: tuple[Text, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "instrument_id": self.instrument_id,
            "title": self.title.to_json(),
            "ruleset_version": self.ruleset_version,
            "total": self.total,
            "max_total": self.max_total,
            "valid": self.valid,
            "altered": self.altered,
            "domain": self.domain.value if self.domain else None,
            "domain_statuses": {d.value: s.value for d, s in self.domain_statuses.items()},
            "max_administrable": self.max_administrable,
            "bounds": list(self.bounds) if self.bounds is not None else None,
            "band": self.band.to_json() if self.band else None,
            "alerts": [alert.to_json() for alert in self.alerts],
            "missing": list(self.missing),
            "not_assessable": list(self.not_assessable),
            "derived": self.derived,
            "interpretation": self.interpretation.to_json() if self.interpretation else None,
            "threshold": self.threshold.to_json() if self.threshold else None,
            "notes": [note.to_json() for note in self.notes],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Result:
        try:
            bounds = data.get("bounds")
            return cls(
                instrument_id=data["instrument_id"],
                title=Text.from_json(data["title"]),
                ruleset_version=data["ruleset_version"],
                total=data["total"],
                max_total=data["max_total"],
                valid=bool(data["valid"]),
                altered=data["altered"],
                domain=Domain(data["domain"]) if data.get("domain") else None,
                domain_statuses={
                    Domain(d): DomainStatus(s) for d, s in data["domain_statuses"].items()
                },
                max_administrable=data.get("max_administrable"),
                bounds=(bounds[0], bounds[1]) if bounds is not None else None,
                band=Band.from_json(data["band"]) if data.get("band") else None,
                alerts=tuple(Alert.from_json(a) for a in data.get("alerts", ())),
                missing=tuple(data.get("missing", ())),
                not_assessable=tuple(data.get("not_assessable", ())),
                derived=dict(data.get("derived") or {}),
                interpretation=(
                    Text.from_json(data["interpretation"]) if data.get("interpretation") else None
                ),
                threshold=Text.from_json(data["threshold"]) if data.get("threshold") else None,
                notes=tuple(Text.from_json(n) for n in data.get("notes", ())),
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"malformed screening result JSON: {exc!r}") from exc

    @property
    def status(self) -> DomainStatus:
        """The instrument's own domain status (Step 2), from `altered`."""
        if self.altered is True:
            return DomainStatus.ALTERED
        if self.altered is False:
            return DomainStatus.NORMAL
        return DomainStatus.NOT_EVALUATED

    def summary(self, lang: Lang | None = None) -> str:
        """A few lines a professional can read: score, band, status, rule, alerts, gaps."""
        lang = lang or current_language()
        fr = lang == "fr"
        head = [self.title.get(lang)]
        if self.total is not None:
            out_of = self.max_total
            if self.max_administrable is not None:
                out_of = self.max_administrable
            shown = _num(self.total, lang)
            head.append(f"{shown}/{out_of}" if out_of is not None else shown)
        elif self.bounds is not None:
            low, high = (_num(b, lang) for b in self.bounds)
            head.append(
                f"total non calculable (entre {low} et {high})"
                if fr
                else f"total not computable (between {low} and {high})"
            )
        if self.band is not None:
            head.append(self.band.label.get(lang))
        if self.altered is True:
            head.append("ALTÉRÉ" if fr else "ALTERED")
        elif self.altered is False:
            head.append("normal")
        else:
            head.append("indéterminé" if fr else "undetermined")
        lines = [" — ".join(head)]
        colon = " : " if fr else ": "
        if self.domain_statuses and self.domain is None:
            lines.extend(
                f"  {d.label.get(lang)}{colon}{s.label.get(lang)}"
                for d, s in self.domain_statuses.items()
            )
        if self.interpretation is not None:
            label = "Interprétation" if fr else "Interpretation"
            lines.append(f"{label}{colon}{self.interpretation.get(lang)}")
        if self.threshold is not None:
            label = "Seuil" if fr else "Threshold"
            lines.append(f"{label}{colon}{self.threshold.get(lang)}")
        for alert in self.alerts:
            severity = alert.severity.label.get(lang)
            lines.append(f"[{severity}] {alert.code}: {alert.message.get(lang)}")
            if alert.action is not None:
                lines.append(f"    → {alert.action.get(lang)}")
        if self.missing:
            label = "Manquant" if fr else "Missing"
            lines.append(f"{label}{colon}{', '.join(self.missing)}")
        if self.not_assessable:
            label = "Non évaluable" if fr else "Not assessable"
            lines.append(f"{label}{colon}{', '.join(self.not_assessable)}")
        for note in self.notes:
            lines.append(f"Note{colon}{note.get(lang)}")
        lines.append(("Règles v" if fr else "Rules v") + self.ruleset_version)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _num(value: Number, lang: Lang) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",") if lang == "fr" else text


def ignored_note(instrument: Instrument, item_ids: tuple[str, ...]) -> Text:
    """Named by their labels, not their ids (nurses never see item ids on the form)."""
    from icope_desktop.screening.validation import field_names

    joined = field_names([instrument.item(i) for i in item_ids if instrument.has_item(i)])
    return Text(
        fr=f"Réponses conservées mais non prises en compte (question non applicable) : "
        f"{joined.fr}.",
        en=f"Answers kept but not used (question not applicable): {joined.en}.",
    )


def build_result(
    instrument: Instrument,
    responses: Responses,
    *,
    altered: bool | None,
    valid: bool,
    total: Number | None = None,
    notes: tuple[Text, ...] | list[Text] = (),
    domain_statuses: dict[Domain, DomainStatus] | None = None,
    alerts: tuple[Alert, ...] | list[Alert] = (),
    **fields: Any,
) -> Result:
    """A Result with the fields every scorer fills the same way (ids, version, gaps)."""
    all_notes = list(notes)
    if responses.ignored:
        all_notes.append(ignored_note(instrument, responses.ignored))
    if domain_statuses is None:
        status = (
            DomainStatus.ALTERED
            if altered is True
            else DomainStatus.NORMAL
            if altered is False
            else DomainStatus.NOT_EVALUATED
        )
        domain_statuses = {instrument.domain: status} if instrument.domain is not None else {}
    return Result(
        instrument_id=instrument.id,
        title=instrument.title,
        ruleset_version=RULESET_VERSION,
        total=total,
        max_total=instrument.max_total,
        valid=valid,
        altered=altered,
        domain=instrument.domain,
        domain_statuses=domain_statuses,
        alerts=sort_alerts(alerts),
        missing=responses.missing,
        not_assessable=responses.not_assessable,
        notes=tuple(all_notes),
        **fields,
    )
