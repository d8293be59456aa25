"""What a person chooses about themselves in chat: their language and the name staff read.

Why here: flows never set a row's attribute (`tests/test_import_rules.py`); the change is named, in the
caller's transaction, never committed.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from storage.models import Contact
from storage.records import ContactRecord


def contact_row(session: Session, contact: ContactRecord) -> Contact:
    """The contact's row for a change: the step's own, from the session's identity map (no query)."""
    row = session.get(Contact, contact.id)
    assert row is not None
    return row


def set_language(session: Session, contact: ContactRecord, language: str) -> None:
    """`id` or `en`: every text to this person from now on, replies and reminders alike."""
    contact_row(session, contact).language = language


def set_display_name(session: Session, contact: ContactRecord, name: str) -> None:
    """The staff member's name as the bidan reads it in alerts ("Dilaporkan oleh ...")."""
    contact_row(session, contact).display_name = name
