"""One visit's picture: Step 1 and Step 2 results combined (clinical spec §1, §4, §5).

`evaluate_visit` is pure: the same results, date and settings always give the same
evaluation, which the store keeps as JSON next to the results it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from icope_desktop.i18n import Lang, Text, current_language
from icope_desktop.screening import alerts as alert_catalogue
from icope_desktop.screening.alerts import AlertCode
from icope_desktop.screening.config import Thresholds, VisitConfig, default_thresholds
from icope_desktop.screening.errors import ConfigError, FieldError, FieldErrorCode, ValidationError
from icope_desktop.screening.followup import add_months
from icope_desktop.screening.model import Domain, DomainStatus
from icope_desktop.screening.pathways import (
    DOMAIN_PRECEDENCE,
    FOLLOW_UP_BY_INSTRUMENT,
    SHORT_NAMES,
    STEP2_BY_DOMAIN,
)
from icope_desktop.screening.recommendations import Recommendation, recommendations_for
from icope_desktop.screening.registry import INSTRUMENTS
from icope_desktop.screening.results import Alert, Result, sort_alerts
from icope_desktop.screening.version import RULESET_VERSION


@dataclass(frozen=True)
class VisitEvaluation:
    """The combined outcome of a visit.

    - `domains`: each capacity after Step 2 refinement; `step1_domains`: as screened;
      `decided_by`: the instrument id that set each domain ("step1", "mmse", "mna"…,
      None when nothing evaluated it).
    - `altered_count`: Step 1 altered domains (the count ALERT_MULTIDOMAIN uses, §1).
    - `alerts`: deduplicated, urgent first. `proposed_step2`: instrument ids still to do.
    - `incomplete`: no Step 1, or a Step 1 domain not evaluated (prompt to redo it).
    - `next_step1_due`: Step 1 date + N calendar months (None without a Step 1).
    - `recommendations`: spec §5 labels for the domains altered after refinement.
    """

    domains: dict[Domain, DomainStatus]
    step1_domains: dict[Domain, DomainStatus]
    decided_by: dict[Domain, str | None]
    altered_count: int
    alerts: tuple[Alert, ...]
    proposed_step2: tuple[str, ...]
    multidomain_alert: bool
    incomplete: bool
    next_step1_due: date | None
    recommendations: tuple[Recommendation, ...]
    ruleset_version: str

    def to_json(self) -> dict[str, Any]:
        return {
            "domains": {d.value: s.value for d, s in self.domains.items()},
            "step1_domains": {d.value: s.value for d, s in self.step1_domains.items()},
            "decided_by": {d.value: s for d, s in self.decided_by.items()},
            "altered_count": self.altered_count,
            "alerts": [a.to_json() for a in self.alerts],
            "proposed_step2": list(self.proposed_step2),
            "multidomain_alert": self.multidomain_alert,
            "incomplete": self.incomplete,
            "next_step1_due": self.next_step1_due.isoformat() if self.next_step1_due else None,
            "recommendations": [r.to_json() for r in self.recommendations],
            "ruleset_version": self.ruleset_version,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> VisitEvaluation:
        try:
            due = data.get("next_step1_due")
            return cls(
                domains={Domain(d): DomainStatus(s) for d, s in data["domains"].items()},
                step1_domains={
                    Domain(d): DomainStatus(s) for d, s in data["step1_domains"].items()
                },
                decided_by={Domain(d): s for d, s in data["decided_by"].items()},
                altered_count=int(data["altered_count"]),
                alerts=tuple(Alert.from_json(a) for a in data["alerts"]),
                proposed_step2=tuple(data["proposed_step2"]),
                multidomain_alert=bool(data["multidomain_alert"]),
                incomplete=bool(data["incomplete"]),
                next_step1_due=date.fromisoformat(due) if due else None,
                recommendations=tuple(Recommendation.from_json(r) for r in data["recommendations"]),
                ruleset_version=data["ruleset_version"],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"malformed visit evaluation JSON: {exc!r}") from exc

    def summary(self, lang: Lang | None = None) -> str:
        lang = lang or current_language()
        fr = lang == "fr"
        colon = " : " if fr else ": "
        lines = [
            ("Visite — capacités altérées à l'étape 1" if fr else "Visit — Step 1 altered")
            + f"{colon}{self.altered_count}/6"
        ]
        for domain, status in self.domains.items():
            by = self.decided_by.get(domain)
            lines.append(f"  {domain.label.get(lang)}{colon}{status.label.get(lang)}"
                         + (f" ({by})" if by else ""))  # fmt: skip
        for alert in self.alerts:
            severity = alert.severity.label.get(lang)
            lines.append(f"[{severity}] {alert.code}: {alert.message.get(lang)}")
        if self.proposed_step2:
            label = "Étape 2 à proposer" if fr else "Step 2 to offer"
            lines.append(f"{label}{colon}{', '.join(self.proposed_step2)}")
        if self.next_step1_due:
            label = "Prochaine étape 1" if fr else "Next Step 1"
            lines.append(f"{label}{colon}{self.next_step1_due.isoformat()}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _input_error(where: str, fr: str, en: str) -> ValidationError:
    return ValidationError(
        [FieldError(where, FieldErrorCode.INCONSISTENT, Text(fr=fr, en=en))]
    )


def _settings(config: VisitConfig | None, thresholds: Thresholds) -> tuple[int, int]:
    defaults = thresholds.visit
    config = config or VisitConfig()
    if not isinstance(config, VisitConfig):
        raise ConfigError(
            Text(fr="Configuration de visite invalide.", en="Invalid visit settings.")
        )
    limit = defaults.multidomain_threshold if config.multidomain_threshold is None else (
        config.multidomain_threshold
    )
    months = defaults.followup_months if config.followup_months is None else config.followup_months
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 6:
        raise ConfigError(
            Text(
                fr="Le seuil d'alerte multidomaine doit être un entier de 1 à 6.",
                en="The multidomain alert threshold must be a whole number from 1 to 6.",
            )
        )
    low, high = defaults.followup_months_min, defaults.followup_months_max
    if isinstance(months, bool) or not isinstance(months, int) or not low <= months <= high:
        raise ConfigError(
            Text(
                fr=f"Le délai de suivi doit être de {low} à {high} mois.",
                en=f"The follow-up interval must be {low} to {high} months.",
            )
        )
    return limit, months


def evaluate_visit(
    step1: Result | None,
    step2: Mapping[str, Result] | None = None,
    *,
    visit_date: date,
    config: VisitConfig | None = None,
    thresholds: Thresholds | None = None,
) -> VisitEvaluation:
    """Combine a visit's Step 1 and Step 2 results.

    How Step 2 refines a Step 1 status: a *conclusive* Step 2 result of a domain
    (`altered` True or False) replaces that domain's Step 1 status — the in-depth test
    confirms or invalidates the screening signal (spec §1) — and a Step 2 test done for
    a domain Step 1 found normal can make it altered. An *inconclusive* Step 2 result
    (`altered` None: missing items, no norm, not interpretable) leaves the Step 1
    status. For vitality the full MNA outranks the MNA-SF (the full form is the
    assessment, §3.2). The multidomain alert counts Step 1 domains (§1, §4), so a later
    Step 2 never hides it.
    """
    thresholds = thresholds or default_thresholds()
    limit, months = _settings(config, thresholds)
    if not isinstance(visit_date, date):
        raise _input_error(
            "visit_date", "La date de visite doit être une date.", "The visit date must be a date."
        )
    if step1 is not None and (not isinstance(step1, Result) or step1.instrument_id != "step1"):
        raise _input_error(
            "step1",
            "Le résultat d'étape 1 attendu est celui de l'instrument « step1 ».",
            "The Step 1 result must come from the 'step1' instrument.",
        )
    step2 = dict(step2 or {})
    for key, result in step2.items():
        if (
            not isinstance(result, Result)
            or result.instrument_id != key
            or key not in INSTRUMENTS
            or INSTRUMENTS[key].step != 2
        ):
            raise _input_error(
                f"step2.{key}",
                f"« {key} » : le résultat d'étape 2 doit venir de l'instrument du même nom.",
                f"'{key}': a Step 2 result must come from the instrument of that name.",
            )

    if step1 is not None:
        step1_domains = {
            d: step1.domain_statuses.get(d, DomainStatus.NOT_EVALUATED) for d in Domain
        }
    else:
        step1_domains = dict.fromkeys(Domain, DomainStatus.NOT_EVALUATED)
    domains = dict(step1_domains)
    decided_by: dict[Domain, str | None] = {
        d: ("step1" if step1 is not None and s is not DomainStatus.NOT_EVALUATED else None)
        for d, s in step1_domains.items()
    }
    for domain in Domain:
        for instrument_id in DOMAIN_PRECEDENCE[domain]:
            decisive = step2.get(instrument_id)
            if decisive is not None and decisive.altered is not None:
                domains[domain] = DomainStatus.ALTERED if decisive.altered else DomainStatus.NORMAL
                decided_by[domain] = instrument_id
                break

    altered_at_step1 = [d for d, s in step1_domains.items() if s is DomainStatus.ALTERED]
    proposed: list[str] = []
    for domain in Domain:
        first = STEP2_BY_DOMAIN[domain]
        if first not in step2:
            if domain in altered_at_step1:
                proposed.append(first)
            continue
        follow_up = FOLLOW_UP_BY_INSTRUMENT.get(first)
        if follow_up and step2[first].altered is True and follow_up not in step2:
            proposed.append(follow_up)

    collected: list[Alert] = []
    if step1 is not None:
        collected.extend(
            a for a in step1.alerts
            if a.code not in (AlertCode.ALERT_MULTIDOMAIN, AlertCode.STEP2_REQUIRED)
        )  # fmt: skip
    multidomain = len(altered_at_step1) >= limit
    if multidomain:
        collected.append(alert_catalogue.multidomain(len(altered_at_step1), limit))
    for instrument_id in proposed:
        proposed_for = INSTRUMENTS[instrument_id].domain
        assert proposed_for is not None
        collected.append(alert_catalogue.step2_required(proposed_for, SHORT_NAMES[instrument_id]))
    for result in step2.values():
        collected.extend(result.alerts)
    unique: dict[tuple[str, Domain | None], Alert] = {}
    for alert in collected:
        code_domain = (alert.code, alert.domain)
        if code_domain not in unique or alert.severity > unique[code_domain].severity:
            unique[code_domain] = alert

    suicide = any(a.code == AlertCode.ALERT_SUICIDE_RISK for a in unique.values())
    altered_now = [d for d, s in domains.items() if s is DomainStatus.ALTERED]
    return VisitEvaluation(
        domains=domains,
        step1_domains=step1_domains,
        decided_by=decided_by,
        altered_count=len(altered_at_step1),
        alerts=sort_alerts(list(unique.values())),
        proposed_step2=tuple(proposed),
        multidomain_alert=multidomain,
        incomplete=step1 is None
        or any(s is DomainStatus.NOT_EVALUATED for s in step1_domains.values()),
        next_step1_due=add_months(visit_date, months) if step1 is not None else None,
        recommendations=recommendations_for(altered_now, suicide_risk=suicide),
        ruleset_version=RULESET_VERSION,
    )
