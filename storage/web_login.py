"""Signing in to the web page without a password: a one-time link asked for in chat, then a browser session.

Why links and not passwords: bidan and puskesmas staff already prove who they
are by writing from their own chat; a password would be one more thing to
forget and to leak. A link works once, for `LINK_MINUTES`; the browser then
holds a random session token whose hash is the `web_session` row, so logout
and expiry end it at the server (a stolen cookie dies with the row). Only
hashes are stored: a copy of the database opens nothing. Functions take a
session and never commit.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.values import Role
from storage.models import Contact, WebLoginLink, WebSession
from storage.records import ContactRecord
from storage.posyandu_days import audit

LINK_MINUTES = 10
LINKS_PER_HOUR = 5  # per contact: a chat asking again and again gets a kind "wait", not a flood of links
STAFF_ROLES = frozenset({Role.KADER.value, Role.BIDAN.value, Role.ADMIN.value})


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_use_web(contact: ContactRecord) -> bool:
    """Staff only: a family sees its own data in chat (`keluarga`), never on the page."""
    return contact.role in STAFF_ROLES


def issue_link(session: Session, contact: ContactRecord, now: datetime) -> str | None:
    """A fresh one-time token for this staff contact; None when not staff or past the hourly limit."""
    if not may_use_web(contact):
        return None
    recent = session.scalar(select(func.count()).select_from(WebLoginLink).where(
        WebLoginLink.contact_id == contact.id, WebLoginLink.created_at > now - timedelta(hours=1))) or 0
    if recent >= LINKS_PER_HOUR:
        return None
    token = secrets.token_urlsafe(24)
    session.add(WebLoginLink(token_hash=_hash(token), contact_id=contact.id, created_at=now,
                             expires_at=now + timedelta(minutes=LINK_MINUTES)))
    audit(session, contact.id, "web.link_issued", f"contact:{contact.id}", now)
    session.flush()
    return token


def redeem_link(session: Session, token: str, now: datetime) -> Contact | None:
    """The contact a valid, unused, unexpired link belongs to, marking it used (one statement, so two
    browsers racing on one link cannot both get in)."""
    if not token or len(token) > 200:
        return None
    found = session.execute(update(WebLoginLink).where(
        WebLoginLink.token_hash == _hash(token), WebLoginLink.used_at.is_(None), WebLoginLink.expires_at > now)
        .values(used_at=now).returning(WebLoginLink.contact_id)).first()
    if found is None:
        return None
    contact = session.get(Contact, found[0])
    if contact is None or not may_use_web(contact):
        return None
    audit(session, contact.id, "web.login", f"contact:{contact.id}", now)
    return contact


def open_session(session: Session, contact: Contact, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=_hash(token), contact_id=contact.id, created_at=now, last_seen_at=now))
    session.flush()
    return token


def session_contact(session: Session, token: str | None, now: datetime, idle_minutes: int) -> Contact | None:
    """The signed-in contact of this browser token, or None (unknown, logged out, idle too long, no longer
    staff). The last-seen time is written at most once a minute, not on every page."""
    if not token or len(token) > 200:
        return None
    row = session.scalars(select(WebSession).where(WebSession.token_hash == _hash(token),
                                                   WebSession.ended_at.is_(None))).first()
    if row is None:
        return None
    if now - row.last_seen_at > timedelta(minutes=idle_minutes):
        row.ended_at = now
        return None
    contact = session.get(Contact, row.contact_id)
    if contact is None or not may_use_web(contact):
        return None
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
    return contact


def end_session(session: Session, token: str | None, now: datetime) -> None:
    if token:
        session.execute(update(WebSession).where(WebSession.token_hash == _hash(token),
                                                 WebSession.ended_at.is_(None)).values(ended_at=now))
