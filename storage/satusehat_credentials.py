"""SATUSEHAT API access per puskesmas: one client id per Organization id, the secret encrypted.

Why per puskesmas: a client id/secret works for one Organization id only, and
the access codes are confidential [S2] (data-out.md §1.1). The secret is
stored as a Fernet token (cryptography's authenticated encryption) under
`SATUSEHAT_SECRET_KEY`; several comma-separated keys, newest first, let an
operator rotate the key (`MultiFernet`). A secret is never printed or logged.

A credential the token endpoint refused is marked failed: nothing is sent for
that puskesmas until an operator sets it again (a bad secret is never retried
in a loop: failed logins are rate limited [S24]).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEvent, Puskesmas, SatusehatCredential

KEY_HINT = ('make one with: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"')


class KeyProblem(Exception):
    """SATUSEHAT_SECRET_KEY is missing or not a Fernet key (said to the operator)."""


def cipher(key_setting: str) -> MultiFernet:
    """The cipher of `SATUSEHAT_SECRET_KEY` (first key encrypts, any key decrypts)."""
    keys = [k.strip() for k in key_setting.split(",") if k.strip()]
    if not keys:
        raise KeyProblem("SATUSEHAT_SECRET_KEY is not set; " + KEY_HINT)
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError):
        raise KeyProblem("SATUSEHAT_SECRET_KEY is not a Fernet key (32 url-safe base64 bytes); " + KEY_HINT) from None


@dataclass(frozen=True)
class Access:
    """What the sender needs for one puskesmas (the secret decrypted, held in memory only)."""

    puskesmas_id: int
    organization_id: str
    client_id: str
    client_secret: str

    def __repr__(self) -> str:  # never the secret in a traceback or a log line
        return f"Access(puskesmas_id={self.puskesmas_id}, organization_id={self.organization_id!r})"


def set_credentials(session: Session, puskesmas: Puskesmas, organization_id: str, client_id: str, secret: str,
                    key_setting: str, now: datetime) -> SatusehatCredential:
    """Store (or replace) the puskesmas' credentials; clears an earlier failure."""
    if not organization_id.strip() or not client_id.strip() or not secret:
        raise ValueError("organization id, client id and secret are all needed")
    token = cipher(key_setting).encrypt(secret.encode()).decode()
    row = session.scalars(select(SatusehatCredential)
                          .where(SatusehatCredential.puskesmas_id == puskesmas.id)).one_or_none()
    if row is None:
        row = SatusehatCredential(puskesmas_id=puskesmas.id, updated_at=now)
        session.add(row)
    row.organization_id, row.client_id, row.secret_encrypted = organization_id.strip(), client_id.strip(), token
    row.failed_at, row.failure, row.updated_at = None, None, now
    session.add(AuditEvent(action="satusehat.credentials_set", subject=f"puskesmas:{puskesmas.id}", at=now))
    session.flush()
    return row


def access_for(session: Session, puskesmas_id: int, key_setting: str) -> Access | None:
    """The puskesmas' usable credentials, or None (none set, or marked failed)."""
    row = session.scalars(select(SatusehatCredential)
                          .where(SatusehatCredential.puskesmas_id == puskesmas_id)).one_or_none()
    if row is None or row.failed_at is not None:
        return None
    try:
        secret = cipher(key_setting).decrypt(row.secret_encrypted.encode()).decode()
    except InvalidToken:
        raise KeyProblem("the stored client secret does not open with SATUSEHAT_SECRET_KEY "
                         "(key changed?); set the credentials again") from None
    return Access(puskesmas_id, row.organization_id, row.client_id, secret)


def mark_failed(session: Session, puskesmas_id: int, reason: str, now: datetime) -> None:
    """Stop sending for this puskesmas until its credentials are set again."""
    row = session.scalars(select(SatusehatCredential)
                          .where(SatusehatCredential.puskesmas_id == puskesmas_id)).one_or_none()
    if row is not None and row.failed_at is None:
        row.failed_at, row.failure = now, reason[:300]
        session.add(AuditEvent(action="satusehat.credentials_failed", subject=f"puskesmas:{puskesmas_id}", at=now))
        session.flush()


def organization_ids(session: Session) -> dict[int, str]:
    """Organization id by puskesmas id, for every puskesmas with credentials (failed or not)."""
    return dict(session.execute(select(SatusehatCredential.puskesmas_id, SatusehatCredential.organization_id)).all())


def active_puskesmas(session: Session) -> list[int]:
    """Puskesmas whose credentials are set and not failed: the only ones the sender works for."""
    return list(session.scalars(select(SatusehatCredential.puskesmas_id)
                                .where(SatusehatCredential.failed_at.is_(None))))
