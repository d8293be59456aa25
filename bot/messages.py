"""Value objects of the conversation core: inbound and outbound messages (and storage's channels, roles, choices).

They are plain frozen dataclasses so flows, storage and the edges can pass them
around without importing each other.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from storage.values import MIME_TYPES, Attachment, Channel, Choice, Role

__all__ = ["MIME_TYPES", "Attachment", "Channel", "Choice", "Role", "InboundKind", "Inbound", "Reply", "Outbound",
           "SHARE_PHONE", "PHONE_SHARED", "MEDIA_TYPES"]


class InboundKind(str, enum.Enum):
    """What arrived. Only text and button presses carry an answer; the rest get a kind reply."""

    TEXT = "text"
    CHOICE = "choice"  # a button press (Telegram callback query)
    MEDIA = "media"  # photo, sticker, voice note, document, location...
    EMPTY = "empty"
    CONTACT = "contact"  # the sender shared their OWN phone number (Telegram request_contact); text is the number


# A choice with this value asks the channel for the person's own number (Telegram: a request_contact button);
# the answer comes back as an InboundKind.CONTACT whose choice is PHONE_SHARED.
SHARE_PHONE = "share_phone"
PHONE_SHARED = "phone_shared"


@dataclass(frozen=True)
class Inbound:
    """One message from a person, already verified and normalised by a webhook.

    `address` is the channel's id for the person (Telegram chat id, WhatsApp
    E.164 number, terminal user name). `provider_id` identifies the delivery
    (Telegram update_id, Twilio MessageSid) so a redelivery is handled once.
    """

    channel: Channel
    address: str
    text: str = ""
    kind: InboundKind = InboundKind.TEXT
    provider_id: str | None = None
    display_name: str | None = None
    received_at: datetime | None = None
    media: str = ""  # what a MEDIA message was, in MEDIA_TYPES' words: the kind answer says what we read


# What a non-text message was (the channels' own types mapped to these): `core.media.<type>` answers each.
MEDIA_TYPES = ("location", "audio", "contact", "sticker", "image", "video", "document")


@dataclass(frozen=True)
class Reply:
    """A message a flow wants sent back to the person it is talking to (text, and maybe a picture or file)."""

    text: str
    choices: tuple[Choice, ...] = ()
    attachment: Attachment | None = None


@dataclass(frozen=True)
class Outbound:
    """A message ready for a sender: one outbox row, in channel-neutral form.

    `template_key`/`template_vars` are set for messages that may fall outside
    WhatsApp's 24-hour window (reminders, broadcasts); the WhatsApp sender
    then uses the approved Content template when one is configured.
    """

    id: int
    channel: Channel
    address: str
    text: str
    choices: tuple[Choice, ...] = ()
    template_key: str | None = None
    template_vars: dict[str, str] = field(default_factory=dict)
    in_session_window: bool = True
    attachment: Attachment | None = None
    language: str | None = None  # the reader's language: a channel's own words (the numbered list's hint)
