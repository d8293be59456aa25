"""Attachments of outbox messages: write one with its message, read them back to send or serve.

Why a table of its own: a growth chart or a recap workbook rides on one outbox
row (the dispatcher and its retries stay as they are); the row is written in
the same transaction as the message, and the bytes are drawn at send time.
"""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.db import rowcount
from storage.values import Attachment
from storage.models import MediaFile, OutboxMessage
from storage.outbox_types import FINISHED  # an outbox row's end states

MAX_SPEC_ITEMS = 2000  # a recap's by-name rows; far above a posyandu's register


def attach(session: Session, outbox_id: int, attachment: Attachment, now: datetime) -> Attachment:
    """Store the attachment of outbox row `outbox_id`; returns it with its media id."""
    row = MediaFile(outbox_id=outbox_id, kind=attachment.kind, filename=attachment.filename[:120],
                    spec=attachment.spec, created_at=now)
    session.add(row)
    session.flush()
    return Attachment(attachment.kind, attachment.filename, attachment.spec, row.id)


def _as_attachment(row: MediaFile) -> Attachment:
    return Attachment(row.kind, row.filename, dict(row.spec or {}), row.id)


def attachments_for(session: Session, outbox_ids: Sequence[int]) -> dict[int, Attachment]:
    """The attachments of these outbox rows, by outbox id (rows without one are absent)."""
    if not outbox_ids:
        return {}
    rows = session.scalars(select(MediaFile).where(MediaFile.outbox_id.in_(list(outbox_ids))))
    return {row.outbox_id: _as_attachment(row) for row in rows}


def media_file(session: Session, media_id: int) -> MediaFile | None:
    return session.get(MediaFile, media_id)


def forget_old_media(session: Session, before: datetime) -> int:
    """Drop the spec and bytes of attachments whose message is finished and older than `before`.

    A chart or a recap holds a child's measurements and names (UU 27/2022: keep no longer than needed);
    once delivered (or given up), the copy in the outbox has no use. Returns how many were emptied.
    """
    finished = select(OutboxMessage.id).where(OutboxMessage.status.in_(FINISHED))
    result = session.execute(update(MediaFile).where(
        MediaFile.created_at < before, MediaFile.outbox_id.in_(finished),
        (MediaFile.content.is_not(None)) | (MediaFile.filename != "")).values(
        spec={}, content=None, filename=""))
    return rowcount(result)
