"""FHIR R4 validation of incoming resources, with messages that name the entry and field.

Structure, cardinalities, datatypes and formats are checked by the `fhir.resources.R4B`
models (DESIGN.md "Sync": the French FR Core profiles are R4, the package's default is R5).
The models do not check required code bindings, so the top-level ones of the accepted types
are checked here from `codes.REQUIRED_CODES` (FHIR R4 value sets). Messages quote field
paths and error kinds only, never the value sent, which may be patient data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from icope_server.codes import REQUIRED_CODES
from icope_server.outcome import Issue, Message

# pydantic / fhir.resources error types -> (FHIR issue code, French, English)
_KINDS: dict[str, tuple[str, str, str]] = {
    "missing": ("required", "est obligatoire", "is required"),
    "model_field_validation.missing": ("required", "est obligatoire", "is required"),
    "extra_forbidden": ("structure", "n'existe pas en FHIR R4", "does not exist in FHIR R4"),
    "string_type": ("value", "doit être une chaîne de caractères", "must be a string"),
    "string_pattern_mismatch": ("value", "n'a pas le format attendu", "has the wrong format"),
    "string_too_short": ("value", "ne peut pas être vide", "cannot be empty"),
    "int_parsing": ("value", "doit être un nombre entier", "must be an integer"),
    "int_type": ("value", "doit être un nombre entier", "must be an integer"),
    "int_from_float": ("value", "doit être un nombre entier", "must be an integer"),
    "float_parsing": ("value", "doit être un nombre", "must be a number"),
    "decimal_parsing": ("value", "doit être un nombre", "must be a number"),
    "bool_parsing": ("value", "doit valoir true ou false", "must be true or false"),
    "bool_type": ("value", "doit valoir true ou false", "must be true or false"),
    "list_type": ("structure", "doit être une liste", "must be a list"),
    "dict_type": ("structure", "doit être un objet", "must be an object"),
    "model_type": ("structure", "doit être un objet", "must be an object"),
    "model_attributes_type": ("structure", "doit être un objet", "must be an object"),
    "value_error": ("value", "a une valeur invalide", "has an invalid value"),
    "date_from_datetime_parsing": ("value", "doit être une date", "must be a date"),
}


@dataclass(frozen=True, slots=True)
class Where:
    """Where a resource sits in the request, for messages and FHIRPath expressions."""

    expression: str
    """e.g. `Bundle.entry[3].resource` or `Task`."""
    label_fr: str
    label_en: str

    @classmethod
    def entry(cls, index: int, resource_type: str) -> Where:
        return cls(
            f"Bundle.entry[{index}].resource",
            f"Entrée {index} ({resource_type})",
            f"Entry {index} ({resource_type})",
        )

    @classmethod
    def entry_request(cls, index: int) -> Where:
        return cls(f"Bundle.entry[{index}]", f"Entrée {index}", f"Entry {index}")

    @classmethod
    def resource(cls, resource_type: str) -> Where:
        return cls(resource_type, resource_type, resource_type)

    def issue(
        self, path: str, code: str, fr: str, en: str, fhir_code: str = "invalid"
    ) -> Issue:
        expression = f"{self.expression}.{path}" if path else self.expression
        return Issue(
            code,
            Message(f"{self.label_fr} : {fr}", f"{self.label_en}: {en}"),
            expression,
            fhir_code,
        )

    def field_issue(
        self, path: str, code: str, fr: str, en: str, fhir_code: str = "invalid"
    ) -> Issue:
        """An issue about one field: the message quotes the field's path."""
        return self.issue(
            path, code, f"le champ « {path} » {fr}.", f"field '{path}' {en}.", fhir_code
        )


@cache
def model_class(resource_type: str) -> Any:
    return get_fhir_model_class(resource_type)


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def validate_resource(resource: dict[str, Any], where: Where) -> list[Issue]:
    """Issues of one resource (empty when valid). `resourceType` must already be known."""
    resource_type = resource["resourceType"]
    issues: list[Issue] = []
    try:
        model_class(resource_type).model_validate(resource)
    except ValidationError as error:
        for detail in error.errors(include_input=False, include_url=False):
            kind = str(detail.get("type", ""))
            fhir_code, fr, en = _KINDS.get(
                kind, ("value", "a une valeur invalide", f"has an invalid value ({kind})")
            )
            path = _path(tuple(detail.get("loc", ())))
            if path in ("resource_type", "resourceType"):
                continue  # the caller picked the model from resourceType itself
            issues.append(where.field_issue(path, "invalid-resource", fr, en, fhir_code))
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
        issues.append(
            where.issue(
                "",
                "invalid-resource",
                "ressource illisible.",
                "unreadable resource.",
                "structure",
            )
        )
    for element, allowed in REQUIRED_CODES.get(resource_type, {}).items():
        value = resource.get(element)
        if isinstance(value, str) and value not in allowed:
            shown = ", ".join(sorted(allowed))
            issues.append(
                where.field_issue(
                    element,
                    "invalid-resource",
                    f"doit être l'un des codes : {shown}",
                    f"must be one of: {shown}",
                    "code-invalid",
                )
            )
    return issues
