"""Value types storage keeps and every layer above shares: channels, roles, a choice, an attachment.

They live here, at the bottom, so storage never imports the conversation core above it;
`bot.messages` re-exports them beside the message types of the core.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Channel(str, enum.Enum):
    """Where a person talks to us. `terminal` is the local chat for trying flows."""

    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    TERMINAL = "terminal"
    SMS = "sms"  # one-way notices to a WhatsApp contact whose number is not on WhatsApp (no inbound)


class Role(str, enum.Enum):
    """What a contact may do. A resident subscribes; a kader reports; a bidan supervises."""

    RESIDENT = "resident"
    KADER = "kader"
    BIDAN = "bidan"
    ADMIN = "admin"


@dataclass(frozen=True)
class Choice:
    """One option offered to the person: `value` comes back, `label` is shown."""

    value: str
    label: str


MIME_TYPES = {
    ".png": "image/png",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
}


@dataclass(frozen=True)
class Attachment:
    """A picture (`photo`) or file (`document`) a message carries.

    `spec` is what to draw (a growth chart's points, a recap's figures), a
    JSON snapshot taken when the message is written; the bytes are made from
    it at send time (`bot.media.materialise`), so writing the message costs no
    drawing. `media_id` is the stored row, known once the outbox has it.
    """

    kind: str  # "photo" | "document"
    filename: str
    spec: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    media_id: int | None = None

    @property
    def mime(self) -> str:
        suffix = self.filename[self.filename.rfind("."):].lower() if "." in self.filename else ""
        return MIME_TYPES.get(suffix, "application/octet-stream")
