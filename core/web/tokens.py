"""API tokens: who may read and write which district's data.

A token is shown once, when it is created; the store keeps only its SHA-256 hash, so a copy of
the database does not hand out access. A token belongs to one district and has a role:
``admin`` and ``staff`` may write (their principal is the audit actor), ``readonly`` may only read.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from attrs import frozen
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine

from spedrules.core.errors import InputError

ROLES = ("admin", "staff", "readonly")
WRITE_ROLES = ("admin", "staff")

metadata = MetaData()
# created by migration 0003; the hash is of the whole token, the token itself is never stored
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("district_id", String(64), nullable=False, index=True),
    Column("role", String(20), nullable=False),
    Column("person", String(200)),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
)


@frozen
class Principal:
    """Who a request acts for: one district, a role, and (optionally) a named person."""

    token_id: int
    district: str
    role: str
    person: str | None = None

    @property
    def actor(self) -> str:
        """The audit trail's ``who`` for this principal's writes."""
        who = self.person or f"token {self.token_id}"
        return f"{who} ({self.district}, {self.role}, via API)"

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES


@frozen
class TokenInfo:
    id: int
    district: str
    role: str
    person: str | None
    created_at: datetime
    revoked_at: datetime | None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def create_token(
    engine: Engine, district: str, role: str, person: str | None = None
) -> tuple[int, str]:
    """A new token for ``district``: returns (its id, the token). Only the hash is stored."""
    if role not in ROLES:
        raise InputError(None, "--role", f"one of {', '.join(ROLES)}", role)
    token = secrets.token_urlsafe(32)
    with engine.begin() as c:
        result = c.execute(
            insert(api_tokens).values(
                district_id=district,
                role=role,
                person=person,
                token_hash=hash_token(token),
                created_at=_now(),
            )
        )
        token_id = result.inserted_primary_key[0]
    return token_id, token


def list_tokens(engine: Engine, district: str | None = None) -> list[TokenInfo]:
    query = select(api_tokens).order_by(api_tokens.c.id)
    if district:
        query = query.where(api_tokens.c.district_id == district)
    with engine.connect() as c:
        return [
            TokenInfo(r.id, r.district_id, r.role, r.person, r.created_at, r.revoked_at)
            for r in c.execute(query)
        ]


def revoke_token(engine: Engine, token_id: int) -> TokenInfo:
    """Revoke a token (kept, with the time it was revoked); an unknown id is an input error."""
    with engine.begin() as c:
        row = c.execute(select(api_tokens).where(api_tokens.c.id == token_id)).first()
        if row is None:
            raise InputError(
                None, "TOKEN_ID", "the id of a token (see `spedrules token list`)", token_id
            )
        if row.revoked_at is None:
            c.execute(
                update(api_tokens).where(api_tokens.c.id == token_id).values(revoked_at=_now())
            )
    return next(t for t in list_tokens(engine) if t.id == token_id)


def authenticate(engine: Engine, token: str | None) -> Principal | None:
    """The principal of a live token, or None for a missing, unknown or revoked one."""
    if not token:
        return None
    with engine.connect() as c:
        row = c.execute(
            select(api_tokens).where(
                api_tokens.c.token_hash == hash_token(token), api_tokens.c.revoked_at.is_(None)
            )
        ).first()
    if row is None:
        return None
    return Principal(row.id, row.district_id, row.role, row.person)
