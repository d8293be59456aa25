"""What a person chooses about themselves in chat: their language and the name staff read.

Why here: flows never set a row's attribute (`tests/test_import_rules.py`); the change is named, in the
caller's transaction, never committed.
"""
from __future__ import annotations

from storage.models import Contact


def set_language(contact: Contact, language: str) -> None:
    """`id` or `en`: every text to this person from now on, replies and reminders alike."""
    contact.language = language


def set_display_name(contact: Contact, name: str) -> None:
    """The staff member's name as the bidan reads it in alerts ("Dilaporkan oleh ...")."""
    contact.display_name = name
