"""Errors the API returns, as FHIR OperationOutcome (docs/SYNC_PROTOCOL.md §8).

Every refusal is a typed `FhirError` carrying an HTTP status and issues; each issue has a
stable machine code (`icope-error#…`) for the client's logic, a French text shown to the
user and its English translation. Messages name entries and fields only, never patient data
(issue 6: "no patient data in logs"), so they can be logged and stored beside a record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from icope_server.codes import ERROR_CS

MAX_ISSUES = 50


@dataclass(frozen=True, slots=True)
class Message:
    """A text for a person, in French (the default) and English."""

    fr: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    """Stable error code of the `icope-error` code system."""
    message: Message
    expression: str | None = None
    fhir_code: str = "invalid"
    """OperationOutcome.issue.code (FHIR IssueType)."""

    def to_fhir(self) -> dict[str, Any]:
        issue: dict[str, Any] = {
            "severity": "error",
            "code": self.fhir_code,
            "details": {
                "coding": [{"system": ERROR_CS, "code": self.code}],
                "text": self.message.fr,
            },
            "diagnostics": self.message.en,
        }
        if self.expression:
            issue["expression"] = [self.expression]
        return issue


@dataclass(slots=True)
class FhirError(Exception):
    """A refusal the client gets as `status` + OperationOutcome; nothing was stored."""

    status: int
    issues: list[Issue] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} " + ", ".join(issue.code for issue in self.issues)

    def outcome(self) -> dict[str, Any]:
        return operation_outcome(self.issues)


def fail(
    status: int,
    code: str,
    fr: str,
    en: str,
    *,
    expression: str | None = None,
    fhir_code: str = "invalid",
    headers: dict[str, str] | None = None,
) -> FhirError:
    """Build a one-issue error; callers `raise fail(...)`."""
    return FhirError(
        status,
        [Issue(code, Message(fr, en), expression, fhir_code)],
        dict(headers or {}),
    )


def operation_outcome(issues: list[Issue]) -> dict[str, Any]:
    shown = issues[:MAX_ISSUES]
    body = [issue.to_fhir() for issue in shown]
    if len(issues) > len(shown):
        rest = len(issues) - len(shown)
        body.append(
            Issue(
                "more-issues",
                Message(f"… et {rest} autres erreurs.", f"… and {rest} more errors."),
                fhir_code="informational",
            ).to_fhir()
        )
    return {"resourceType": "OperationOutcome", "issue": body}
