"""Practitioner accounts, their bearer tokens and their territories.

Tokens are 256-bit random strings (`secrets.token_urlsafe(32)`), shown once at creation and
stored only as their SHA-256. A slow, salted password hash (Argon2, bcrypt) exists to resist
guessing low-entropy passwords; a 256-bit random token cannot be guessed, so one SHA-256
pass loses nothing, and it lets the server find the token by an indexed equality lookup on
every request instead of trying each stored hash. A stolen database gives no usable token.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from icope_server.codes import BUSINESS_ID_SYSTEM, DEMO_TOKEN, RPPS_SYSTEM
from icope_server.db import Database
from icope_server.models import Account, ApiToken, Territory, utcnow
from icope_server.outcome import Message, fail
from icope_server.resources import insert_resource, new_id

TOKEN_PREFIX = "icp_"
RPPS_PATTERN = re.compile(r"^\d{11}$")
PREFIX_PATTERN = re.compile(r"^\d{2,5}$|^2[AB]\d{0,3}$")


class AccountError(Exception):
    """An admin command's input is refused; the message says why (FR + EN)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated practitioner of a request."""

    account_id: int
    rpps: str
    name: str
    practitioner_id: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _invalid_token() -> Exception:
    return fail(
        401,
        "token-invalid",
        "Jeton d'accès inconnu ou révoqué.",
        "Unknown or revoked access token.",
        fhir_code="security",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def authenticate(session: Session, authorization: str | None, *, demo: bool) -> Caller:
    if not authorization:
        raise fail(
            401,
            "token-missing",
            "Jeton d'accès manquant (en-tête Authorization: Bearer).",
            "Missing access token (Authorization: Bearer header).",
            fhir_code="login",
            headers={"WWW-Authenticate": "Bearer"},
        )
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        raise _invalid_token()
    if token == DEMO_TOKEN and not demo:
        raise _invalid_token()  # the published demo token must never open a real server
    row = session.execute(
        select(ApiToken, Account)
        .join(Account, Account.id == ApiToken.account_id)
        .where(ApiToken.token_hash == hash_token(token))
    ).first()
    if row is None or row.ApiToken.revoked_at is not None:
        raise _invalid_token()
    if row.ApiToken.expires_at is not None and row.ApiToken.expires_at <= utcnow():
        raise fail(
            401,
            "token-expired",
            "Jeton d'accès expiré : demandez-en un nouveau à l'administrateur.",
            "Access token expired: ask the administrator for a new one.",
            fhir_code="expired",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    account = row.Account
    return Caller(account.id, account.rpps, account.name, account.practitioner_id)


def practitioner_body(account: Account) -> dict[str, Any]:
    body: dict[str, Any] = {
        "resourceType": "Practitioner",
        "identifier": [
            {"system": BUSINESS_ID_SYSTEM, "value": f"urn:uuid:{account.practitioner_id}"},
            {"system": RPPS_SYSTEM, "value": account.rpps},
        ],
        "active": True,
        "name": [{"text": account.name}],
    }
    if account.email:
        body["telecom"] = [{"system": "email", "value": account.email}]
    return body


def ensure_account(
    session: Session, rpps: str, name: str | None, email: str | None = None
) -> Account:
    """The account of this RPPS, created (with its Practitioner resource) if new."""
    if not RPPS_PATTERN.match(rpps):
        raise AccountError(
            Message(
                fr="Le numéro RPPS doit comporter 11 chiffres.",
                en="The RPPS number must have 11 digits.",
            )
        )
    account = session.scalars(select(Account).where(Account.rpps == rpps)).first()
    if account is not None:
        if name:
            account.name = name
        if email:
            account.email = email
        return account
    if not name:
        raise AccountError(
            Message(
                fr="Nouveau praticien : indiquez son nom (--name).",
                en="New practitioner: give his name (--name).",
            )
        )
    account = Account(rpps=rpps, name=name, email=email, practitioner_id=new_id(), task_seq=0)
    session.add(account)
    session.flush()
    insert_resource(
        session,
        account_id=account.id,
        resource_type="Practitioner",
        business_id=f"urn:uuid:{account.practitioner_id}",
        body=practitioner_body(account),
        resource_id=account.practitioner_id,
    )
    return account


def find_account(session: Session, rpps: str) -> Account:
    account = session.scalars(select(Account).where(Account.rpps == rpps)).first()
    if account is None:
        raise AccountError(
            Message(
                fr="Aucun praticien avec ce numéro RPPS.",
                en="No practitioner with this RPPS number.",
            )
        )
    return account


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    token_id: int
    rpps: str
    practitioner_id: str
    expires_at: datetime | None


def create_token(
    db: Database,
    *,
    rpps: str,
    name: str | None,
    email: str | None = None,
    expires_at: datetime | None = None,
    label: str | None = None,
    token: str | None = None,
) -> IssuedToken:
    """Create the account if needed and a new token for it (printed once by the CLI)."""
    value = token or new_token()

    def work(session: Session) -> IssuedToken:
        account = ensure_account(session, rpps, name, email)
        row = ApiToken(
            account_id=account.id,
            token_hash=hash_token(value),
            label=label,
            expires_at=expires_at,
        )
        session.add(row)
        session.flush()
        return IssuedToken(value, row.id, account.rpps, account.practitioner_id, expires_at)

    return db.write(work)


def revoke_tokens(db: Database, *, rpps: str | None = None, token_id: int | None = None) -> int:
    """Revoke one token, or every token of a practitioner; returns how many were live."""

    def work(session: Session) -> int:
        query = select(ApiToken).where(ApiToken.revoked_at.is_(None))
        if token_id is not None:
            query = query.where(ApiToken.id == token_id)
        if rpps is not None:
            query = query.where(ApiToken.account_id == find_account(session, rpps).id)
        rows = list(session.scalars(query))
        now = utcnow()
        for row in rows:
            row.revoked_at = now
        return len(rows)

    return db.write(work)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    token_id: int
    rpps: str
    name: str
    label: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


def list_tokens(db: Database) -> list[TokenInfo]:
    with db.read() as session:
        rows = session.execute(
            select(ApiToken, Account)
            .join(Account, Account.id == ApiToken.account_id)
            .order_by(ApiToken.id)
        ).all()
        return [
            TokenInfo(
                t.id, a.rpps, a.name, t.label, t.created_at, t.expires_at, t.revoked_at
            )
            for t, a in rows
        ]


def normalise_prefix(prefix: str) -> str:
    value = prefix.strip().upper()
    if not PREFIX_PATTERN.match(value):
        raise AccountError(
            Message(
                fr="Un territoire est un début de code postal de 2 à 5 chiffres (ex. 44, 85, "
                "4430).",
                en="A territory is a postcode prefix of 2 to 5 digits (e.g. 44, 85, 4430).",
            )
        )
    return value


def set_territories(db: Database, rpps: str, prefixes: list[str]) -> list[str]:
    """Replace the practitioner's territories (an empty list removes them all)."""
    clean = sorted({normalise_prefix(p) for p in prefixes})

    def work(session: Session) -> list[str]:
        account = find_account(session, rpps)
        session.execute(delete(Territory).where(Territory.account_id == account.id))
        session.add_all(Territory(account_id=account.id, prefix=p) for p in clean)
        return clean

    return db.write(work)


@dataclass(frozen=True, slots=True)
class AccountInfo:
    rpps: str
    name: str
    practitioner_id: str
    territories: tuple[str, ...]
    live_tokens: int


def list_accounts(db: Database) -> list[AccountInfo]:
    now = utcnow()
    with db.read() as session:
        accounts = list(session.scalars(select(Account).order_by(Account.rpps)))
        territories: dict[int, list[str]] = {}
        for row in session.scalars(select(Territory).order_by(Territory.prefix)):
            territories.setdefault(row.account_id, []).append(row.prefix)
        live = dict(
            session.execute(
                select(ApiToken.account_id, func.count())
                .where(
                    ApiToken.revoked_at.is_(None),
                    (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now),
                )
                .group_by(ApiToken.account_id)
            ).all()
        )
        return [
            AccountInfo(
                a.rpps,
                a.name,
                a.practitioner_id,
                tuple(territories.get(a.id, [])),
                int(live.get(a.id, 0)),
            )
            for a in accounts
        ]
